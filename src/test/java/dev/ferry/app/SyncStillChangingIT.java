package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-shot {@code ferry sync} with a file that never stops changing (a log appended to faster than the settle
 * time): the run ends after the file's attempts, reports it failed with the reason and exits 1, and the other files
 * are uploaded. Both forms: {@code DIR s3://bucket/prefix} and {@code --config}.
 */
class SyncStillChangingIT {
    @TempDir
    Path tmp;
    Path dir;
    Path log;
    S3ProxyServer s3;
    Map<String, String> env;
    ScheduledExecutorService appender;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("logs"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, dir, state);
        s3 = S3ProxyServer.start();
        env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("STATE_DIR", state.toString());
        env.put("SETTLE_TIME", "1s");
        env.put("TIMEOUT", "5000");
        Files.writeString(dir.resolve("done.txt"), "written before the run", StandardCharsets.UTF_8);
        log = dir.resolve("app.log");
        Files.writeString(log, "first line\n", StandardCharsets.UTF_8);
        appender = Executors.newSingleThreadScheduledExecutor();
        appender.scheduleAtFixedRate(() -> {
            try {
                Files.writeString(log, "another line\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void tearDown() {
        appender.shutdownNow();
        s3.close();
    }

    @Test
    void theRunGivesUpAFileThatKeepsGrowingAfterItsAttemptsAndReportsIt() {
        FerryProcess run = FerryProcess.runSplit("sync-still-changing", env, "sync", dir.toString(), "s3://logs/host1");

        assertThat(run.exitCode()).as(run.log()).isEqualTo(1);
        assertThat(run.stdout()).contains("failed: " + log + ": still changing after 5 tries")
                .contains("a one-shot sync does not wait longer for a file to stop changing")
                .contains("added 1, updated 0, unchanged 0, skipped 0, ignored 0, failed 1");
        assertThat(s3.readObject("logs", "host1/done.txt")).contains("written before the run");
    }

    @Test
    void theConfigFileFormGivesItUpAfterTheAttemptsItIsGiven() throws IOException {
        Path config = tmp.resolve("ferry.yml");
        Files.writeString(config, """
                sites:
                - local_path: %s
                  bucket: logs
                  bucket_path: host2
                """.formatted(dir));
        FerryProcess run = FerryProcess.runSplit("sync-still-changing-config", env, "sync", "--config",
                config.toString(), "--max-attempts", "3");

        assertThat(run.exitCode()).as(run.log()).isEqualTo(1);
        assertThat(run.stdout()).contains("failed: " + log + ": still changing after 3 tries");
        assertThat(s3.readObject("logs", "host2/done.txt")).contains("written before the run");
    }
}
