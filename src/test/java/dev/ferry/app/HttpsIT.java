package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.testing.TestCertificates;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry sync} over HTTPS, as against AWS: the shipped jar with the shipped JVM options (C1 only), so TLS, the
 * Content-MD5 of every body and the signing all go through the native crypto provider, and bodies are signed as the
 * SDK signs them over HTTPS. S3Proxy serves TLS with a certificate made for the test; Ferry trusts it through the
 * JVM's trust store property.
 */
class HttpsIT {

    @TempDir
    Path tmp;
    S3ProxyServer s3;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(tmp);
        FerryProcess.shareWithDaemon(tmp);
    }

    @AfterEach
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void syncUploadsSmallAndMultipartFilesOverTlsWithNativeCrypto() throws Exception {
        TestCertificates certs = TestCertificates.forLoopback(tmp, "s3proxy");
        Path keystore = certs.keystore();
        Path truststore = certs.truststore();
        int tlsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            tlsPort = free.getLocalPort();
        }
        s3 = S3ProxyServer.start(Map.of("s3proxy.secure-endpoint", "https://127.0.0.1:" + tlsPort,
                "s3proxy.keystore-path", keystore.toString(), "s3proxy.keystore-password", certs.password()));

        Path site = Files.createDirectories(tmp.resolve("site"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(site, state);
        Random random = new Random(7);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add("small-" + i + ".bin");
        }
        names.add("large.bin");
        for (String name : names) {
            byte[] content = new byte[name.startsWith("large") ? 20 * 1024 * 1024 + 5 : 1 + random.nextInt(20_000)];
            random.nextBytes(content);
            Files.write(site.resolve(name), content);
        }
        Path config = tmp.resolve("ferry.yml");
        Files.writeString(config, "sites:\n- local_path: " + site + "\n  bucket: secure\n");
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("AWS_ENDPOINT_URL", "https://127.0.0.1:" + tlsPort);
        env.put("SETTLE_TIME", "0");
        env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -Djavax.net.ssl.trustStore=" + truststore
                + " -Djavax.net.ssl.trustStorePassword=" + certs.password());

        FerryProcess sync = FerryProcess.run("https-sync", env, "sync", "--config", config.toString());

        assertThat(sync.exitCode()).as(sync.log()).isZero();
        assertThat(s3.listKeys("secure")).containsExactlyInAnyOrderElementsOf(names);
        for (String name : names) {
            assertThat(s3.readObjectBytes("secure", name)).as(name).hasValue(Files.readAllBytes(site.resolve(name)));
        }
        assertThat(sync.log()).doesNotContain(s3.secretKey());
        assumeThat(System.getProperty("os.name") + "/" + System.getProperty("os.arch")).as("native crypto is bundled "
                + "for linux-x86_64 only").isEqualTo("Linux/amd64");
        assertThat(sync.log()).contains("crypto: native, AmazonCorrettoCryptoProvider");
    }

    @Test
    void withNativeCryptoTurnedOffAC1OnlyJvmSaysWhatToChangeAndStillUploads() throws Exception {
        s3 = S3ProxyServer.start();
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(site, state);
        Files.writeString(site.resolve("a.txt"), "plain");
        Path config = tmp.resolve("ferry.yml");
        Files.writeString(config, "sites:\n- local_path: " + site + "\n  bucket: plain\n");
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SETTLE_TIME", "0");
        env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -D" + NativeCrypto.PROPERTY + "=false");

        FerryProcess sync = FerryProcess.run("no-native-crypto", env, "sync", "--config", config.toString());

        assertThat(sync.exitCode()).as(sync.log()).isZero();
        assertThat(s3.readObject("plain", "a.txt")).hasValue("plain");
        assertThat(sync.log()).containsPattern("WARN .*crypto: the JDK's own \\(turned off with -D"
                + NativeCrypto.PROPERTY + "=false\\).*remove that option");
    }
}
