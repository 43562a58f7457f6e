package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FileRecord;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import dev.ferry.state.SqliteStateStore;
import dev.ferry.core.FileStatus;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.S3Request.Operation;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon end to end, as a separate process, against a real S3-compatible server process. */
class FerryDaemonIT extends DaemonTestBase {

    @Test
    void nestedFoldersAcrossBucketsBeforeAndAfterStartAndNewBucketFolders() throws Exception {
        write("photos/2026/11/a.jpg", "photo a");
        write("scans/x/y/z/deep scan.pdf", "scan z");
        Path stray = write("stray.txt", "at the root");
        ferry = FerryProcess.start("nested", FerryProcess.baseEnv(watch, state, s3));

        awaitObject("photos", "2026/11/a.jpg", "photo a");
        awaitObject("scans", "x/y/z/deep scan.pdf", "scan z");

        write("photos/2026/12/b.jpg", "photo b");
        write("scans/new/c.pdf", "scan c");
        write("logs-2026/app/today.log", "a new bucket folder at run time");
        write("photos/ünïcödé + spaces #1 %20.jpg", "odd name");
        awaitObject("photos", "2026/12/b.jpg", "photo b");
        awaitObject("scans", "new/c.pdf", "scan c");
        awaitObject("logs-2026", "app/today.log", "a new bucket folder at run time");
        awaitObject("photos", "ünïcödé + spaces #1 %20.jpg", "odd name");

        await().atMost(DEADLINE).until(() -> record(stray).map(FileRecord::status).orElse(null) == FileStatus.IGNORED);
        assertThat(record(stray).orElseThrow().reason()).contains("directly under the watch root");
        assertThat(s3.client().listBuckets().buckets()).extracting(b -> b.name())
                .containsExactlyInAnyOrder("photos", "scans", "logs-2026");
    }

    @Test
    void aModifiedFileEndsWithItsNewContentAndAnUnchangedOneIsNotUploadedAgain() throws Exception {
        Path file = write("docs/report.txt", "version 1");
        write("docs/other.txt", "stays the same");
        ferry = FerryProcess.start("modified", FerryProcess.baseEnv(watch, state, s3));
        awaitObject("docs", "report.txt", "version 1");
        awaitObject("docs", "other.txt", "stays the same");

        Files.writeString(file, "version 2, longer than the first");
        awaitObject("docs", "report.txt", "version 2, longer than the first");
        assertThat(ferry.stop()).isZero();

        ferry = FerryProcess.start("modified-restart", FerryProcess.baseEnv(watch, state, s3));
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(ferry.total("uploaded")).as("nothing changed, nothing uploaded after the restart").isZero();
        assertThat(uploadLines(ferry.log(), "docs/other.txt")).isZero();
    }

    @Test
    void anUnreadableFileIsRecordedAsFailedWithItsReasonWhileOthersUpload() throws Exception {
        Path locked = write("private/locked.jpg", "secret photo");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        write("private/open.jpg", "open photo");
        write("public/fine.jpg", "fine");
        ferry = FerryProcess.start("unreadable", FerryProcess.baseEnv(watch, state, s3));

        awaitObject("private", "open.jpg", "open photo");
        awaitObject("public", "fine.jpg", "fine");
        await().atMost(DEADLINE).until(() -> record(locked).map(FileRecord::status).orElse(null) == FileStatus.FAILED);
        FileRecord failed = record(locked).orElseThrow();
        assertThat(failed.reason()).containsIgnoringCase("cannot read");
        assertThat(failed.permanent()).as("unreadable files are retried").isFalse();
        JsonNode bucket = ferry.status().path("buckets").path("private");
        assertThat(bucket.path("failed").asLong()).isEqualTo(1);
        assertThat(bucket.path("lastError").path("path").asText()).isEqualTo(locked.toString());
        assertThat(s3.readObject("private", "locked.jpg")).isEmpty();

        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setLastModifiedTime(locked, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        awaitObject("private", "locked.jpg", "secret photo");
        // the failure is over: /status no longer names it as the bucket's last error
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("private").path("failed").asLong() == 0);
        JsonNode after = ferry.status().path("buckets").path("private").path("lastError");
        assertThat(after.isNull() || after.isMissingNode()).as(after.toString()).isTrue();
    }

    @Test
    void whenS3GoesAwayAndComesBackEverythingArrives() throws Exception {
        ferry = FerryProcess.start("outage", FerryProcess.baseEnv(watch, state, s3));
        write("photos/before.jpg", "before the outage");
        awaitObject("photos", "before.jpg", "before the outage");

        s3.stop();
        for (int i = 0; i < 20; i++) {
            write("photos/during/" + i + ".jpg", "written during the outage " + i);
        }
        write("fresh/new-bucket.jpg", "a bucket folder made during the outage");
        // the first failure marks the endpoint unreachable: every bucket of it waits, the new one too
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("photos").path("failed").asLong() > 0
                && !ferry.status().path("buckets").path("fresh").path("unreachable").isNull());
        assertThat(ferry.status().path("buckets").path("photos").path("lastError").path("reason").asText())
                .isNotBlank();
        assertThat(ferry.status().path("buckets").path("fresh").path("unreachable").path("reason").asText())
                .contains("network error");
        assertThat(ferry.status().path("buckets").path("fresh").path("problem").isNull()
                || ferry.status().path("buckets").path("fresh").path("problem").isMissingNode())
                .as("an outage is not a problem of the bucket").isTrue();

