package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.testing.ByHand;
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
        SweepSink sink = new SweepSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                uploaded.add(destination.key());
                return true;
            }

            @Override
            public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat,
                    Optional<FileRecord> existing) {
            }
        };
        Sweeper sweeper = new Sweeper(new PrefixRouter(tree, "b", "", new IgnoreRules(List.of()), PathFilter.none()),
                new InMemoryRecords(), sink, 10, (attempt, cause) -> false);
        return new SweepScheduler(tree, sweeper, Clock.fixed(NOW, ZoneOffset.UTC), false, control, walkers,
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
