package dev.ferry.state;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.StateStoreException;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The flusher's waits (its backoff after failures, its idle check) run against a fake time that moves on
 * instead of waiting, with a fixed jitter: the delays are checked exactly, and nothing waits for real.
 */
class WriteBufferTimingTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final StateWriter.Settings SETTINGS = new StateWriter.Settings(10, 10, Duration.ofSeconds(1),
            Duration.ofSeconds(30));

    /** Moves time on by every wait asked for; {@link #onWait} runs before the time moves. */
    private static final class FakePause implements WriteBuffer.Pause {
        long now = 1_000;
        final List<Duration> waits = new ArrayList<>();
        Runnable onWait = () -> { };

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void await(Condition condition, long nanos) {
            waits.add(Duration.ofNanos(nanos));
            onWait.run();
            now += nanos;
        }
    }

    private final FakeStateStore store = new FakeStateStore();
    private final FakePause pause = new FakePause();

    private WriteBuffer buffer(DoubleSupplier random) {
        return new WriteBuffer(store, SETTINGS, CLOCK, random, pause);
    }

    @Test
    void backoffDoublesFromMinToMaxWithJitterFromTheInjectedSource() throws Exception {
        WriteBuffer low = buffer(() -> 0.0);
        List<Duration> waited = new ArrayList<>();
        for (int failure = 1; failure <= 7; failure++) {
            low.unreachable(new StateStoreException("down"), true);
            long before = pause.now;
            low.awaitBackoff();
            waited.add(Duration.ofNanos(pause.now - before));
        }
        // the low end of the jitter: half of 1, 2, 4, 8, 16, then of the 30 s cap
        assertThat(waited).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(15));

        WriteBuffer high = buffer(() -> 0.999_999);
        for (int failure = 1; failure <= 3; failure++) {
            high.unreachable(new StateStoreException("down"), true);
        }
        long before = pause.now;
        high.awaitBackoff();
        assertThat(Duration.ofNanos(pause.now - before)).isBetween(Duration.ofMillis(3_999), Duration.ofSeconds(4));
    }

    @Test
    void aSuccessStartsTheBackoffOverAndAFlushCutsItShort() throws Exception {
        WriteBuffer b = buffer(() -> 0.0);
        for (int failure = 1; failure <= 4; failure++) {
            b.unreachable(new StateStoreException("down"), true);
        }
        b.answered();
        b.unreachable(new StateStoreException("down again"), true);
        long before = pause.now;
        b.awaitBackoff();
        assertThat(Duration.ofNanos(pause.now - before)).as("first failure of a new run").isEqualTo(
                Duration.ofMillis(500));

        b.unreachable(new StateStoreException("still down"), true);
        pause.waits.clear();
        pause.onWait = b::requestFlush; // shutdown asks for a flush while the flusher waits
        before = pause.now;
        b.awaitBackoff();
        assertThat(pause.waits).hasSize(1);
        assertThat(Duration.ofNanos(pause.now - before)).as("woken once, then no more waiting").isEqualTo(
                Duration.ofSeconds(1));
    }

    @Test
    void theLineOfTheStoreBackSaysHowLongItWasAwayAsOtherLinesDo() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-02T03:04:05Z"));
        WriteBuffer b = new WriteBuffer(store, SETTINGS, clock, () -> 0.0, pause);
        b.unreachable(new StateStoreException("down"), true);
        clock.advance(Duration.ofMillis(26_429));

        try (LogCapture logs = LogCapture.of(WriteBuffer.class.getName())) {
            b.answered();
            assertThat(logs.lines()).anyMatch(l -> l.contains("reachable again after 26 s;"))
                    .noneMatch(l -> l.contains("PT"));
        }
    }

    @Test
    void anIdleFlusherChecksTheStoreAfterTheIdleInterval() throws Exception {
        WriteBuffer b = buffer(() -> 0.0);
        assertThat(b.awaitBatch()).as("the check at start").isEmpty();
        assertThat(pause.waits).isEmpty();

        long before = pause.now;
        assertThat(b.awaitBatch()).as("idle: a check is due").isEmpty();
        assertThat(Duration.ofNanos(pause.now - before)).isEqualTo(WriteBuffer.IDLE_CHECK);
    }

    @Test
    void aRecordEndsTheIdleWaitAtOnce() throws Exception {
        WriteBuffer b = buffer(() -> 0.0);
        b.awaitBatch();
        pause.onWait = () -> b.enqueue(dev.ferry.core.FileRecord.pending(TestIds.SOURCE, "/t/photos/a.jpg", "photos", "a.jpg",
                new dev.ferry.core.FileStat(1, 1), CLOCK.instant()), null);
        List<PendingWrites.Taken> batch = b.awaitBatch();
        assertThat(batch).extracting(t -> t.record().path()).containsExactly("/t/photos/a.jpg");
        assertThat(pause.waits).hasSize(1);
    }
}
