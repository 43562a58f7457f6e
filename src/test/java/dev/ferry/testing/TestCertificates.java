package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made at test time with the JDK's keytool (nothing is checked in): the
 * server's key store, and a trust store holding only its certificate, as an operator would make for a private CA.
 *
 * @param keystore   PKCS12 with the server's key and certificate
 * @param truststore PKCS12 with the certificate alone (for {@code -Djavax.net.ssl.trustStore})
 * @param password   of both
 */
public record TestCertificates(Path keystore, Path truststore, String password) {
    private static final String PASSWORD = "test-only-keystore";

    /** Makes them in {@code dir}: an EC key valid two days, named CN=127.0.0.1 with the IP in its SAN. */
    public static TestCertificates forLoopback(Path dir, String alias) throws IOException, InterruptedException {
        Path keystore = dir.resolve(alias + "-server.p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path cert = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        Path truststore = dir.resolve(alias + "-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore",
                truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return new TestCertificates(keystore, truststore, PASSWORD);
    }

    /** The JVM options that make a daemon trust the certificate (and only it). */
    public String trustOptions() {
        return "-Djavax.net.ssl.trustStore=" + truststore + " -Djavax.net.ssl.trustStorePassword=" + password;
    }

    public Mothership.Tls serverTls() {
        return new Mothership.Tls(keystore, password);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
