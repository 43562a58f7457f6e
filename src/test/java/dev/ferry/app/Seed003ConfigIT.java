package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
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
 * Seed 003's s3-ingestor.json, written as its README describes, runs unchanged: its policies become sites, its
 * keys file gives the credentials, and files get output_key_prefix + their path without input_remove_prefix.
 */
class Seed003ConfigIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    Path state;
    Path home;
    S3ProxyServer s3;
    FerryProcess ferry;

    @BeforeEach
    void setUp() throws IOException {
        state = Files.createDirectories(tmp.resolve("state"));
        home = Files.createDirectories(tmp.resolve("ingestor"));
        FerryProcess.shareWithDaemon(tmp, state, home);
        s3 = S3ProxyServer.start();
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        s3.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = home.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content);
    }

    private void awaitObject(String key, String content) {
        await("ingest-bucket/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject("ingest-bucket", key).filter(content::equals).isPresent());
    }

    @Test
    void seed003sExampleConfigurationRunsUnchangedAndFilesGetTheirKeys() throws IOException {
        write("data/cam1/2026/a.csv", "alpha");
        write("data/cam2/b.csv", "beta");
        write("data/cam1/notes.txt", "not a csv");
        write("logs/app.log", "log line");
        Files.writeString(home.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "%s", "secretAccessKey": "%s", "region": "%s"}
                """.formatted(s3.accessKey(), s3.secretKey(), s3.region()));
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {
                  "debug": false,
                  "api_port": 4567,
                  "s3_bucket": "ingest-bucket",
                  "aws_keys_file": "s3-ingestor-keys.json",
                  "upgrade_command": "npm update s3-ingestor",
                  "policies": [
                    {
                      "input_file_pattern": "data/**/*.csv",
                      "input_remove_prefix": "data/cam1/",
                      "output_key_prefix": "cameras/"
                    },
                    {
                      "input_file_pattern": "logs/*.log",
                      "output_key_prefix": "host-1-"
                    }
                  ]
                }
                """);
        FerryProcess.shareWithDaemon(home);
        Map<String, String> env = Map.of("STATE_DIR", state.toString(), "AWS_ENDPOINT_URL", s3.endpoint().toString(),
                "SETTLE_TIME", "300ms", "TIMEOUT", "5000");
        ferry = FerryProcess.start("seed003", env, "--config", config.toString());
        awaitObject("cameras/2026/a.csv", "alpha");
        awaitObject("cameras/data/cam2/b.csv", "beta");
        awaitObject("host-1-logs/app.log", "log line");
        write("data/cam1/later.csv", "after start");
        awaitObject("cameras/later.csv", "after start");
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(s3.listKeys("ingest-bucket")).containsExactlyInAnyOrder("cameras/2026/a.csv",
                "cameras/data/cam2/b.csv", "cameras/later.csv", "host-1-logs/app.log");
        assertThat(ferry.log()).doesNotContain(s3.secretKey());
    }

    @Test
    void temporaryKeysOfTheKeysFileSignWithTheirSessionTokenWhichIsNeverLogged() throws IOException {
        String token = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN";
        write("data/a.csv", "signed with a token");
        Files.writeString(home.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "%s", "secretAccessKey": "%s", "sessionToken": "%s", "region": "%s"}
                """.formatted(s3.accessKey(), s3.secretKey(), token, s3.region()));
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {"s3_bucket": "ingest-bucket", "aws_keys_file": "s3-ingestor-keys.json",
                 "policies": [{"input_file_pattern": "data/**"}]}
                """);
        FerryProcess.shareWithDaemon(home);
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            Map<String, String> env = Map.of("STATE_DIR", state.toString(), "AWS_ENDPOINT_URL",
                    proxy.endpoint().toString(), "SETTLE_TIME", "300ms");
            ferry = FerryProcess.start("seed003-token", env, "--config", config.toString());
            awaitObject("data/a.csv", "signed with a token");
            assertThat(proxy.requestHeads()).as("requests to S3").isNotEmpty()
                    .allSatisfy(head -> assertThat(head.toLowerCase(java.util.Locale.ROOT))
                            .contains("x-amz-security-token: " + token.toLowerCase(java.util.Locale.ROOT)));
        }
        assertThat(ferry.log()).doesNotContain(token).doesNotContain(s3.secretKey());
    }
}
