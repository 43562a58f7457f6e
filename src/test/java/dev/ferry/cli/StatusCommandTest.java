package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ferry status} prints from a daemon's /status, served here over a real socket. */
class StatusCommandTest {
    private FakeDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private List<String> statusOf(String json) throws Exception {
        daemon = new FakeDaemon(java.util.Map.of("/status", json));
        return daemon.run((out, err) -> new StatusCommand(java.util.Map.of(), out, err), Optional.empty());
    }

    @Test
    void aDaemonOfJobsAloneShowsNoWatcherAndAJobsLongErrorWholeBelowTheTable() throws Exception {
        String error = "s3://dst/nsb/ at http://127.0.0.1:9000: not compared, a listing failed (copies stopped there, "
                + "nothing deleted): nosuchsrc/x/: cannot list objects: the bucket does not exist (HTTP 404 NoSuchBucket)";
        List<String> lines = statusOf(ready(false, """
                 "watcher": {"root": "", "mode": "none", "state": "none", "healthy": true, "rescans": 0},
                 "buckets": {},
                 "replication": {"photos": {"copied": 2, "bytes": 10, "failed": 0, "deleted": 0, "fullSyncs": 1,
                                            "running": false, "lastError": "%s"}}}
                """).formatted(error));

        assertThat(lines).contains("Watcher      none: no folder to watch (replicate: jobs only)")
                .noneMatch(l -> l.startsWith("No bucket has had work"));
        String row = lines.stream().filter(l -> l.startsWith("photos")).findFirst().orElseThrow();
        assertThat(row).contains("not compared, a listing failed").doesNotContain("NoSuchBucket");
        assertThat(lines.subList(lines.indexOf("Last errors in full:"), lines.size()))
                .contains("  photos: " + error);
    }

    @Test
    void aBucketsLongProblemIsCutInTheTableAndWholeBelowIt() throws Exception {
        String problem = "uploads to bucket 'scans' are refused: access denied, check that the bucket policy and the "
                + "permissions of the credentials allow s3:PutObject (scans/x.pdf: AccessDenied) (1 file refused; "
                + "cleared once each has gone)";
        List<String> lines = statusOf(ready(false, """
                 "watcher": {"root": "/srv/drop", "mode": "inotify", "state": "watching", "healthy": true,
                             "rescans": 0, "lastSweepAt": "2026-12-06T10:00:30Z"},
                 "buckets": {"scans": {"queued": 1, "inFlight": 0, "uploaded": 3, "bytes": 30, "failed": 1,
                                       "problem": "%s", "lastError": null}}}
                """).formatted(problem));

        String row = lines.stream().filter(l -> l.startsWith("scans")).findFirst().orElseThrow();
        assertThat(row).contains("uploads to bucket 'scans' are refused").doesNotContain("cleared once");
        assertThat(lines.subList(lines.indexOf("Last errors in full:"), lines.size())).contains("  scans: " + problem);
    }

    @Test
    void aMothershipThatHasNotConfiguredTheHostIsWhyUploadsArePausedAndItsLineSaysTheLastError() throws Exception {
        List<String> lines = statusOf(ready(true, """
                 "watcher": {"root": "/srv/drop", "mode": "inotify", "state": "watching", "healthy": true,
                             "rescans": 0, "lastSweepAt": "2026-12-06T10:00:30Z"},
                 "buckets": {},
                 "control": {"mothership": "https://ms.example/ingestor", "state": "registered", "uploading": false,
                             "lastContact": "2026-12-06T10:00:50Z", "failures": 0,
                             "lastError": "config rejected, the last good one keeps running: s3_bucket: bad"}}
                """));
        assertThat(lines.get(0)).contains("PAUSED (the mothership has not configured this host: its state is "
                + "registered").doesNotContain("POST /resume");
        assertThat(lines).contains("Mothership   https://ms.example/ingestor: state registered (uploads wait), last "
                + "contact 10s ago, last error: config rejected, the last good one keeps running: s3_bucket: bad");
    }

    /** A ready daemon's /status on SQLite: {@code rest} holds its other fields and the closing brace. */
    private static String ready(boolean paused, String rest) {
        return """
                {"status": "ok", "version": "1", "startedAt": "2026-12-06T10:00:00Z", "uptimeSeconds": 60,
                 "ready": true, "paused": %s,
                 "store": {"kind": "sqlite", "location": "/var/lib/ferry/ferry.db", "reachable": true, "pendingWrites": 0},
                """.formatted(paused) + rest;
    }

