package dev.ferry.engine;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.Destination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileStat;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lanes of sites that share an endpoint wait for it together, with real worker threads, a fixed clock (so any
 * file put into its own backoff would never be due again) and probes run by the test.
 */
class EngineOutageTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final int CONCURRENCY = 3;

    @TempDir
    Path tmp;

    private final InMemoryRecords keeper = new InMemoryRecords();
    private final List<Runnable> probes = new CopyOnWriteArrayList<>();
    private final List<UploadOutcome> outcomes = new CopyOnWriteArrayList<>();
    private Engine engine;

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void lanesSharingADownEndpointHoldTheirWorkWhileAnotherEndpointGoesOn() throws Exception {
        FlakyStore shared1 = new FlakyStore("http://shared:9000");
        FlakyStore shared2 = new FlakyStore("http://shared:9000");
        FlakyStore other = new FlakyStore("http://other:9000");
        shared1.down = true;
        shared2.down = true;
        Site a = site("a", shared1);
        Site b = site("b", shared2);
        Site c = site("c", other);
        UploadListener listener = (bucket, key, path, outcome, since) -> outcomes.add(outcome);
        engine = new Engine(List.of(a, b, c), keeper, EngineSettings.daemon(CONCURRENCY, 1000, Duration.ofSeconds(1), false),
                Clock.fixed(NOW, ZoneOffset.UTC), Backoff.standard(), listener, dev.ferry.core.UnmarkedUploads.NONE,
                EngineThreads.of(work -> {
                    Thread t = new Thread(work);
                    t.setDaemon(true);
                    return t;
                }, (delay, task) -> probes.add(task)),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), () -> 0.5));

        for (int i = 0; i < 20; i++) {
            enqueue(a, "a", "a" + i + ".jpg");
            enqueue(b, "b", "b" + i + ".jpg");
            enqueue(c, "c", "c" + i + ".jpg");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> other.stored.size() == 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.bucketStatus().get("a").unreachable().isPresent()
                && engine.bucketStatus().get("b").unreachable().isPresent()
                && engine.bucketStatus().get("a").inFlight() == 0 && engine.bucketStatus().get("b").inFlight() == 0);
        int triedWhileDown = shared1.attempts.get() + shared2.attempts.get();
        assertThat(triedWhileDown).as("at most the uploads under way when the outage began, not 40 files' attempts")
                .isLessThanOrEqualTo(2 * CONCURRENCY);
        assertThat(probes).as("one prober for the shared endpoint").hasSize(1);
        assertThat(engine.bucketStatus().get("c").unreachable()).isEmpty();
        assertThat(engine.bucketStatus().get("a").queued()).isEqualTo(20);

        shared1.down = false;
        shared2.down = false;
        probes.remove(0).run();

        await().atMost(Duration.ofSeconds(30)).until(() -> shared1.stored.size() == 20 && shared2.stored.size() == 20);
        assertThat(engine.bucketStatus().get("a").unreachable()).isEmpty();
        assertThat(engine.bucketStatus().get("a").failed()).isZero();
        assertThat(outcomes.stream().filter(UploadOutcome.Retry.class::isInstance).count()).isEqualTo(triedWhileDown);
        assertThat(probes).isEmpty();
    }

    private Site site(String name, ObjectStore store) throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        return new FolderBucketSite(name, new LocalSource(TestIds.SOURCE, root), new FolderBucketRouter(root, new IgnoreRules(List.of())), store, false,
                UploadOptions.NONE, 100);
    }

    private void enqueue(Site site, String bucket, String key) throws Exception {
        Path file = site.root().resolve(bucket).resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, key);
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofMinutes(5))));
        assertThat(engine.enqueue(site, LocalSource.ref(TestIds.SOURCE, file), new Destination(bucket, key), LocalStat.of(file).orElseThrow())).isTrue();
    }
}
