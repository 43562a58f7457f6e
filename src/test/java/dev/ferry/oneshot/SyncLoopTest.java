package dev.ferry.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** When periodic syncs start: on the interval's grid, never two at once, with a hand-moved clock. */
class SyncLoopTest {
    private long now;
    private final List<Long> starts = new ArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private boolean running;

    /** A loop whose syncs take the given seconds (in order) and which stops after the last one. */
    private int loop(long intervalSeconds, long... runSeconds) {
        Deque<Long> durations = new ArrayDeque<>();
        for (long s : runSeconds) {
            durations.add(s);
        }
        now = 1_000_000_000_000L;
        SyncLoop.Run run = () -> {
            assertThat(running).as("a sync started while another was running").isFalse();
            running = true;
            starts.add((now - 1_000_000_000_000L) / 1_000_000_000L);
            now += durations.removeFirst() * 1_000_000_000L;
            running = false;
            return 0;
        };
        SyncLoop.Pause pause = time -> {
            waits.add(time);
            if (durations.isEmpty()) {
                return true;
            }
            now += time.toNanos();
            return false;
        };
        return new SyncLoop(Duration.ofSeconds(intervalSeconds), () -> now, run, pause, stopping).loop();
    }

    @Test
    void syncsStartEveryIntervalFromTheFirstStart() {
        int exit = loop(10, 2, 3, 1);

        assertThat(exit).isZero();
        assertThat(starts).containsExactly(0L, 10L, 20L);
        assertThat(waits).startsWith(Duration.ofSeconds(8), Duration.ofSeconds(7));
    }

    @Test
    void aSyncLongerThanTheIntervalMakesTheNextStartAtTheFirstTickAfterItEndsNotInParallel() {
        loop(10, 1, 25, 10, 1);

        // the second sync runs 10..35: ticks 20 and 30 are skipped, the third starts at 40; the third ends
        // exactly on tick 50, where the fourth starts
        assertThat(starts).containsExactly(0L, 10L, 40L, 50L);
        assertThat(waits.get(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(waits.get(2)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aFailingSyncDoesNotEndTheLoop() {
        List<Integer> calls = new ArrayList<>();
        now = 0;
        SyncLoop.Run run = () -> {
            calls.add(calls.size());
            if (calls.size() == 1) {
                throw new IOException("disk gone");
            }
            return 1;
        };
        int exit = new SyncLoop(Duration.ofSeconds(1), () -> now, run, time -> calls.size() == 3, stopping).loop();

        assertThat(calls).hasSize(3);
        assertThat(exit).isZero();
    }

    @Test
    void aStopDuringASyncEndsTheLoopWithExitZero() {
        now = 0;
        SyncLoop.Run run = () -> {
            stopping.set(true);
            throw new InterruptedException();
        };
        assertThat(new SyncLoop(Duration.ofSeconds(1), () -> now, run, time -> false, stopping).loop()).isZero();
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(SyncLoop.text(Duration.ofMillis(750))).isEqualTo("750ms");
        assertThat(SyncLoop.text(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(SyncLoop.text(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(SyncLoop.text(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(SyncLoop.text(Duration.ofMinutes(90).plusSeconds(3))).isEqualTo("1h30m3s");
    }
}
