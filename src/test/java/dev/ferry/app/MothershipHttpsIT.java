package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.Mothership;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under a mothership over HTTPS (Javalin with a self-signed certificate made at test time): a certificate
 * the JVM does not trust is refused, with the reason in /status and the log, while a machine the mothership had
 * configured goes on uploading; trusted the way operators trust a private CA (a trust store given with
 * {@code -Djavax.net.ssl.trustStore}), phoning home works and the mothership's state applies.
 */
class MothershipHttpsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TOKEN = "mothership-token-0123456789";

    @TempDir
    Path tmp;
    Path state;
    Path home;
    S3ProxyServer s3;
    Mothership mothership;
    FerryProcess ferry;
    TestCertificates certs;

    @BeforeEach
    void setUp() throws Exception {
        state = Files.createDirectories(tmp.resolve("state"));
        home = Files.createDirectories(tmp.resolve("ingestor"));
        Files.createDirectories(home.resolve("data"));
        FerryProcess.shareWithDaemon(tmp, state, home, home.resolve("data"));
        certs = TestCertificates.forLoopback(tmp, "mothership");
        FerryProcess.shareWithDaemon(certs.truststore());
        s3 = S3ProxyServer.start();
        mothership = Mothership.startTls("/ingestor", certs.serverTls());
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        mothership.close();
        s3.close();
    }

    private void startFerry(String javaOptions) throws IOException {
        Path config = home.resolve("ferry.yml");
        Files.writeString(config, """
                control:
                  host_service: https
                  host_dns: 127.0.0.1
                  host_port: %d
                  token: %s
                  heartbeat_period: 3600
                sites:
                  - local_path: %s
                    bucket: ingest-bucket
                """.formatted(mothership.port(), TOKEN, home.resolve("data")));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SETTLE_TIME", "300ms");
        env.put("TIMEOUT", "5000");
        env.put("JAVA_TOOL_OPTIONS", javaOptions);
        ferry = FerryProcess.start("mothership-https", env, "--config", config.toString());
    }

    private void awaitObject(String key, String content) {
        await("ingest-bucket/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject("ingest-bucket", key).filter(content::equals).isPresent());
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheReasonInStatusAndUploadsAreNotStopped() throws IOException {
        // the mothership configured this machine before: its state is kept across restarts
        Files.writeString(state.resolve("s3-ingestor-context.json"), "{\"state\": \"configured\"}");
        FerryProcess.shareWithDaemon(state.resolve("s3-ingestor-context.json"));
        Files.writeString(home.resolve("data/a.txt"), "alpha");
        startFerry("-XX:TieredStopAtLevel=1");

        await("the refusal in /status").atMost(DEADLINE)
                .until(() -> !ferry.status().path("control").path("lastError").isNull()
                        && !ferry.status().path("control").path("lastError").isMissingNode());
        JsonNode control = ferry.status().path("control");
        assertThat(control.path("lastError").asText())
                .startsWith("TLS refused: the mothership's certificate is not trusted")
                .contains("-Djavax.net.ssl.trustStore");
        assertThat(control.path("mothership").asText()).isEqualTo("https://127.0.0.1:" + mothership.port()
                + "/ingestor");
        assertThat(control.path("uploading").asBoolean()).isTrue();
        awaitObject("a.txt", "alpha");
        assertThat(ferry.log()).contains("certificate is not trusted").doesNotContain(TOKEN);
        assertThat(mothership.requests()).as("nothing sent to a server not trusted").isEmpty();
    }

    @Test
    void withItsCertificateInTheTrustStorePhoningHomeWorksOverHttps() throws IOException {
        Files.writeString(home.resolve("data/b.txt"), "bravo");
        mothership.thenJson("{\"state\": \"configured\"}");
        startFerry("-XX:TieredStopAtLevel=1 " + certs.trustOptions());

        Mothership.Request startup = mothership.next("startup", DEADLINE);
        assertThat(startup.authorization()).contains("Bearer " + TOKEN);
        awaitObject("b.txt", "bravo");
        JsonNode control = ferry.status().path("control");
        assertThat(control.path("state").asText()).isEqualTo("configured");
        assertThat(control.path("lastContact").isTextual()).isTrue();
        assertThat(control.path("lastError").isNull() || control.path("lastError").isMissingNode())
                .as(control.toString()).isTrue();
        assertThat(ferry.log()).doesNotContain(TOKEN);
    }
}
