package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.ByHand;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.InMemoryRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When sweeps run, on executors run by hand and a fake time: requests during a full sweep are coalesced into
 * one more, a missing root is never swept, the duration and the time of the last sweep are the injected ones.
 */
class SweepSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-05-06T07:08:09Z");

    @TempDir
    Path root;

    private final AtomicLong nanos = new AtomicLong(42);
    private final ByHand control = new ByHand();
    private final ByHand walkers = new ByHand();
    private final List<String> uploaded = new ArrayList<>();

    private SweepScheduler scheduler(Path tree) {
        ReconcileSink sink = new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                uploaded.add(destination.key());
                return true;
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                    Optional<FileRecord> existing) {
            }
        };
        Reconciler sweep = new Reconciler(new PrefixRouter(tree, "b", "", new IgnoreRules(List.of()),
                PathFilter.none()), new InMemoryRecords(), 10, (attempt, cause) -> false, Clock.systemUTC(), false);
        return new SweepScheduler(tree, (start, cancelled) -> sweep.sweep(start, sink, cancelled), Clock.fixed(NOW, ZoneOffset.UTC), false, control, walkers,
                nanos::get);
    }

    @Test
    void requestsWhileAFullSweepRunsAreCoalescedIntoOneMore() {
        SweepScheduler s = scheduler(root);
        List<String> runs = new ArrayList<>();
        s.fullRunBy((cancelled, hold) -> {
            runs.add("run" + (hold ? " holding deletions" : ""));
            if (runs.size() == 1) {
                s.requestFull("rescan");
                s.requestFull("rescan", true);
                s.requestFull("periodic");
            }
            nanos.addAndGet(Duration.ofSeconds(3).toNanos());
            return new SweepResult(5, 0, 0, 0, Duration.ZERO, true);
        });
        List<Duration> took = new ArrayList<>();
        s.onFullSweep((d, files, queued) -> took.add(d));

        s.requestFull("start-up");
        assertThat(control.tasks).hasSize(1);
        control.runAll();

        assertThat(runs).containsExactly("run", "run holding deletions");
        assertThat(control.tasks).as("no third run queued").isEmpty();
        assertThat(s.fullSweeps()).isEqualTo(2);
        assertThat(took).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
        assertThat(s.lastFullSweepAt()).contains(NOW);
    }

    @Test
    void aRequestAfterASweepEndedStartsAnotherAndTheFirstRunIsUsedOnce() {
        SweepScheduler s = scheduler(root);
        List<String> runs = new ArrayList<>();
        s.firstFullRunBy((cancelled, hold) -> {
            runs.add("first");
            return new SweepResult(0, 0, 0, 0, Duration.ZERO, true);
        });
        s.fullRunBy((cancelled, hold) -> {
            runs.add("later");
            return new SweepResult(0, 0, 0, 0, Duration.ZERO, true);
        });
        s.requestFull("start-up");
        control.runAll();
        s.requestFull("periodic safety sweep");
        s.requestFull("periodic safety sweep");
        assertThat(control.tasks).as("not running: each request is its own").hasSize(2);
        control.runAll();
        assertThat(runs).containsExactly("first", "later", "later");
    }

    @Test
    void aFullSweepThatS3FailedRunsAgainWithBackoffUntilItCompletesSaidInOneWarning() {
        SweepScheduler s = scheduler(root);
        List<Duration> waited = new ArrayList<>();
        s.retryFailedSweeps(kind -> Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(4)), delay -> {
            waited.add(delay);
            return true;
        });
        List<String> runs = new ArrayList<>();
        s.fullRunBy((cancelled, hold) -> {
            runs.add("run" + (hold ? " holding deletions" : ""));
            if (runs.size() <= 3) {
                throw new TransferException(FailureKind.UNREACHABLE,
                        "cannot list objects: network error (Connection refused)");
            }
            return new SweepResult(2, 2, 0, 0, Duration.ZERO, true);
        });
        try (LogCapture logs = LogCapture.of(SweepScheduler.class.getName())) {
            s.requestFull("start-up", true);
            control.runAll();

            assertThat(runs).as("the deletions the failed sweep held are held by its retries").containsExactly(
                    "run holding deletions", "run holding deletions", "run holding deletions",
                    "run holding deletions");
            assertThat(waited).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(s.fullSweeps()).isEqualTo(1);
            assertThat(s.lastFullSweepAt()).contains(NOW);
            List<String> warnings = logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("Connection refused", "runs again in 1 s");
            assertThat(logs.lines()).noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    @Test
    void aFullSweepThatFailedOtherwiseIsNotRetriedAndOneThatStopsWaitingEnds() {
        SweepScheduler s = scheduler(root);
        List<Duration> waited = new ArrayList<>();
        s.retryFailedSweeps(kind -> Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(4)), delay -> {
            waited.add(delay);
            return false; // stopping
        });
        List<String> runs = new ArrayList<>();
        s.fullRunBy((cancelled, hold) -> {
            runs.add("run");
            throw runs.size() == 1 ? new IllegalStateException("a bug")
                    : new TransferException(FailureKind.PERMANENT, "will fail again");
        });
        s.requestFull("start-up");
        control.runAll();
        s.requestFull("periodic safety sweep");
        control.runAll();
        assertThat(runs).as("neither an unexpected nor a permanent failure is retried").hasSize(2);
        assertThat(waited).isEmpty();

        s.fullRunBy((cancelled, hold) -> {
            runs.add("unreachable");
            throw new TransferException(FailureKind.UNREACHABLE, "timed out");
        });
        s.requestFull("periodic safety sweep");
        control.runAll();
        assertThat(runs).endsWith("unreachable").hasSize(3);
        assertThat(waited).as("the wait was cut short: no more attempts").hasSize(1);
        assertThat(s.fullSweeps()).isZero();
    }

    @Test
    void aMissingRootIsNeverSwept() throws Exception {
        Path gone = root.resolve("unmounted");
        SweepScheduler s = scheduler(gone);
        List<String> runs = new ArrayList<>();
        s.fullRunBy((cancelled, hold) -> {
            runs.add("run");
            return new SweepResult(0, 0, 0, 0, Duration.ZERO, true);
        });
        s.requestFull("start-up");
        control.runAll();
        assertThat(runs).isEmpty();
        assertThat(s.fullSweeps()).isZero();
        assertThat(s.lastFullSweepAt()).isEmpty();

        Files.createDirectories(gone);
        s.requestFull("root is back");
        control.runAll();
        assertThat(runs).containsExactly("run");
    }

    @Test
    void aFullSweepWalksTheTreeOnTheWalkersAndAFolderSweepToo() throws Exception {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("a.txt"), "a");
        Files.writeString(root.resolve("sub/b.txt"), "b");
        SweepScheduler s = scheduler(root);
        s.requestFull("start-up");
        control.runAll();
        assertThat(uploaded).containsExactlyInAnyOrder("a.txt", "sub/b.txt");
        assertThat(walkers.ran).isEqualTo(1);

        uploaded.clear();
        s.requestFolder(root.resolve("sub"), "new directory");
        assertThat(uploaded).as("not before the walker runs it").isEmpty();
        walkers.runAll();
        assertThat(uploaded).containsExactly("sub/b.txt");
        s.close();
        s.requestFull("after close");
        assertThat(control.tasks).isEmpty();
    }

    /** Queues what it is given (execute) and runs it when told; submitted work runs at once, in the caller. */
}
