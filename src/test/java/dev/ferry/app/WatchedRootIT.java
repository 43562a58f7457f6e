package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The watched folder itself replaced, deleted or missing while the daemon runs, and folders that cannot be
 * watched. No periodic sweep runs ({@code SWEEP_INTERVAL=0}): what arrives was found by watching again.
 */
class WatchedRootIT extends DaemonTestBase {
    /** Well before any full sweep; long enough for a loaded machine. */
    private static final Duration SECONDS = Duration.ofSeconds(20);

    private Map<String, String> env() {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("SWEEP_INTERVAL", "0");
        env.put("POLL_INTERVAL", "1s");
        return env;
    }

    private JsonNode watcher() {
        return ferry.status().path("watcher");
    }

    /** /status says no watcher error (null, or left out). */
    private boolean noError() {
        JsonNode error = watcher().path("lastError");
        return error.isNull() || error.isMissingNode();
    }

    private void awaitWatcherState(String state) {
        await("watcher.state " + state).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> state.equals(watcher().path("state").asText()));
    }

    private void awaitLog(String text) {
        await("log: " + text).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> ferry.log().contains(text));
    }

    private long fullSweepsDone() {
        return ferry.log().lines().filter(l -> l.contains("full sweep done")).count();
    }

    private void awaitObjectWithin(Duration within, String bucket, String key, String content) {
        await(bucket + "/" + key + " within " + within.toSeconds() + " s").atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }

    @Test
    void aRootRenamedAwayAndMadeAgainIsWatchedAgainWithinSeconds() throws Exception {
        write("photos/before.jpg", "before");
        ferry = FerryProcess.start("root-renamed", env());
        awaitObject("photos", "before.jpg", "before");
        awaitLog("watching for changes");

        Files.move(watch, tmp.resolve("watch.old"));
        Files.createDirectories(watch);
        FerryProcess.shareWithDaemon(watch);
        write("photos/after.jpg", "written into the new root");

        awaitObjectWithin(SECONDS, "photos", "after.jpg", "written into the new root");
        await("log: the root replaced").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> ferry.log().matches("(?s).*watched folder (was replaced|is back).*"));
        awaitWatcherState("watching");
        JsonNode w = watcher();
        assertThat(w.path("mode").asText()).isEqualTo("native");
        assertThat(w.path("healthy").asBoolean()).isTrue();

        // the new root is watched natively: a file written after its sweep still arrives at once
        await("the sweep of the new root").atMost(DEADLINE).until(() -> fullSweepsDone() >= 2);
        write("photos/later/deeper.jpg", "watched natively");
        awaitObjectWithin(SECONDS, "photos", "later/deeper.jpg", "watched natively");
    }

    @Test
    void aDeletedSiteFolderDeletesNothingFromS3AndIsWatchedAgainWhenMadeAgain() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        FerryProcess.shareWithDaemon(site);
        for (String name : List.of("a.txt", "b.txt", "sub/c.txt")) {
            Files.createDirectories(site.resolve(name).getParent());
            FerryProcess.shareWithDaemon(site.resolve(name).getParent());
            Files.writeString(site.resolve(name), name);
        }
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, """
                sites:
                - local_path: %s
                  bucket: mirror
                  retire_deleted: true
                  max_delete_percent: 100
                """.formatted(site));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SWEEP_INTERVAL", "0");
        env.put("POLL_INTERVAL", "1s");
        ferry = FerryProcess.start("root-deleted", env, "--config", config.toString());
        for (String name : List.of("a.txt", "b.txt", "sub/c.txt")) {
            awaitObject("mirror", name, name);
        }
        awaitLog("watching for changes");

        deleteTree(site);
        // the deletions the watcher reported before the folder was found missing are handled (each object kept;
        // the removal of sub/ may find the folder missing first, and the watcher's later events are then dropped
        // with it), and nothing else deletes them
        awaitLog("the watched folder is missing");
        await("no upload or deletion waiting").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> ferry.total("queued") == 0 && ferry.total("inFlight") == 0);
        assertThat(s3.listKeys("mirror")).containsExactlyInAnyOrder("a.txt", "b.txt", "sub/c.txt");
        assertThat(ferry.log()).doesNotContain("deleted from S3 (its local file");
        awaitWatcherState("root-missing");
        assertThat(watcher().path("healthy").asBoolean()).isFalse();
        assertThat(watcher().path("lastError").asText()).contains(site.toString(), "missing");

        long sweeps = fullSweepsDone();
        Files.createDirectories(site);
        FerryProcess.shareWithDaemon(site);
        Files.writeString(site.resolve("new.txt"), "in the new folder");
        awaitObjectWithin(SECONDS, "mirror", "new.txt", "in the new folder");
        awaitWatcherState("watching");
        awaitLog("the watched folder is back");
        assertThat(noError()).as("the folder is back: its error is over").isTrue();
        // its sweep compared the new folder with S3 and held back deletions: nothing was deleted
        await("the sweep of the new folder").atMost(DEADLINE).until(() -> fullSweepsDone() > sweeps);
        assertThat(s3.listKeys("mirror")).containsExactlyInAnyOrder("a.txt", "b.txt", "sub/c.txt", "new.txt");
    }

    @Test
    void aFolderThatCannotBeWatchedIsPolledUntilItCanBeWatchedAgain() throws Exception {
        write("photos/first.jpg", "first");
        ferry = FerryProcess.start("unwatchable", env());
        awaitObject("photos", "first.jpg", "first");
        awaitLog("watching for changes");

        // made unreadable for the daemon's user from the start: it cannot be listed, so cannot be watched
        Path locked = Files.createDirectory(watch.resolve("photos/locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------")));
        awaitLog(locked + ": cannot watch this folder");
        awaitWatcherState("partial");
        JsonNode w = watcher();
        assertThat(w.path("mode").asText()).isEqualTo("polling");
        assertThat(w.path("healthy").asBoolean()).isFalse();
        assertThat(w.path("lastError").asText()).contains(locked.toString());

        FerryProcess.shareWithDaemon(locked);
        Files.writeString(locked.resolve("unlocked.jpg"), "found once readable");
        awaitObjectWithin(SECONDS, "photos", "locked/unlocked.jpg", "found once readable");
        awaitWatcherState("watching");
        assertThat(watcher().path("mode").asText()).isEqualTo("native");
        assertThat(noError()).as("the folder is watched: its error is over").isTrue();
        awaitLog("watching the whole tree natively again");

        write("photos/locked/native.jpg", "seen by the watcher");
        awaitObjectWithin(SECONDS, "photos", "locked/native.jpg", "seen by the watcher");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
