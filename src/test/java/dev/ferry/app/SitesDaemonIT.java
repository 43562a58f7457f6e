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

/** The daemon with sites from a seed-002 config file. */
class SitesDaemonIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    Path state;
    S3ProxyServer s3;
    FerryProcess ferry;

    @BeforeEach
    void setUp() throws IOException {
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, state);
        s3 = S3ProxyServer.start();
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        s3.close();
    }

    private Path folder(String name) throws IOException {
        Path p = Files.createDirectories(tmp.resolve(name));
        FerryProcess.shareWithDaemon(p);
        return p;
    }

    private Path write(Path dir, String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private void awaitObject(String bucket, String key, String content) {
        await(bucket + "/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }

    private Path configFile(String yaml) throws IOException {
        Path file = tmp.resolve("config.yml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aSeed002ConfigWithThreeSitesRunsUnchanged() throws IOException {
        Path p1 = folder("path1");
        Path p2 = folder("path2");
        Path p3 = folder("path3");
        write(p1, "photo.jpg", "one");
        write(p1, ".DS_Store", "finder junk");
        write(p2, "doc.txt", "two");
        write(p2, "sub/Thumbs.db", "windows junk");
        write(p3, "log.txt", "three");
        Path config = configFile("""
                upload_workers: 10
                sites:
                - local_path: %s
                  bucket: backup-bucket-path1
                  bucket_region: us-east-1
                  storage_class: STANDARD
                  exclusions:
                    - .[Dd][Ss]_[Ss]tore
                    - .[Aa]pple[Dd]ouble
                - local_path: %s
                  bucket: backup-bucket-path2
                  bucket_path: path2
                  exclusions:
                    - "[Tt]humbs.db"
                - local_path: %s
                  bucket: backup-bucket-path3
                  bucket_path: path3
                  inclusions:
                    - "glob:**.txt"
                """.formatted(p1, p2, p3));
        ferry = FerryProcess.start("seed002", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        awaitObject("backup-bucket-path1", "photo.jpg", "one");
        awaitObject("backup-bucket-path2", "path2/doc.txt", "two");
        awaitObject("backup-bucket-path3", "path3/log.txt", "three");
        write(p3, "later.txt", "after start");
        write(p3, "later.bin", "not included");
        awaitObject("backup-bucket-path3", "path3/later.txt", "after start");
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(s3.listKeys("backup-bucket-path1")).containsExactly("photo.jpg");
        assertThat(s3.listKeys("backup-bucket-path2")).containsExactly("path2/doc.txt");
        assertThat(s3.listKeys("backup-bucket-path3")).containsExactly("path3/later.txt", "path3/log.txt");
    }

    @Test
    void wrongKeysForOneSiteFailThatSiteOnly() throws IOException {
        Path good = folder("good");
        Path bad = folder("bad");
        write(good, "a.txt", "good");
        write(bad, "b.txt", "bad");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: good-bucket
                - local_path: %s
                  bucket: bad-bucket
                  access_key: WRONGKEYID
                  secret_access_key: definitely-wrong-secret
                """.formatted(good, bad));
        ferry = FerryProcess.start("credentials", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        awaitObject("good-bucket", "a.txt", "good");
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("bad-bucket").path("failed").asLong() == 1);
        String reason = ferry.status().path("buckets").path("bad-bucket").path("lastError").path("reason").asText();
        assertThat(reason).containsIgnoringCase("credentials").doesNotContain("definitely-wrong-secret");
        assertThat(ferry.log()).doesNotContain("definitely-wrong-secret");
    }

    @Test
    void retireDeletedDeletesTheObjectOfADeletedFileAndFollowsARename() throws IOException {
        Path site = folder("site");
        Path doomed = write(site, "doomed.txt", "doomed");
        Path renamed = write(site, "old-name.txt", "renamed");
        write(site, "stays.txt", "stays");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: mirror
                  bucket_path: m
                  retire_deleted: true
                """.formatted(site));
        ferry = FerryProcess.start("retire", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        awaitObject("mirror", "m/doomed.txt", "doomed");
        awaitObject("mirror", "m/old-name.txt", "renamed");
        awaitObject("mirror", "m/stays.txt", "stays");
        // every series of a site carries its /status name, counters and gauges alike
        String siteName = ferry.status().path("buckets").fieldNames().next();
        var metrics = dev.ferry.testing.PrometheusScrape.parse(ferry.get("/metrics").body());
        assertThat(metrics.value("ferry_files_uploaded_total", "bucket", siteName)).contains(3.0);
        assertThat(metrics.value("ferry_queue_depth", "bucket", siteName)).isPresent();
        assertThat(metrics.find("ferry_files_uploaded_total")).hasSize(1);

        Files.delete(doomed);
        Files.move(renamed, site.resolve("new-name.txt"));
        awaitObject("mirror", "m/new-name.txt", "renamed");
        await().atMost(DEADLINE).until(() -> !s3.listKeys("mirror").contains("m/doomed.txt")
                && !s3.listKeys("mirror").contains("m/old-name.txt"));
        assertThat(s3.listKeys("mirror")).containsExactlyInAnyOrder("m/new-name.txt", "m/stays.txt");
    }

    @Test
    void fullSweepsReconcileWithS3AndWriteMarkersOnceFoldersAreComplete() throws IOException {
        Path site = folder("scans");
        write(site, "2026/01/a.pdf", "a");
        write(site, "2026/02/b.pdf", "b");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: scans
                  reconcile: size-mtime
                  markers: true
                """.formatted(site));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SWEEP_INTERVAL", "1s");
        ferry = FerryProcess.start("markers", env, "--config", config.toString());
        awaitObject("scans", "2026/01/a.pdf", "a");
        awaitObject("scans", "2026/02/b.pdf", "b");
        await("markers").atMost(DEADLINE).until(() -> s3.listKeys("scans").containsAll(
                java.util.List.of("2026/01/syncd.txt", "2026/02/syncd.txt", "2026/syncd.txt", "syncd.txt")));
        assertThat(s3.readObject("scans", "2026/01/syncd.txt")).hasValueSatisfying(
                body -> assertThat(body).startsWith("Synced at: "));
    }

    @Test
    void whileUploadsArePausedAReconcilingSweepDeletesNothingAndTheDeletionGoesOnceResumed() throws Exception {
        Path site = folder("mirror");
        write(site, "kept.txt", "kept");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: mirror
                  reconcile: size-mtime
                  retire_deleted: true
                """.formatted(site));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SWEEP_INTERVAL", "1s");
        env.put("ADMIN_TOKEN", AdminApiIT.TOKEN);
        ferry = FerryProcess.start("paused-deletions", env, "--config", config.toString());
        awaitObject("mirror", "kept.txt", "kept");

        assertThat(ferry.admin("POST", "/pause", AdminApiIT.TOKEN).path("paused").asBoolean()).isTrue();
        s3.client().putObject(b -> b.bucket("mirror").key("stray.txt"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("no local file"));
        // two sweeps planned its deletion: the queue holds it, S3 still holds the object
        await("two sweeps planned the deletion").atMost(DEADLINE).until(() -> ferry.log().lines()
                .filter(l -> l.contains("s3://mirror/: deleting 1 objects whose local files are gone")).count() >= 2);
        // the deletion waits in the queue (a sweep may also have queued kept.txt again before its record was
        // written: that one waits too)
        assertThat(ferry.status().path("buckets").path("mirror").path("queued").asInt()).isBetween(1, 2);
        assertThat(s3.listKeys("mirror")).as("nothing is written to S3 while paused").contains("stray.txt");

        assertThat(ferry.admin("POST", "/resume", AdminApiIT.TOKEN).path("paused").asBoolean()).isFalse();
        await("deleted once resumed").atMost(DEADLINE).until(() -> !s3.listKeys("mirror").contains("stray.txt"));
        assertThat(s3.listKeys("mirror")).containsExactly("kept.txt");
        await().atMost(DEADLINE).until(() -> ferry.log().contains(
                "mirror/stray.txt: deleted from S3 (a sweep found it without its local file)"));
    }

    /**
     * Six files f0..f5 in {@code site}, a daemon started on it (a site of {@code bucket} with retire_deleted and
     * {@code guardKeys}), once all six are in S3; returns the config file.
     */
    private Path sixFilesUploaded(Path site, String bucket, String guardKeys, Map<String, String> env)
            throws Exception {
        for (int i = 0; i < 6; i++) {
            write(site, "f" + i + ".txt", "file " + i);
        }
        Path config = configFile("sites:\n- local_path: " + site + "\n  bucket: " + bucket
                + "\n  retire_deleted: true\n" + guardKeys.indent(2));
        ferry = FerryProcess.start("guard-" + bucket, env, "--config", config.toString());
        for (int i = 0; i < 6; i++) {
            awaitObject(bucket, "f" + i + ".txt", "file " + i);
        }
        return config;
    }

    @Test
    void aTrippedDeleteGuardAlsoHoldsTheDeletionsOfLaterSweepsWhichWouldEachBeWithinTheirOwnLimit() throws Exception {
        Path site = folder("tripped");
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        env.put("SWEEP_INTERVAL", "1s");
        Path config = sixFilesUploaded(site, "tripped", "max_delete: 3\nmax_delete_percent: 100\n", env);

        for (int i = 0; i < 5; i++) { // a mistaken rm: three go, then the guard trips
            Files.delete(site.resolve("f" + i + ".txt"));
        }
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("tripped").path("problem").asText()
                .startsWith("deletions stopped: the delete guard tripped"));
        // later sweeps plan the two left (within max_delete 3 each time): the tripped guard keeps them
        await("two sweeps planned them").atMost(DEADLINE).until(() -> ferry.log().lines()
                .filter(l -> l.contains("s3://tripped/: deleting 2 objects whose local files are gone")).count() >= 2);
        await("their outcomes").atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("tripped")
                .path("queued").asInt() == 0);
        assertThat(s3.listKeys("tripped")).as("f5 and the two the guard kept").hasSize(3).contains("f5.txt");
        assertThat(ferry.status().path("buckets").path("tripped").path("problem").asText())
                .startsWith("deletions stopped: the delete guard tripped");
    }

    @Test
    void aTrippedDeleteGuardIsTheSitesProblemNotAFailurePerFileAndSaysSoAgainAfterARestart() throws Exception {
        Path site = folder("guarded");
        Path config = sixFilesUploaded(site, "guarded", "max_delete: 2\n", FerryProcess.sitesEnv(state, s3));

        for (int i = 0; i < 6; i++) {
            Files.delete(site.resolve("f" + i + ".txt"));
        }
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("guarded").path("problem").asText()
                .startsWith("deletions stopped: the delete guard tripped"));
        assertThat(s3.listKeys("guarded")).as("objects kept").hasSizeGreaterThanOrEqualTo(4);
        assertThat(ferry.status().path("buckets").path("guarded").path("failed").asLong()).isZero();
        await("the guard's log line").atMost(DEADLINE).until(() -> ferry.log().contains("deletions stopped"));
        assertThat(ferry.log().lines().filter(l -> l.contains("ERROR") && l.contains("deletions stopped"))).hasSize(1);
        assertThat(ferry.stop()).isZero();

        // after a restart the start-up comparison plans the same deletions: refused again, and still shown
        ferry = FerryProcess.start("guard-restart", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("guarded").path("problem").asText()
                .contains("more than max_delete 2"));
        assertThat(ferry.status().path("buckets").path("guarded").path("problem").asText()).contains("raise max_delete");
        assertThat(s3.listKeys("guarded")).hasSizeGreaterThanOrEqualTo(4);
        // an upload into the site (its bucket checked and ready) does not clear the refused deletions
        write(site, "new.txt", "new");
        awaitObject("guarded", "new.txt", "new");
        assertThat(ferry.status().path("buckets").path("guarded").path("problem").asText())
                .contains("more than max_delete 2");
    }

    @Test
    void aKeyTooLongFoundByAReconcilingSweepCountsAsFailedInItsSite() throws IOException {
        Path site = folder("longkeys");
        write(site, "ok.txt", "fine");
        Path tooLong = write(site, String.join("/", java.util.Collections.nCopies(6, "d".repeat(200))) + "/f.txt",
                "long");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: long-keys
                  reconcile: size-mtime
                """.formatted(site));
        ferry = FerryProcess.start("long-key", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        awaitObject("long-keys", "ok.txt", "fine");
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("long-keys").path("failed").asLong() == 1);
        assertThat(ferry.status().path("buckets").path("long-keys").path("lastError").path("path").asText())
                .isEqualTo(tooLong.toString());
        assertThat(ferry.status().path("buckets").path("long-keys").path("lastError").path("reason").asText())
                .contains("key too long");
    }

    @Test
    void overlappingSitesAreRefusedAtStartUp() throws IOException {
        Path a = folder("a");
        Path b = folder("b");
        Path config = configFile("""
                sites:
                - local_path: %s
                  bucket: shared
                - local_path: %s
                  bucket: shared
                  bucket_path: inside
                """.formatted(a, b));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        FerryProcess p = FerryProcess.run("overlap", env, "--config", config.toString());
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("overlapping prefixes of bucket shared");
    }
}
