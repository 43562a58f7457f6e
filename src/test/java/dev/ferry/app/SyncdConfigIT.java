package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.testing.S3Request.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Seed 004's config.txt (syncd), unchanged, against a real S3-compatible server: {@code ferry sync --config
 * config.txt} and {@code ferry --config config.txt}, once and every sync_interval.
 */
class SyncdConfigIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String BUCKET = "archive";
    private static final Pattern RUN_LINE = Pattern.compile("sync run (\\d+) (started|finished|stopped)");

    @TempDir
    Path tmp;
    Path data;
    Path state;
    Path config;
    S3ProxyServer s3;
    Map<String, String> env;
    FerryProcess ferry;

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, data, state);
        s3 = S3ProxyServer.start();
        env = FerryProcess.sitesEnv(state, s3);
        // the credentials come from config.txt alone, as syncd read them; the endpoint (syncd knew only AWS)
        // from the environment
        env.remove("AWS_KEY");
        env.remove("AWS_SECRET");
        env.put("SETTLE_TIME", "0");
        s3.createBucket(BUCKET); // syncd never created its bucket
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        s3.close();
    }

    /** syncd's config.txt, with a comment and a blank line as people write it. */
    private void configTxt(String extra) throws IOException {
        config = tmp.resolve("config.txt");
        Files.writeString(config, "# syncd: archive of host1\n"
                + "aws_access_key=" + s3.accessKey() + "\n"
                + "aws_secret_key=" + s3.secretKey() + "\n"
                + "\n"
                + "local_dir=" + data + "\n"
                + "bucket_name=" + BUCKET + "\n"
                + "prefix=host1/\n"
                + extra);
    }

    private Path write(String relative, String content) throws IOException {
        Path p = data.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private void tree() throws IOException {
        write("a.txt", "a");
        write("photos/1.jpg", "one");
        write("photos/2024/2.jpg", "two");
        write("docs/readme.md", "read me");
    }

    @Test
    void syncUploadsTheTreeUnderThePrefixWithMarkersAndExitsZero() throws IOException {
        tree();
        configTxt("sync_interval=1h\n"); // 'ferry sync' is one sync whatever the file asks

        FerryProcess p = FerryProcess.run("syncd-sync", env, "sync", "--config", config.toString());

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.log()).contains("added 4, updated 0, unchanged 0, skipped 0, ignored 0, failed 0")
                .contains("sync_interval 1h (" + config + " line 8) is for 'ferry --config FILE'; 'ferry sync' runs once")
                .doesNotContain("sync run 1 started");
        assertThat(s3.listKeys(BUCKET)).contains("host1/a.txt", "host1/photos/1.jpg", "host1/photos/2024/2.jpg",
                "host1/docs/readme.md", "host1/photos/syncd.txt", "host1/photos/2024/syncd.txt", "host1/docs/syncd.txt");
        assertThat(s3.readObject(BUCKET, "host1/photos/2024/2.jpg")).contains("two");
        assertThat(s3.readObject(BUCKET, "host1/docs/syncd.txt")).hasValueSatisfying(
                body -> assertThat(body).startsWith("Synced at: "));
        assertThat(p.log()).doesNotContain(s3.secretKey());
    }

    @Test
    void withoutACommandAndWithoutSyncIntervalItIsOneSyncThatExitsWithItsExitCode() throws IOException {
        tree();
        Path locked = write("photos/locked.jpg", "locked");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        configTxt("sync_marker_file=.sync_complete\n");

        FerryProcess failing = FerryProcess.run("syncd-once-fail", env, "--config", config.toString());

        assertThat(failing.exitCode()).as(failing.log()).isEqualTo(1);
        assertThat(failing.log()).as("the daemon did not start").contains("failed: " + locked).doesNotContain("status page");
        assertThat(s3.listKeys(BUCKET)).contains("host1/a.txt", "host1/docs/.sync_complete")
                .as("a folder with a file not in S3 gets no marker").doesNotContain("host1/photos/.sync_complete");

        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        FerryProcess fine = FerryProcess.run("syncd-once-ok", env, "--config", config.toString());

        assertThat(fine.exitCode()).as(fine.log()).isZero();
        assertThat(fine.log()).contains("added 1, updated 0, unchanged 4");
        assertThat(s3.listKeys(BUCKET)).contains("host1/photos/locked.jpg", "host1/photos/.sync_complete");
    }

    @Test
    void aWatchPathLeftInTheEnvironmentIsIgnoredWithAWarningAndOnlyTheFilesSiteIsSynced() throws IOException {
        tree();
        configTxt("");
        // as under systemd, whose ferry.env sets WATCH_PATH: its tree must not be synced beside config.txt's site
        Path w0 = Files.createDirectories(tmp.resolve("w0"));
        Files.createDirectories(w0.resolve("other"));
        Files.writeString(w0.resolve("other/b.txt"), "b");
        FerryProcess.shareWithDaemon(w0, w0.resolve("other"), w0.resolve("other/b.txt"));
        s3.createBucket("other");
        env.put("WATCH_PATH", w0.toString());

        for (String[] args : new String[][] {{"--config", config.toString()}, {"sync", "--config", config.toString()}}) {
            FerryProcess p = FerryProcess.runSplit("syncd-watch-path", env, args);

            assertThat(p.exitCode()).as(p.log()).isZero();
            assertThat(p.stderr()).contains("WARN").contains("WATCH_PATH (environment) " + w0 + " is ignored");
            assertThat(s3.listKeys("other")).as("WATCH_PATH's tree").isEmpty();
        }
        assertThat(s3.listKeys(BUCKET)).contains("host1/a.txt", "host1/docs/readme.md");
    }

    @Test
    void oneSyncFromConfigTxtPrintsItsResultOnStdoutAndLogsOnStderrAsFerrySyncDoes() throws IOException {
        tree();
        configTxt("");

        FerryProcess p = FerryProcess.runSplit("syncd-split", env, "--config", config.toString());

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.stdout()).contains("added 4").doesNotContain(" INFO ");
        assertThat(p.stderr()).contains(" INFO ");
    }

    @Test
    void nothingIsDeletedFromS3WhenALocalFileIsRemoved() throws IOException {
        tree();
        configTxt("");
        assertThat(FerryProcess.run("syncd-first", env, "sync", "--config", config.toString()).exitCode()).isZero();

        Files.delete(data.resolve("photos/1.jpg"));
        Files.delete(data.resolve("docs/readme.md"));
        FerryProcess second = FerryProcess.run("syncd-second", env, "sync", "--config", config.toString());

        assertThat(second.exitCode()).as(second.log()).isZero();
        assertThat(second.log()).doesNotContain("delete");
        assertThat(s3.listKeys(BUCKET)).contains("host1/photos/1.jpg", "host1/docs/readme.md",
                "host1/docs/syncd.txt");
        assertThat(s3.readObject(BUCKET, "host1/photos/1.jpg")).contains("one");
    }

    @Test
    void withSyncIntervalItSyncsPeriodicallyUntilStoppedAndPicksUpNewFiles() throws Exception {
        write("a.txt", "a");
        configTxt("sync_interval=1s\n");

        ferry = FerryProcess.launch("syncd-periodic", env, "--config", config.toString());
        await("first sync").atMost(DEADLINE).until(() -> s3.listKeys(BUCKET).contains("host1/a.txt"));
        write("later/b.txt", "b");
        await("a later sync").atMost(DEADLINE).until(() -> s3.listKeys(BUCKET)
                .containsAll(List.of("host1/later/b.txt", "host1/later/syncd.txt")));
        await("a third sync").atMost(DEADLINE).until(() -> ferry.log().contains("sync run 3 finished"));

        assertThat(ferry.stop()).as(ferry.log()).isZero();
        assertThat(runsNeverOverlap(ferry.log())).isGreaterThanOrEqualTo(3);
        assertThat(ferry.log()).contains("every 1s (sync_interval, " + config + " line 8)")
                .doesNotContain(s3.secretKey());
    }

    @Test
    void aSyncLongerThanTheIntervalMakesTheNextStartAfterItEndsNotInParallel() throws Exception {
        byte[] big = new byte[640 * 1024];
        new Random(4).nextBytes(big);
        Files.write(data.resolve("big.bin"), big);
        // 640 KiB at 128 KiB/s: the first sync takes about 5 s, five times the interval
        configTxt("sync_interval=1s\nbwlimit=128KiB\n");

        ferry = FerryProcess.launch("syncd-slow", env, "--config", config.toString());
        await("two syncs").atMost(DEADLINE).until(() -> ferry.log().contains("sync run 2 finished"));

        assertThat(ferry.stop()).as(ferry.log()).isZero();
        String log = ferry.log();
        assertThat(runsNeverOverlap(log)).isGreaterThanOrEqualTo(2);
        assertThat(log).containsPattern("sync run 1 took [0-9.]+s, longer than sync_interval 1s: [0-9]+ starts? "
                + "skipped, so that syncs never overlap");
        assertThat(s3.readObjectBytes(BUCKET, "host1/big.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    }

    @Test
    void sigtermDuringAPeriodicSyncStopsItAndExitsZero() throws Exception {
        byte[] big = new byte[640 * 1024];
        new Random(5).nextBytes(big);
        Files.write(data.resolve("big.bin"), big);
        configTxt("sync_interval=1s\nbwlimit=32KiB\n"); // 20 s of upload: SIGTERM comes in the middle
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            ferry = FerryProcess.launch("syncd-sigterm", env, "--config", config.toString());
            await("the upload under way").atMost(DEADLINE)
                    .until(() -> proxy.traffic().requests(Operation.PUT_OBJECT, BUCKET + "/host1/big.bin") > 0);

            assertThat(ferry.stop()).as(ferry.log()).isZero();
        }
        assertThat(ferry.log()).contains("sync run 1 stopped: Ferry is stopping")
                .doesNotContain("sync run 1 finished").doesNotContain("sync run 2 started");
    }

    /**
     * A bucket filled by syncd: each file put once with a plain PutObject (no metadata: syncd sent none), and
     * "Synced at" markers in the folders holding files. With an empty state store, Ferry puts none of these
     * again. The one object it may add is the marker of the prefix's root, which syncd never wrote.
     */
    @Test
    void anEmptyStateStoreOverABucketSyncdFilledPutsNothingSyncdWroteAgain() throws Exception {
        tree();
        Instant past = Instant.now().minusSeconds(3600);
        List<String> keys = new ArrayList<>();
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(past));
                String key = "host1/" + data.relativize(f).toString().replace('\\', '/');
                s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(f));
                keys.add(key);
            }
        }
        for (String folder : List.of("host1/photos/", "host1/photos/2024/", "host1/docs/")) {
            String marker = folder + "syncd.txt";
            s3.client().putObject(b -> b.bucket(BUCKET).key(marker), RequestBody.fromString(
                    "Synced at: 2026-11-30T10:00:00Z\nAll subdirectories verified complete."));
            keys.add(marker);
        }
        configTxt("");
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());

            FerryProcess p = FerryProcess.run("syncd-adopt", env, "sync", "--config", config.toString());

            assertThat(p.exitCode()).as(p.log()).isZero();
            assertThat(p.log()).contains("added 0, updated 0");
            assertThat(proxy.traffic().stores().keySet()).as("objects stored again")
                    .allSatisfy(target -> assertThat(target).isEqualTo(BUCKET + "/host1/syncd.txt"));
            assertThat(keys).hasSize(7);
        }
    }

    /** Checks that every sync ended before the next began; returns how many finished. */
    private static int runsNeverOverlap(String log) {
        Matcher m = RUN_LINE.matcher(log);
        int open = 0;
        int finished = 0;
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (m.group(2).equals("started")) {
                assertThat(open).as("sync run " + n + " started while run " + open + " was under way:\n" + log)
                        .isZero();
                open = n;
            } else {
                assertThat(n).as("sync run " + n + " ended, but run " + open + " was the one under way").isEqualTo(open);
                open = 0;
                finished += m.group(2).equals("finished") ? 1 : 0;
            }
        }
        return finished;
    }
}