    private static String daemon(boolean reachable, String lastSweepAt, String buckets) {
        return """
                {"status": "ok", "version": "1", "startedAt": "2026-12-06T10:00:00Z", "uptimeSeconds": 60,
                 "ready": false, "paused": false,
                 "store": {"kind": "mongodb", "location": "db.example:27017/imagesync", "reachable": %s,
                           "pendingWrites": 0, "lastError": "unreachable: connection refused"},
                 "watcher": {"root": "/srv/drop", "mode": "inotify", "state": "watching", "healthy": true,
                             "rescans": 0, "lastSweepAt": %s},
                 "buckets": {%s}}
                """.formatted(reachable, lastSweepAt, buckets);
    }

    @Test
    void whileTheStoreIsDownBeforeTheFirstSweepItSaysTheSweepWaitsNotThatNothingNeededUploading() throws Exception {
        List<String> lines = statusOf(daemon(false, "null", ""));

        assertThat(lines.get(0)).contains("starting (first sweep waiting for the state store)");
        assertThat(lines).contains("No bucket has had work since Ferry started: " + StatusCommand.SWEEP_WAITS)
                .noneMatch(l -> l.contains("no file needed uploading"));

        // files created since start were uploaded: the table, and still the note that older files wait
        lines = statusOf(daemon(false, "null", """
                "photos": {"queued": 0, "inFlight": 0, "uploaded": 1, "bytes": 5, "failed": 0}"""));
        assertThat(lines).anyMatch(l -> l.startsWith("photos")).contains("Not every file is here yet: "
                + StatusCommand.SWEEP_WAITS);
    }

    @Test
    void aBucketsLastErrorOfALongPathIsWholeBelowTheTableWhereTheColumnCutItsReason() throws Exception {
        String path = "scans/" + "2026/".repeat(12) + "invoice-0042.pdf";
        List<String> lines = statusOf(daemon(true, "\"2026-12-06T10:00:30Z\"", """
                "scans": {"queued": 0, "inFlight": 0, "uploaded": 1, "bytes": 5, "failed": 1,
                          "lastError": {"path": "/srv/drop/%s", "reason": "cannot read file: permission denied",
                                        "at": "2026-12-06T10:00:40Z"}},
                "photos": {"queued": 0, "inFlight": 0, "uploaded": 1, "bytes": 5, "failed": 1,
                           "lastError": {"path": "/srv/drop/photos/a.jpg", "reason": "short",
                                         "at": "2026-12-06T10:00:40Z"}}""".formatted(path)));

        String row = lines.stream().filter(l -> l.startsWith("scans")).findFirst().orElseThrow();
        assertThat(row).doesNotContain("permission denied").contains("...");
        assertThat(lines.subList(lines.indexOf("Last errors in full:"), lines.size()))
                .containsExactly("Last errors in full:", "  scans: " + path + ": cannot read file: permission denied");
    }

    @Test
    void aSqliteFileThatRefusesWritesIsSaidToRefuseThemNotToBeUnreachable() throws Exception {
        List<String> lines = statusOf(daemon(false, "\"2026-12-06T10:00:30Z\"", "").replace("mongodb", "sqlite")
                .replace("unreachable: connection refused", "[SQLITE_FULL] database or disk is full"));

        assertThat(lines.get(0)).contains("NOT READY (the state store refuses writes)");
        assertThat(lines.get(1)).contains(": REFUSES WRITES (records wait in memory until it takes them)")
                .contains("last error: [SQLITE_FULL] database or disk is full").doesNotContain("UNREACHABLE");
    }

    @Test
    void aStoreThatGoesAwayAfterTheFirstSweepIsWhyItIsNotReadyNotTheSweep() throws Exception {
        List<String> lines = statusOf(daemon(false, "\"2026-12-06T10:00:30Z\"", ""));

        assertThat(lines.get(0)).contains("NOT READY (the state store is unreachable)")
                .doesNotContain("first sweep");
    }

    @Test
    void beforeTheFirstSweepWithTheStoreUpItSaysTheSweepIsRunningAndAfterItTheUsualLine() throws Exception {
        assertThat(statusOf(daemon(true, "null", ""))).contains(
                "No bucket has had work since Ferry started: the first full sweep is still running.");
        stop();
        List<String> swept = statusOf(daemon(true, "\"2026-12-06T10:00:30Z\"", ""));
        assertThat(swept).anyMatch(l -> l.startsWith("No bucket has had work since Ferry started: no file needed"))
                .noneMatch(l -> l.contains("waits for the state store"));
        stop();
        // the store went down after the first sweep: nothing waits on it at start any more
        assertThat(statusOf(daemon(false, "\"2026-12-06T10:00:30Z\"", ""))).noneMatch(l -> l.contains("waits for"));
    }
}
