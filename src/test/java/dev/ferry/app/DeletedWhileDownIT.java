package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A file whose upload was under way when the daemon was killed (its record says UPLOADING), deleted while the
 * daemon was down: the next start closes its record as a deletion, and under retire_deleted also retires the
 * object of its earlier version, instead of showing it in progress for ever.
 */
class DeletedWhileDownIT extends DaemonTestBase {

    /** What the daemon does before the file is written. */
    private interface Before {
        void run() throws Exception;
    }

    /**
     * Starts the daemon through a proxy, runs {@code before}, then writes the file with {@code content} and holds
     * its PUT (of {@code key} in {@code bucket}), kills the daemon once that PUT reached the proxy (its UPLOADING
     * mark is durable by then), and deletes the file.
     */
    private void killDuringTheUploadOf(Map<String, String> env, String bucket, String key, Path file, String content,
            Before before, String... args) throws Exception {
        AtomicBoolean holding = new AtomicBoolean();
        CountDownLatch putSeen = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            proxy.beforeForwarding(head -> {
                if (holding.get() && head.startsWith("PUT /" + bucket + "/" + key + " ")) {
                    putSeen.countDown();
                    try {
                        released.await(2, TimeUnit.MINUTES); // accepted, never answered: the daemon dies first
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            ferry = FerryProcess.start("deleted-while-down-first", env, args);
            before.run();
            holding.set(true);
            Files.createDirectories(file.getParent());
            FerryProcess.shareWithDaemon(file.getParent());
            Files.writeString(file, content);
            assertThat(putSeen.await(60, TimeUnit.SECONDS)).as("the upload reached S3's door").isTrue();
            ferry.kill9();
            ferry.close();
            ferry = null;
        } finally {
            released.countDown();
        }
        assertThat(record(file).map(FileRecord::status)).as("what the kill left").contains(FileStatus.UPLOADING);
        Files.delete(file);
        env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
    }

    @Test
    void anUploadCutShortByAKillOfAFileDeletedWhileDownIsClosedAtTheNextStart() throws Exception {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        Path gone = watch.resolve("photos/gone.txt");
        killDuringTheUploadOf(env, "photos", "gone.txt", gone, "being uploaded when Ferry is killed",
                () -> {
                    write("photos/kept.txt", "kept");
                    awaitObject("photos", "kept.txt", "kept");
                });

        ferry = FerryProcess.start("deleted-while-down-second", env);
        await("the record closed").atMost(DEADLINE)
                .until(() -> record(gone).map(FileRecord::status).orElse(null) == FileStatus.IGNORED);
        assertThat(record(gone).orElseThrow().reason()).isEqualTo("deleted locally before it was uploaded");
        assertThat(s3.listKeys("photos")).containsExactly("kept.txt");
        assertThat(ferry.log()).contains("1 files whose upload had not ended");
    }

    @Test
    void underRetireDeletedTheObjectOfItsEarlierVersionIsRetiredAndTheRecordClosed() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        FerryProcess.shareWithDaemon(site);
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, """
                sites:
                - local_path: %s
                  bucket: photos
                  bucket_path: site
                  retire_deleted: true
                  max_delete_percent: 100
                """.formatted(site));
        Map<String, String> env = FerryProcess.sitesEnv(state, s3);
        Path doc = site.resolve("doc.txt");
        killDuringTheUploadOf(env, "photos", "site/doc.txt", doc, "version 2, cut short by the kill",
                () -> {
                    Files.writeString(doc, "version 1");
                    awaitObject("photos", "site/doc.txt", "version 1");
                    // recorded as uploaded before version 2 is written: a change right after the PUT, before its
                    // record, is a change during the upload, and the record would then know no uploaded version
                    await("version 1 recorded").atMost(DEADLINE).until(() -> record(doc)
                            .filter(r -> r.status() == FileStatus.UPLOADED && r.size() == "version 1".length())
                            .isPresent());
                }, "--config", config.toString());

        ferry = FerryProcess.start("deleted-while-down-retire", env, "--config", config.toString());
        await("the object of version 1 retired, the record closed").atMost(DEADLINE)
                .until(() -> s3.listKeys("photos").isEmpty()
                        && record(doc).map(FileRecord::status).orElse(null) == FileStatus.IGNORED);
        assertThat(record(doc).orElseThrow().reason()).contains("deleted from S3 (retire_deleted)");
    }
}