        s3.restart();
        for (int i = 0; i < 20; i++) {
            awaitObject("photos", "during/" + i + ".jpg", "written during the outage " + i);
        }
        awaitObject("fresh", "new-bucket.jpg", "a bucket folder made during the outage");
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("photos").path("failed").asLong() == 0);
    }

    @Test
    void aBucketWhoseUploadsAreRefusedWithAccessDeniedShowsItAsItsProblemUntilAnUploadGoes() throws Exception {
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            // valid keys, but writes to this one bucket refused, as a bucket policy does
            proxy.refuse(r -> r.target().startsWith("locked/")
                    && (r.operation() == Operation.PUT_OBJECT || r.operation() == Operation.CREATE_MULTIPART));
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            ferry = FerryProcess.start("access-denied", env);
            write("locked/a.txt", "refused by the policy");
            write("open/b.txt", "allowed");
            awaitObject("open", "b.txt", "allowed");

            await().atMost(DEADLINE).until(() -> !noProblem("locked"));
            assertThat(ferry.status().path("buckets").path("locked").path("problem").asText())
                    .contains("'locked'", "access denied", "bucket policy");
            assertThat(noProblem("open")).isTrue();

            proxy.refuse(r -> false);
            awaitObject("locked", "a.txt", "refused by the policy");
            await().atMost(DEADLINE).until(() -> noProblem("locked"));
            assertThat(ferry.log().split("are refused: access denied", -1)).as("said once, not at every retry")
                    .hasSize(2);
        }
    }

    @Test
    void aPolicyThatRefusesOnePrefixKeepsTheProblemWhileItsFileIsRefusedAndSaysSoOnce() throws Exception {
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            proxy.refuse(r -> r.target().startsWith("mixed/private/")
                    && (r.operation() == Operation.PUT_OBJECT || r.operation() == Operation.CREATE_MULTIPART));
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            ferry = FerryProcess.start("access-denied-prefix", env);
            write("mixed/private/a.txt", "refused by the policy");
            await().atMost(DEADLINE).until(() -> !noProblem("mixed"));

            for (int i = 0; i < 3; i++) { // uploads of other files go between the refused file's retries
                write("mixed/open-" + i + ".txt", "allowed " + i);
                awaitObject("mixed", "open-" + i + ".txt", "allowed " + i);
            }
            await("a retry of the refused file").atMost(DEADLINE).until(() -> ferry.log()
                    .split("mixed/private/a.txt: upload failed", -1).length >= 3);
            assertThat(noProblem("mixed")).as("still refused").isFalse();
            assertThat(ferry.status().path("buckets").path("mixed").path("problem").asText()).contains("(1 file refused");
            assertThat(ferry.log().split("are refused: access denied", -1)).as("said once").hasSize(2);
            assertThat(ferry.log()).doesNotContain("uploads are allowed again");

            proxy.refuse(r -> false);
            awaitObject("mixed", "private/a.txt", "refused by the policy");
            await().atMost(DEADLINE).until(() -> noProblem("mixed"));
            assertThat(ferry.log().split("mixed: uploads are allowed again", -1)).hasSize(2);
        }
    }

    private boolean noProblem(String bucket) {
        JsonNode problem = ferry.status().path("buckets").path(bucket).path("problem");
        return problem.isNull() || problem.isMissingNode();
    }

    @Test
    void sigtermLetsUploadsFinishAndExitsZero() throws Exception {
        write("photos/a.jpg", "a");
        ferry = FerryProcess.start("sigterm", FerryProcess.baseEnv(watch, state, s3));
        awaitObject("photos", "a.jpg", "a");
        assertThat(ferry.stop()).isZero();
        assertThat(ferry.log()).contains("stopped");
    }

    @Test
    void anInvalidBucketFolderIsReportedAndDoesNotStopTheOthers() throws Exception {
        Path bad = write("My Photos/a.jpg", "in a folder that cannot be a bucket");
        write("good-bucket/b.jpg", "fine");
        ferry = FerryProcess.start("invalid-bucket", FerryProcess.baseEnv(watch, state, s3));
        awaitObject("good-bucket", "b.jpg", "fine");
        await().atMost(DEADLINE).until(() -> !ferry.status().path("buckets").path("My Photos").path("problem").isNull()
                && !ferry.status().path("buckets").path("My Photos").path("problem").isMissingNode());
        assertThat(ferry.status().path("buckets").path("My Photos").path("failed").asLong()).isEqualTo(1);
        assertThat(ferry.status().path("buckets").path("My Photos").path("problem").asText())
                .contains("not a valid S3 bucket name");
        await().atMost(DEADLINE).until(() -> record(bad).map(FileRecord::status).orElse(null) == FileStatus.FAILED);
    }

    @Test
    void aFileInAFolderThatCannotBeABucketIsWarnedOfOnceWhileItChanges() throws Exception {
        ferry = FerryProcess.start("invalid-bucket-once", FerryProcess.baseEnv(watch, state, s3));
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        Path bad = write("Bad_Bucket!/a.txt", "first");
        await().atMost(DEADLINE).until(() -> record(bad).filter(r -> r.status() == FileStatus.FAILED)
                .map(FileRecord::size).orElse(0L) == 5);

        Files.writeString(bad, ", then more", java.nio.file.StandardOpenOption.APPEND);
        await().atMost(DEADLINE).until(() -> record(bad).filter(r -> r.status() == FileStatus.FAILED)
                .map(FileRecord::size).orElse(0L) == 16);

        String log = ferry.log();
        assertThat(log.split(java.util.regex.Pattern.quote(bad + ": not uploaded: "), -1)).as(log).hasSize(2);
        assertThat(log.split("its files are not uploaded", -1)).as(log).hasSize(2);
    }

    @Test
    void aFolderThatCannotBeABucketRenamedToOneThatCanLeavesTheFailedListAtOnce() throws Exception {
        Path one = write("ab/f1.txt", "one");
        Path two = write("ab/f2.txt", "two");
        var env = FerryProcess.baseEnv(watch, state, s3);
        env.put("SWEEP_INTERVAL", "0"); // no periodic full sweep: only the watcher's event can clear them
        ferry = FerryProcess.start("renamed-invalid-bucket", env);
        await().atMost(DEADLINE).until(() -> ferry.status().path("buckets").path("ab").path("failed").asLong() == 2);
        await().atMost(DEADLINE).until(() -> record(one).map(FileRecord::status).orElse(null) == FileStatus.FAILED
                && record(two).map(FileRecord::status).orElse(null) == FileStatus.FAILED);

        Files.move(watch.resolve("ab"), watch.resolve("abfix"));

        awaitObject("abfix", "f1.txt", "one");
        awaitObject("abfix", "f2.txt", "two");
        await("the renamed folder leaves /status").atMost(DEADLINE).until(
                () -> ferry.status().path("buckets").path("ab").path("failed").asLong(0) == 0);
        await("its records leave the failed list").atMost(DEADLINE).until(
                () -> record(one).map(FileRecord::status).orElse(null) != FileStatus.FAILED
                        && record(two).map(FileRecord::status).orElse(null) != FileStatus.FAILED);
    }

    @Test
    void statusAnswersJsonWithTheDocumentedShapeAndNoSecret() throws Exception {
        write("photos/a.jpg", "a");
        ferry = FerryProcess.start("status", FerryProcess.baseEnv(watch, state, s3));
        awaitObject("photos", "a.jpg", "a");
        await().atMost(DEADLINE).until(() -> ferry.total("uploaded") == 1);
        JsonNode status = ferry.status();
        assertThat(status.path("status").asText()).isEqualTo("ok");
        assertThat(status.path("version").asText()).isNotBlank();
        assertThat(status.has("uptimeSeconds")).isTrue();
        assertThat(status.path("store").path("kind").asText()).isEqualTo("sqlite");
        assertThat(status.path("store").path("reachable").asBoolean()).isTrue();
        assertThat(status.path("store").path("instance").asText()).isEqualTo(InstanceId.ofHost().value());
        JsonNode photos = status.path("buckets").path("photos");
        for (String field : new String[] {"queued", "inFlight", "uploaded", "failed", "lastError"}) {
            assertThat(photos.has(field)).as("bucket field " + field).isTrue();
        }
        assertThat(status.toString()).doesNotContain(s3.secretKey());
        assertThat(ferry.log()).doesNotContain(s3.secretKey());
    }

    @Test
    void recordsAreKeptUnderTheConfiguredInstanceId() throws Exception {
        Path file = write("photos/a.jpg", "a");
        Map<String, String> env = new java.util.LinkedHashMap<>(FerryProcess.baseEnv(watch, state, s3));
        env.put("INSTANCE_ID", "camera-7");
        ferry = FerryProcess.start("instance-id", env);
        awaitObject("photos", "a.jpg", "a");
        assertThat(ferry.status().path("store").path("instance").asText()).isEqualTo("camera-7");
        assertThat(ferry.stop()).isZero();
        try (SqliteStateStore db = SqliteStateStore.open(state.resolve("ferry.db"), new InstanceId("camera-7"))) {
            assertThat(db.get(new RecordId("camera-7", file.toString(), "photos"))).map(FileRecord::status)
                    .contains(FileStatus.UPLOADED);
        }
    }

    /** How many times the daemon logged an upload of {@code bucketAndKey}. */
    static long uploadLines(String log, String bucketAndKey) {
        return log.lines().filter(l -> l.contains(" - " + bucketAndKey + ": uploaded ")).count();
    }
}
