package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A file rewritten with the same size and its old modification time put back (what {@code cp -p},
 * {@code rsync -t} and {@code tar x} do): size and mtime cannot see it, the inode change time can. The new
 * content must reach S3, whether the daemon runs (watcher) or is stopped during the rewrite (start-up
 * sweep); a change of the inode alone (chmod, the same bytes put back under a new inode) uploads nothing.
 * PUTs are counted on the wire, through a proxy in front of S3Proxy.
 */
class SameSizeRewriteIT extends DaemonTestBase {
    private static final String BUCKET = "rewrites";
    private static final String OLD = "first version of the report, 0001";
    private static final String NEW = "later version of the report, 0002";

    private CountingProxy proxy;
    private Map<String, String> env;

    @BeforeEach
    void startProxy() {
        proxy = CountingProxy.start(s3.port());
        env = FerryProcess.baseEnv(watch, state, s3);
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void rewriteWithTheOldMtimeIsUploadedByTheWatcher() throws Exception {
        assertThat(NEW).hasSameSizeAs(OLD);
        Path file = write(BUCKET + "/docs/report.txt", OLD);
        ferry = FerryProcess.start("rewrite-watch", env);
        awaitObject(BUCKET, "docs/report.txt", OLD);

        rewriteKeepingMtime(file, NEW);

        awaitObject(BUCKET, "docs/report.txt", NEW);
        byte[] local = Files.readAllBytes(file);
        assertThat(s3.readObjectBytes(BUCKET, "docs/report.txt")).hasValueSatisfying(
                bytes -> assertThat(bytes).isEqualTo(local));
        assertThat(puts("docs/report.txt")).isEqualTo(2);
        await("the log line").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> ferry.log().contains("content changed with the same size and mtime"));
    }

    @Test
    void rewriteWhileStoppedIsFoundByTheStartUpSweep() throws Exception {
        Path file = write(BUCKET + "/report.txt", OLD);
        ferry = FerryProcess.start("rewrite-first", env);
        awaitObject(BUCKET, "report.txt", OLD);
        assertThat(ferry.stop()).isZero();

        rewriteKeepingMtime(file, NEW);

        ferry = FerryProcess.start("rewrite-second", env);
        awaitObject(BUCKET, "report.txt", NEW);
        byte[] local = Files.readAllBytes(file);
        assertThat(s3.readObjectBytes(BUCKET, "report.txt")).hasValueSatisfying(
                bytes -> assertThat(bytes).isEqualTo(local));
        assertThat(puts("report.txt")).isEqualTo(2);
    }

    @Test
    void chmodOrTheSameBytesUnderANewInodeUploadNothing() throws Exception {
        Path file = write(BUCKET + "/same.txt", OLD);
        ferry = FerryProcess.start("rewrite-chmod", env);
        awaitObject(BUCKET, "same.txt", OLD);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        awaitRecordedIdentity(file);

        FileTime mtime = Files.getLastModifiedTime(file);
        Path copy = tmp.resolve("same.txt.copy");
        Files.writeString(copy, OLD, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(copy, mtime);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitRecordedIdentity(file);

        assertThat(puts("same.txt")).as("PUTs of same.txt").isEqualTo(1);
        assertThat(s3.readObject(BUCKET, "same.txt")).contains(OLD);
    }

    @Test
    void aTouchedFileIsComparedByContentAndItsNewMtimeRecordedWithoutAPut() throws Exception {
        Path file = write(BUCKET + "/touched.txt", OLD);
        ferry = FerryProcess.start("touch-watch", env);
        awaitObject(BUCKET, "touched.txt", OLD);

        FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 60_000);
        Files.setLastModifiedTime(file, later); // what `touch` does: same bytes, new mtime
        // the record takes the new mtime while the content is compared (UPLOADING), then is UPLOADED again
        await("the new mtime recorded as uploaded").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> record(file).filter(r -> r.mtimeMillis() == later.toMillis()
                        && r.status() == dev.ferry.core.FileStatus.UPLOADED).isPresent());

        assertThat(puts("touched.txt")).as("PUTs of touched.txt").isEqualTo(1);
    }

    /** Writes {@code content} (of the same size) over the file and puts its modification time back. */
    private static void rewriteKeepingMtime(Path file, String content) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, mtime);
    }

    /** Waits until the daemon recorded the file's current inode change time and inode (it looked at it). */
    private void awaitRecordedIdentity(Path file) throws IOException {
        dev.ferry.core.FileStat now = LocalStat.of(file).orElseThrow();
        await(file + " recorded with its new ctime and inode").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> record(file).filter(r -> r.stat().equals(now)).isPresent());
    }

    private long puts(String key) {
        return proxy.requestHeads().stream().filter(h -> h.startsWith("PUT /" + BUCKET + "/" + key + " ")).count();
    }
}
