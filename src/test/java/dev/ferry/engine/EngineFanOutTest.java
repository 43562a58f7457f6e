package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Destination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ItemRef;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.ManualClock;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.core.RecordId;
import dev.ferry.testing.MemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One source feeding two sites, each to its own bucket on its own endpoint: a change fans out to both, each
 * destination has its own record, a deletion is retired only where the site retires deletions, and a retry goes to
 * the destination it names.
 */
class EngineFanOutTest {
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryRecords records = new InMemoryRecords();
    /** The last outcome by bucket and item. */
    private final Map<String, UploadOutcome> last = new ConcurrentHashMap<>();
    private final UploadListener listener = (bucket, key, item, outcome, since) -> last.put(bucket + " " + item.item(),
            outcome);
    private final MemorySource source = new MemorySource("memory-test", "/memory");
    private final MemoryObjectStore primaryStore = new MemoryObjectStore().withEndpoint("https://one.example")
            .createBucket("primary");
    private final MemoryObjectStore archiveStore = new MemoryObjectStore().withEndpoint("https://two.example")
            .createBucket("archive");
    private final Site primary = new PrefixSite("primary", source, router("primary", ""), primaryStore, false,
            UploadOptions.NONE, 100);
    private final Site archive = new PrefixSite("archive", source, router("archive", "kept/"), archiveStore, true,
            UploadOptions.NONE, 100);
    private Engine engine;
    private AutoCloseable feed;

    private static PrefixRouter router(String bucket, String prefix) {
        return new PrefixRouter(Path.of("/memory"), bucket, prefix, new IgnoreRules(List.of()), PathFilter.none());
    }

