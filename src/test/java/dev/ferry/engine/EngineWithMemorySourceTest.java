package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ItemRef;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.Source;
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
import dev.ferry.testing.MemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A source that is no local tree, carried by the real engine (lanes, worker threads, uploader, bucket gate, delete
 * guard) to a {@link MemoryObjectStore}, with the records in memory: {@link MemorySource} implements
 * {@link Source} and nothing else, and the engine, the queue, the uploader and the state store were not edited for
 * it. Its items are listed (a sweep, by hand: the sweep of a local tree walks folders), fed as they change, and
 * carried with their content; a changed item goes again, a deleted one has its object retired.
 */
class EngineWithMemorySourceTest {
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryRecords records = new InMemoryRecords();
    private final Map<String, UploadOutcome> last = new ConcurrentHashMap<>();
    private final UploadListener listener = (bucket, key, item, outcome, since) -> last.put(item.item(), outcome);
    private final MemorySource source = new MemorySource("memory-test", "/memory");
    private final MemoryObjectStore store = new MemoryObjectStore().createBucket("archive");
    private final Site site = new PrefixSite("memory", source, new PrefixRouter(Path.of("/memory"), "archive", "in/",
            new IgnoreRules(List.of()), PathFilter.none()), store, true, UploadOptions.NONE, 100);
    private Engine engine;
    private AutoCloseable feed;

    @AfterEach
    void stop() throws Exception {
        if (feed != null) {
            feed.close();
        }
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void itemsListedAreCarriedWithTheirContentThenChangesAndDeletionsFollow() throws Exception {
        Instant old = START.minus(Duration.ofMinutes(5));
        String a = source.put("docs/a.txt", "the bytes of a", old);
        String c = source.put("docs/b/c.txt", "the bytes of c", old);
        engine = new Engine(List.of(site), records, EngineSettings.daemon(2, 100, SETTLE, false), clock,
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), listener);

        try (Stream<Source.Item> items = source.list()) {
            for (Source.Item item : items.toList()) {
                RouteDecision decision = site.route(item.item());
                Destination dest = ((RouteDecision.Routed) decision).destination();
                assertThat(engine.enqueue(site, source.ref(item.item()), dest, item.version().stat())).isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> uploaded(a) && uploaded(c));
        assertThat(store.keys("archive")).containsExactly("in/docs/a.txt", "in/docs/b/c.txt");
        assertThat(store.object("archive", "in/docs/a.txt").orElseThrow().text()).isEqualTo("the bytes of a");
        RemoteObject head = store.head("archive", "in/docs/b/c.txt").orElseThrow();
        assertThat(head.mtimeMillis()).contains(old.toEpochMilli());
        FileRecord record = records.get(c).orElseThrow();
        assertThat(record.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(record.checksum()).isEqualTo(source.version(c).orElseThrow().md5Hex().orElseThrow());
        assertThat(record.key()).isEqualTo("in/docs/b/c.txt");

        feed = source.feed(engine.changes(() -> { }));
        source.put("docs/a.txt", "the new bytes of a", clock.instant());
        assertThat(engine.sitesOf(new ItemRef("memory-test", a))).containsExactly(site);
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.writes("archive", "in/docs/a.txt") == 2);
        assertThat(store.object("archive", "in/docs/a.txt").orElseThrow().text()).isEqualTo("the new bytes of a");
        assertThat(store.writes("archive", "in/docs/b/c.txt")).as("the unchanged item is not sent again").isEqualTo(1);

        source.delete("docs/b/c.txt");
        clock.advance(SETTLE.plusMillis(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> last.get(c) instanceof UploadOutcome.Deleted);
        assertThat(store.keys("archive")).containsExactly("in/docs/a.txt");
        assertThat(records.get(c).orElseThrow().status()).isEqualTo(FileStatus.IGNORED);
    }

    @Test
    void anItemOfAnotherSourceIdIsNotTaken() {
        engine = new Engine(List.of(site), records, EngineSettings.daemon(1, 100, SETTLE, false), clock,
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), listener);
        String a = source.put("docs/a.txt", "a", START.minus(Duration.ofMinutes(5)));

        assertThat(engine.sitesOf(new ItemRef("another-source", a))).isEmpty();
        assertThat(engine.sitesOf(new ItemRef("memory-test", "/elsewhere/a.txt"))).isEmpty();
        engine.changed(new ItemRef("another-source", a));
        assertThat(engine.backlog()).isZero();
    }

    private boolean uploaded(String item) {
        return last.get(item) instanceof UploadOutcome.Uploaded;
    }
}
