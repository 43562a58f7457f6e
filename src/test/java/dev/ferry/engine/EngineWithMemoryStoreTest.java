package dev.ferry.engine;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Checksums;
import dev.ferry.core.Destination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.ManualClock;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.testing.MemoryObjectStore.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine (lanes, worker threads, uploader, bucket gate) carrying files to a {@link MemoryObjectStore}:
 * no sockets, time moved by the test. What S3 does is the store's contract (see {@code ObjectStoreContract}); what
 * is checked here is what the engine makes of it.
 */
class EngineWithMemoryStoreTest {
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryRecords records = new InMemoryRecords();
    private final List<UploadOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final UploadListener listener = (bucket, key, path, outcome, since) -> outcomes.add(outcome);
    private Engine engine;

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aFileWhosePutMeetsAServerErrorIsRetriedAfterItsBackoffAndStoredOnceWithItsBytes() throws Exception {
        MemoryObjectStore store = new MemoryObjectStore().createBucket("photos").failNextPuts(1, FailureKind.RETRYABLE);
        Site site = site(store);
        engine = new Engine(List.of(site), records, EngineSettings.daemon(2, 100, Duration.ofSeconds(1), false), clock,
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), listener);
        Path file = write(site, "photos/2026/a.jpg", "the bytes of a.jpg");

        enqueue(site, file, "photos", "2026/a.jpg");

        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
        assertThat(outcomes.get(0)).isInstanceOfSatisfying(UploadOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("HTTP 500"));
        assertThat(store.writes("photos", "2026/a.jpg")).isZero();
        assertThat(records.get(file.toString()).map(FileRecord::status)).contains(FileStatus.FAILED);

        clock.advance(Duration.ofMinutes(2)); // past the backoff, whatever its jitter

        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
        assertThat(outcomes.get(1)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.requests(Request.PUT)).isEqualTo(2);
        assertThat(store.writes("photos", "2026/a.jpg")).as("stored once").isEqualTo(1);
        assertThat(store.object("photos", "2026/a.jpg").orElseThrow().text()).isEqualTo("the bytes of a.jpg");
        RemoteObject head = store.head("photos", "2026/a.jpg").orElseThrow();
        assertThat(head.mtimeMillis()).contains(Files.getLastModifiedTime(file).toMillis());
        FileRecord uploaded = records.get(file.toString()).orElseThrow();
        assertThat(uploaded.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(uploaded.checksum()).isEqualTo(Checksums.md5Hex(file));
        assertThat(uploaded.etag()).isEqualTo(head.etag());
    }

    @Test
    void aBucketRemovedUnderTheEngineIsCreatedAgainAndTheFileGoesUp() throws Exception {
        MemoryObjectStore store = new MemoryObjectStore();
        Site site = site(store);
        engine = new Engine(List.of(site), records, EngineSettings.daemon(1, 100, Duration.ofSeconds(1), true), clock,
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), listener);
        Path first = write(site, "docs/one.txt", "one");
        enqueue(site, first, "docs", "one.txt");
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 1);
        assertThat(outcomes.get(0)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.requests(Request.ENSURE_BUCKET)).as("the bucket is made on the first upload").isEqualTo(1);

        store.dropBucket("docs");
        Path second = write(site, "docs/two.txt", "two");
        enqueue(site, second, "docs", "two.txt");
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(UploadOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("bucket does not exist"));
        clock.advance(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 3);
        assertThat(outcomes.get(2)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.requests(Request.ENSURE_BUCKET)).as("asked again after the put said it is missing")
                .isEqualTo(2);
        assertThat(store.keys("docs")).containsExactly("two.txt");
        assertThat(store.object("docs", "two.txt").orElseThrow().text()).isEqualTo("two");
    }

    private Site site(MemoryObjectStore store) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        return new FolderBucketSite("watch", new LocalSource(TestIds.SOURCE, root), new FolderBucketRouter(root, new IgnoreRules(List.of())), store, false,
                UploadOptions.NONE, 100);
    }

    private Path write(Site site, String relative, String content) throws Exception {
        Path file = site.root().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(START.minus(Duration.ofMinutes(5))));
        return file;
    }

    private void enqueue(Site site, Path file, String bucket, String key) throws Exception {
        assertThat(engine.enqueue(site, LocalSource.ref(TestIds.SOURCE, file), new Destination(bucket, key), LocalStat.of(file).orElseThrow())).isTrue();
    }
}