    @AfterEach
    void stop() throws Exception {
        if (feed != null) {
            feed.close();
        }
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    private void start() {
        engine = new Engine(List.of(primary, archive), records, EngineSettings.daemon(2, 100, SETTLE, false), clock,
                new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10), () -> 0.5), listener);
    }

    @Test
    void oneItemReachesBothDestinationsWithARecordEachAndIsRetiredOnlyWhereAsked() throws Exception {
        start();
        feed = source.feed(engine.changes(() -> { }));
        String a = source.put("docs/a.txt", "first bytes", clock.instant());
        ItemRef ref = source.ref(a);
        assertThat(engine.sitesOf(ref)).containsExactly(primary, archive);
        clock.advance(SETTLE.plusMillis(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> uploaded("primary", a) && uploaded("archive", a));
        assertThat(primaryStore.object("primary", "docs/a.txt").orElseThrow().text()).isEqualTo("first bytes");
        assertThat(archiveStore.object("archive", "kept/docs/a.txt").orElseThrow().text()).isEqualTo("first bytes");
        assertThat(record(a, "primary").status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(record(a, "primary").key()).isEqualTo("docs/a.txt");
        assertThat(record(a, "archive").status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(record(a, "archive").key()).isEqualTo("kept/docs/a.txt");

        source.put("docs/a.txt", "second bytes", clock.instant());
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> primaryStore.writes("primary", "docs/a.txt") == 2
                && archiveStore.writes("archive", "kept/docs/a.txt") == 2);
        assertThat(primaryStore.object("primary", "docs/a.txt").orElseThrow().text()).isEqualTo("second bytes");
        assertThat(archiveStore.object("archive", "kept/docs/a.txt").orElseThrow().text()).isEqualTo("second bytes");

        source.delete("docs/a.txt");
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> last.get("archive " + a) instanceof UploadOutcome.Deleted
                && last.get("primary " + a) instanceof UploadOutcome.Gone);
        assertThat(archiveStore.keys("archive")).as("retire_deleted: the object goes").isEmpty();
        assertThat(primaryStore.keys("primary")).as("no retire_deleted: the object stays").containsExactly("docs/a.txt");
        assertThat(record(a, "archive").status()).isEqualTo(FileStatus.IGNORED);
        assertThat(record(a, "primary").status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void aChangeSeenByOneSitesFeedIsQueuedForThatSiteOnly() throws Exception {
        start();
        String b = source.put("b.txt", "bytes of b", clock.instant());
        engine.changed(archive, source.ref(b));
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> uploaded("archive", b));
        assertThat(engine.backlog()).isZero();
        assertThat(primaryStore.keys("primary")).isEmpty();
        assertThat(records.get(new RecordId(source.id(), b, "primary"))).isEmpty();
    }

    @Test
    void aRetryGoesToTheDestinationItNames() throws Exception {
        start();
        archiveStore.failNextPuts(1, FailureKind.RETRYABLE);
        String c = source.put("c.txt", "bytes of c", clock.instant());
        ItemRef ref = source.ref(c);
        engine.changed(ref);
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> uploaded("primary", c)
                && last.get("archive " + c) instanceof UploadOutcome.Retry);
        assertThat(record(c, "archive").status()).isEqualTo(FileStatus.FAILED);
        assertThat(record(c, "primary").status()).isEqualTo(FileStatus.UPLOADED);

        Destination archived = ((RouteDecision.Routed) engine.routeTo(ref, "archive")).destination();
        assertThat(archived).isEqualTo(new Destination("archive", "kept/c.txt"));
        assertThat(((RouteDecision.Routed) engine.routeTo(ref, "primary")).destination())
                .isEqualTo(new Destination("primary", "c.txt"));
        assertThat(engine.retryNow(ref, archived)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> uploaded("archive", c));
        assertThat(record(c, "archive").status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(primaryStore.writes("primary", "c.txt")).as("the other destination is not sent again").isEqualTo(1);
    }

    @Test
    void aSiteNestedInAFolderOfTheTreeTakesItsFilesToo() throws Exception {
        MemorySource tree = new MemorySource("memory-test", "/memory");
        MemorySource photos = new MemorySource("memory-test", "/memory/photos");
        MemoryObjectStore both = new MemoryObjectStore().createBucket("photos").createBucket("photo-archive");
        Site treeSite = new FolderBucketSite("watch_path", tree, new dev.ferry.filter.FolderBucketRouter(
                Path.of("/memory"), new IgnoreRules(List.of())), both, false, UploadOptions.NONE, 100);
        Site nested = new PrefixSite("photo-archive", photos, new PrefixRouter(Path.of("/memory/photos"),
                "photo-archive", "", new IgnoreRules(List.of()), PathFilter.none()), both, false, UploadOptions.NONE,
                100);
        engine = new Engine(List.of(treeSite, nested), records, EngineSettings.daemon(2, 100, SETTLE, false), clock,
                new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10), () -> 0.5), listener);
        ItemRef inPhotos = new ItemRef("memory-test", "/memory/photos/2026/p.jpg");
        ItemRef inDocs = new ItemRef("memory-test", "/memory/docs/d.txt");

        assertThat(engine.sitesOf(inPhotos)).containsExactly(treeSite, nested);
        assertThat(engine.sitesOf(inDocs)).containsExactly(treeSite);
        assertThat(((RouteDecision.Routed) engine.routeTo(inPhotos, "photos")).destination())
                .isEqualTo(new Destination("photos", "2026/p.jpg"));
        assertThat(((RouteDecision.Routed) engine.routeTo(inPhotos, "photo-archive")).destination())
                .isEqualTo(new Destination("photo-archive", "2026/p.jpg"));
        assertThat(engine.routeTo(new ItemRef("memory-test", "/elsewhere/x"), "photos"))
                .isInstanceOf(RouteDecision.Skipped.class);
    }

    private FileRecord record(String item, String bucket) {
        Optional<FileRecord> r = records.get(new RecordId(source.id(), item, bucket));
        return r.orElseThrow(() -> new AssertionError("no record of " + item + " in " + bucket));
    }

    private boolean uploaded(String bucket, String item) {
        return last.get(bucket + " " + item) instanceof UploadOutcome.Uploaded;
    }
}
