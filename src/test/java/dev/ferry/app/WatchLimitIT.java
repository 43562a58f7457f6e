package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inotify watch limit, reached for real: the daemon runs in a user namespace of its own whose
 * {@code max_inotify_watches} is lower than its tree needs. It must say so in /status and the log, and still
 * find new files by polling sweeps. Skipped where unprivileged user namespaces are not allowed.
 */
class WatchLimitIT extends DaemonTestBase {
    private static final String POLLING_SWEEP = "full sweep started (polling (native watching unavailable))";

    @BeforeEach
    void setUp() {
        assumeTrue(FerryProcess.canLimitInotifyWatches(), "needs unprivileged user namespaces (unshare --user)");
    }

    private Map<String, String> env() {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("POLL_INTERVAL", "1s");
        env.put("SWEEP_INTERVAL", "0"); // only the start-up sweep and polling sweeps
        return env;
    }

    private void awaitPolling() {
        await("watcher.mode polling").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> "polling".equals(ferry.status().path("watcher").path("mode").asText()));
        JsonNode watcher = ferry.status().path("watcher");
        assertThat(watcher.path("healthy").asBoolean()).isFalse();
        assertThat(watcher.path("lastError").asText()).contains("inotify watches");
        // A polling sweep started, so every sweep requested before it (start-up, "watcher failed") is over:
        // what is written from now on can only be found by polling.
        await("a polling sweep").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> ferry.log().contains(POLLING_SWEEP));
    }

    @Test
    void aTreeLargerThanTheWatchLimitIsPolledAndNewFilesStillArrive() throws Exception {
        for (int i = 0; i < 8; i++) {
            write("photos/d" + i + "/old.jpg", "old " + i);
        }
        ferry = FerryProcess.startWithInotifyWatchLimit("watch-limit-start", env(), 4);

        awaitPolling();
        await("the log line").atMost(DEADLINE).until(() -> ferry.log().contains("falling back to polling sweeps"));
        assertThat(ferry.log()).contains("falling back to polling sweeps", "fs.inotify.max_user_watches");
        for (int i = 0; i < 8; i++) {
            awaitObject("photos", "d" + i + "/old.jpg", "old " + i);
        }

        write("photos/d7/new.jpg", "written after the start, found by polling");
        write("photos/new-dir/deeper/new.jpg", "in a new folder");
        awaitObject("photos", "d7/new.jpg", "written after the start, found by polling");
        awaitObject("photos", "new-dir/deeper/new.jpg", "in a new folder");
    }

    @Test
    void runningOutOfWatchesForNewFoldersSwitchesToPolling() throws Exception {
        write("photos/first.jpg", "first");
        ferry = FerryProcess.startWithInotifyWatchLimit("watch-limit-later", env(), 5);
        awaitObject("photos", "first.jpg", "first");
        assertThat(ferry.status().path("watcher").path("mode").asText()).isEqualTo("native");

        for (int i = 0; i < 8; i++) {
            Files.createDirectories(watch.resolve("photos/n" + i));
        }
        awaitPolling();
        await("the log line").atMost(DEADLINE).until(() -> ferry.log().contains("a new directory cannot be watched"));
        assertThat(ferry.log()).contains("a new directory cannot be watched", "fs.inotify.max_user_watches");

        for (int i = 0; i < 8; i++) {
            write("photos/n" + i + "/late.jpg", "late " + i);
        }
        for (int i = 0; i < 8; i++) {
            awaitObject("photos", "n" + i + "/late.jpg", "late " + i);
        }
    }
}
