package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Seed 003's policy options beyond its README, through the daemon against S3Proxy with the watcher on: regex key
 * rewrites (a file no rule matches is ignored when one is required), and a minimum age before upload.
 */
class PoliciesIT {
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
        Files.writeString(home.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "%s", "secretAccessKey": "%s", "region": "%s"}
                """.formatted(s3.accessKey(), s3.secretKey(), s3.region()));
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

    private void start(String policies) throws IOException {
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {"s3_bucket": "ingest-bucket", "aws_keys_file": "s3-ingestor-keys.json", "policies": %s}
                """.formatted(policies));
        FerryProcess.shareWithDaemon(home);
        Map<String, String> env = Map.of("STATE_DIR", state.toString(), "AWS_ENDPOINT_URL", s3.endpoint().toString(),
                "SETTLE_TIME", "300ms", "TIMEOUT", "5000");
        ferry = FerryProcess.start("policies", env, "--config", config.toString());
    }

    @Test
    void rewriteRulesGiveKeysAndAFileMatchingNoneIsIgnoredWithTheReason() throws IOException {
        write("data/cam1/2026-05-a.csv", "alpha");
        write("data/cam2/b.CSV", "beta");
        write("data/cam1/notes.txt", "no rule for it");
        start("""
                [{"input_file_pattern": "data/**", "input_remove_prefix": "data/", "output_key_prefix": "in/",
                  "rewrite": [{"match": "^in/(cam[0-9]+)/([0-9]{4})-([0-9]{2})-", "replace": "cameras/$1/$2/$3/"},
                              {"match": "\\\\.(csv|CSV)$", "replace": ".csv"}],
                  "rewrite_required": true}]
                """);
        awaitObject("cameras/cam1/2026/05/a.csv", "alpha");
        awaitObject("in/cam2/b.csv", "beta");
        write("data/cam3/2027-01-later.csv", "watched");
        awaitObject("cameras/cam3/2027/01/later.csv", "watched");
        assertThat(s3.listKeys("ingest-bucket")).containsExactlyInAnyOrder("cameras/cam1/2026/05/a.csv",
                "in/cam2/b.csv", "cameras/cam3/2027/01/later.csv");
        await().atMost(DEADLINE).until(() -> ferry.log().contains("rewrite_required: no rewrite rule matches its key "
                + "'in/cam1/notes.txt'"));
    }

    @Test
    void delayUploadHoldsAFileUntilItsModificationTimeIsThatOld() throws IOException {
        write("data/old.csv", "written long ago");
        Files.setLastModifiedTime(home.resolve("data/old.csv"),
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(1))));
        start("""
                [{"input_file_pattern": "data/**", "delay_upload": 4}]
                """);
        awaitObject("data/old.csv", "written long ago");
        java.time.Instant written = java.time.Instant.now();
        write("data/young.csv", "just written");
        awaitObject("data/young.csv", "just written");
        assertThat(Duration.between(written, java.time.Instant.now()))
                .as("not uploaded before it was delay_upload old").isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    }
}
