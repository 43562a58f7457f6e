package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.state.SqliteStateStore;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.FaultPlan;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.testing.S3Request.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's delete_after_upload and move_after_upload through the daemon against S3Proxy, with the watcher on: a
 * file goes from the local disk once it is in S3 (deleted, or moved keeping its sub-path), its record stays
 * UPLOADED, nothing is deleted from S3 afterwards, and a file that cannot be deleted stays with a WARN and is not
 * uploaded again for it.
 */
class AfterUploadIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TOKEN = "admin-token-for-tests-0123456789";

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
    void tearDown() throws IOException {
        if (ferry != null) {
            ferry.close();
        }
        s3.close();
        Path locked = home.resolve("ro/sub");
        if (Files.isDirectory(locked)) { // so that the temporary folder can be removed
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }

    private Path write(String relative, String content) throws IOException {
        Path p = home.resolve(relative);
        Files.createDirectories(p.getParent());
        for (Path dir = p.getParent(); !dir.equals(home); dir = dir.getParent()) {
            FerryProcess.shareWithDaemon(dir);
        }
        return Files.writeString(p, content);
    }

    private void awaitObject(String key, String content) {
        await("ingest-bucket/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject("ingest-bucket", key).filter(content::equals).isPresent());
    }

    private Optional<FileRecord> record(Path file) {
        try (SqliteStateStore store = SqliteStateStore.open(state.resolve("ferry.db"))) {
            return store.recordsOf(store.instance().value(), file.toString()).stream().findFirst();
        }
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    @Test
    void filesGoFromTheDiskOnceInS3AndOneThatCannotGoStaysWithoutLooping() throws Exception {
        Path early = write("del/a/1.jpg", "in the tree before start");
        Path locked = write("ro/sub/keep.jpg", "in a folder the daemon cannot write");
        Files.setPosixFilePermissions(locked.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {"s3_bucket": "ingest-bucket", "aws_keys_file": "s3-ingestor-keys.json", "policies": [
                  {"input_file_pattern": "del/**", "output_key_prefix": "d/", "delete_after_upload": true},
                  {"input_file_pattern": "mov/**", "input_remove_prefix": "mov/", "output_key_prefix": "m/",
                   "move_after_upload": "moved"},
                  {"input_file_pattern": "ro/**", "output_key_prefix": "r/", "delete_after_upload": true}]}
                """);
        Files.createDirectories(home.resolve("mov"));
        FerryProcess.shareWithDaemon(home, home.resolve("mov"));
        ferry = FerryProcess.start("after-upload", Map.of("STATE_DIR", state.toString(), "AWS_ENDPOINT_URL",
                s3.endpoint().toString(), "SETTLE_TIME", "300ms", "TIMEOUT", "5000", "ADMIN_TOKEN", TOKEN),
                "--config", config.toString());

        // found by the start-up sweep, then deleted
        awaitObject("d/del/a/1.jpg", "in the tree before start");
        await("deleted after upload").atMost(DEADLINE).until(() -> !Files.exists(early));
        assertThat(home.resolve("del/a")).as("its folder stays").isDirectory();
        assertThat(ferry.log()).contains(early + ": deleted after upload (s3://ingest-bucket/d/del/a/1.jpg verified)");

        // written while watched: deleted, and moved to the path its key is made from (without input_remove_prefix)
        Path watched = write("del/b/2.jpg", "written while watched");
        Path moving = write("mov/cam1/x.jpg", "to be moved");
        awaitObject("d/del/b/2.jpg", "written while watched");
        awaitObject("m/cam1/x.jpg", "to be moved");
        Path moved = home.resolve("moved/cam1/x.jpg");
        await("moved after upload").atMost(DEADLINE).until(() -> !Files.exists(watched) && Files.exists(moved));
        assertThat(moving).doesNotExist();
        assertThat(moved).hasContent("to be moved");
        assertThat(ferry.log()).contains(moving + ": moved to " + moved + " after upload");

        // cannot be deleted: it stays, with a WARN naming it
        awaitObject("r/ro/sub/keep.jpg", "in a folder the daemon cannot write");
        await("the WARN").atMost(DEADLINE).until(() -> ferry.log().contains(locked + ": not deleted after upload"));
        assertThat(locked).hasContent("in a folder the daemon cannot write");

        // a full sweep later: nothing uploaded again, nothing deleted from S3, records still UPLOADED
        long sweeps = count(ferry.log(), "full sweep done");
        assertThat(ferry.send("POST", "/wakeup", Optional.of(TOKEN)).statusCode()).isEqualTo(202);
        await("a full sweep of each policy").atMost(DEADLINE)
                .until(() -> count(ferry.log(), "full sweep done") >= sweeps + 3);
        String log = ferry.log();
        assertThat(count(log, "ingest-bucket/r/ro/sub/keep.jpg: uploaded")).as("uploaded once").isEqualTo(1);
        assertThat(count(log, locked + ": not deleted after upload")).as("warned once").isEqualTo(1);
        assertThat(log).doesNotContain("deleted from S3");
        assertThat(locked).exists();
        assertThat(s3.listKeys("ingest-bucket")).containsExactlyInAnyOrder("d/del/a/1.jpg", "d/del/b/2.jpg",
                "m/cam1/x.jpg", "r/ro/sub/keep.jpg");
        for (Path gone : new Path[] {early, watched, moving, locked}) {
            assertThat(record(gone).map(FileRecord::status)).as(gone.toString()).contains(FileStatus.UPLOADED);
        }
    }

    @Test
    void aFileLeftBecauseS3CouldNotVerifyItGoesAtTheNextFullSweepVerifiedThen() throws Exception {
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {"s3_bucket": "ingest-bucket", "aws_keys_file": "s3-ingestor-keys.json", "policies": [
                  {"input_file_pattern": "del/**", "output_key_prefix": "d/", "delete_after_upload": true},
                  {"input_file_pattern": "mov/**", "input_remove_prefix": "mov/", "output_key_prefix": "m/",
                   "move_after_upload": "moved"}]}
                """);
        Files.createDirectories(home.resolve("del"));
        Files.createDirectories(home.resolve("mov"));
        FerryProcess.shareWithDaemon(home, home.resolve("del"), home.resolve("mov"));
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            // every HEAD of an object answers 500 (the SDK's retries too): no upload can be verified
            proxy.faults(FaultPlan.seeded(1).withErrors(1.0, 0).onlyFor(EnumSet.of(Operation.HEAD_OBJECT)));
            ferry = FerryProcess.start("after-upload-leftover", Map.of("STATE_DIR", state.toString(),
                    "AWS_ENDPOINT_URL", proxy.endpoint().toString(), "SETTLE_TIME", "300ms", "TIMEOUT", "5000",
                    "ADMIN_TOKEN", TOKEN), "--config", config.toString());
            await("started").atMost(DEADLINE).until(() -> ferry.log().contains("full sweep done"));

            Path deleting = write("del/a/1.jpg", "to be deleted");
            Path moving = write("mov/cam1/x.jpg", "to be moved");
            awaitObject("d/del/a/1.jpg", "to be deleted");
            awaitObject("m/cam1/x.jpg", "to be moved");
            await("both WARNs").atMost(DEADLINE).until(() -> ferry.log().contains(deleting
                    + ": not deleted after upload: s3://ingest-bucket/d/del/a/1.jpg could not be verified")
                    && ferry.log().contains(moving + ": not moved after upload"));
            assertThat(deleting).hasContent("to be deleted");
            assertThat(moving).hasContent("to be moved");

            // S3 answers again: the next full sweep finds both still in place, verifies them and frees the disk
            proxy.faults(FaultPlan.NONE);
            int heads = proxy.traffic().requests(Operation.HEAD_OBJECT);
            assertThat(ferry.send("POST", "/wakeup", Optional.of(TOKEN)).statusCode()).isEqualTo(202);
            Path moved = home.resolve("moved/cam1/x.jpg");
            await("released late").atMost(DEADLINE).until(() -> !Files.exists(deleting) && Files.exists(moved));
            assertThat(moved).hasContent("to be moved");
            assertThat(moving).doesNotExist();
            assertThat(proxy.traffic().requests(Operation.HEAD_OBJECT)).as("each verified by a HEAD first")
                    .isGreaterThanOrEqualTo(heads + 2);
            // a file is deleted or moved a moment before that is logged
            String deleted = deleting + ": deleted after upload, left over from an earlier attempt "
                    + "(s3://ingest-bucket/d/del/a/1.jpg verified)";
            String movedLine = moving + ": moved to " + moved + " after upload, left over from an earlier "
                    + "attempt (s3://ingest-bucket/m/cam1/x.jpg verified)";
            await("both logged").atMost(DEADLINE).until(() -> ferry.log().contains(deleted)
                    && ferry.log().contains(movedLine));
            String log = ferry.log();
            assertThat(log).contains(deleted);
            assertThat(log).contains(movedLine);
            assertThat(count(log, "ingest-bucket/d/del/a/1.jpg: uploaded")).as("not uploaded again").isEqualTo(1);
            assertThat(count(log, "ingest-bucket/m/cam1/x.jpg: uploaded")).as("not uploaded again").isEqualTo(1);
            assertThat(record(deleting).map(FileRecord::status)).contains(FileStatus.UPLOADED);
        }
    }

    @Test
    void aSiteComparedWithS3OnEveryFullSweepReleasesItsLeftoversThere() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        FerryProcess.shareWithDaemon(site);
        Path config = tmp.resolve("ferry.yml");
        Files.writeString(config, """
                sites:
                  - local_path: %s
                    bucket: ingest-bucket
                    reconcile: size-mtime
                    delete_after_upload: true
                """.formatted(site));
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            proxy.faults(FaultPlan.seeded(1).withErrors(1.0, 0).onlyFor(EnumSet.of(Operation.HEAD_OBJECT)));
            Map<String, String> env = FerryProcess.sitesEnv(state, s3);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            env.put("ADMIN_TOKEN", TOKEN);
            env.put("CREATE_BUCKETS", "true");
            ferry = FerryProcess.start("after-upload-reconciled", env, "--config", config.toString());
            await("started").atMost(DEADLINE).until(() -> ferry.log().contains("full sweep done"));

            Path file = Files.writeString(site.resolve("r.jpg"), "reconciled");
            awaitObject("r.jpg", "reconciled");
            await("the WARN").atMost(DEADLINE).until(() -> ferry.log().contains(file
                    + ": not deleted after upload: s3://ingest-bucket/r.jpg could not be verified"));
            assertThat(file).exists();

            proxy.faults(FaultPlan.NONE);
            assertThat(ferry.send("POST", "/wakeup", Optional.of(TOKEN)).statusCode()).isEqualTo(202);
            // the file goes a moment before its line is written: wait for the line
            await("released late").atMost(DEADLINE).until(() -> ferry.log().contains(file + ": deleted after upload, "
                    + "left over from an earlier attempt (s3://ingest-bucket/r.jpg verified)"));
            assertThat(file).doesNotExist();
            assertThat(count(ferry.log(), "ingest-bucket/r.jpg: uploaded")).as("not uploaded again").isEqualTo(1);
        }
    }
}
