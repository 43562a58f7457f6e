package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a backlog: after a restart every file is in S3 with the right content, and no
 * file was uploaded twice (the crash-time "uploading" records are checked against S3 instead).
 */
class KillRestartIT {
    private static final Pattern UPLOADED = Pattern.compile(" - (\\S+): uploaded \\d+ bytes");

    @TempDir
    Path tmp;

    @Test
    void killDuringABacklogThenRestartDeliversEveryFileExactlyOnce() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        int perBucket = 150; // the kill comes after 40 uploads: most of the 300 files are still to go
        for (String bucket : List.of("backlog-a", "backlog-b")) {
            Files.createDirectories(watch.resolve(bucket).resolve("sub"));
            for (int i = 0; i < perBucket; i++) {
                Files.writeString(watch.resolve(bucket).resolve("sub").resolve("f" + i + ".txt"),
                        bucket + " file " + i + " " + "x".repeat(i));
            }
            FerryProcess.shareWithDaemon(watch.resolve(bucket), watch.resolve(bucket).resolve("sub"));
        }
        FerryProcess.shareWithDaemon(tmp, watch, state);

        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            env.put("CONCURRENCY", "2");
            String firstLog;
            try (FerryProcess first = FerryProcess.start("kill-first", env)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> first.total("uploaded") >= 40);
                first.kill9();
                firstLog = first.log();
            }
            long uploadedBeforeKill = countUploads(firstLog).values().stream().mapToLong(Long::longValue).sum();
            assertThat(uploadedBeforeKill).as("the kill came in the middle of the backlog").isLessThan(2L * perBucket);

            try (FerryProcess second = FerryProcess.start("kill-second", env)) {
                for (String bucket : List.of("backlog-a", "backlog-b")) {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                            .until(() -> s3.listKeys(bucket).size() == perBucket);
                    for (int i = 0; i < perBucket; i++) {
                        assertThat(s3.readObject(bucket, "sub/f" + i + ".txt"))
                                .contains(bucket + " file " + i + " " + "x".repeat(i));
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> second.status().path("ready").asBoolean()
                        && second.total("queued") == 0 && second.total("inFlight") == 0);
                Map<String, Long> uploads = countUploads(firstLog + second.log());
                assertThat(uploads.values()).as("no file uploaded twice").allMatch(n -> n == 1);
            }
        }
    }

    private static Map<String, Long> countUploads(String log) {
        Map<String, Long> counts = new HashMap<>();
        Matcher m = UPLOADED.matcher(log);
        while (m.find()) {
            counts.merge(m.group(1), 1L, Long::sum);
        }
        return counts;
    }
}
