package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a fake clock: the sleeper advances the clock by what it is asked to wait. */
class BandwidthLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long RATE = 100_000;
    private static final long BURST = 10_000;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final List<Long> sleeps = new ArrayList<>();
    private final BandwidthLimiter limiter = BandwidthLimiter.create(RATE, BURST, now::get, nanos -> {
        sleeps.add(nanos);
        now.addAndGet(nanos);
    });

    private double sleptSeconds() {
        return sleeps.stream().mapToLong(Long::longValue).sum() / (double) SECOND;
    }

    @Test
    void sendingNBytesWaitsAboutNOverTheRateLessTheBurst() throws InterruptedException {
        long total = 1_000_000;
        for (long sent = 0; sent < total; sent += 4_000) {
            limiter.acquire(4_000);
        }

        // 1,000,000 bytes at 100,000 bytes/s = 10 s, of which the first 10,000 bytes (the full bucket) were free
        assertThat(sleptSeconds()).isCloseTo((total - BURST) / (double) RATE, within(0.001));
    }

    @Test
    void aQuietSpellEarnsAtMostTheBurst() throws InterruptedException {
        limiter.acquire(500_000);
        sleeps.clear();
        now.addAndGet(3_600 * SECOND);

        for (int i = 0; i < 100; i++) {
            limiter.acquire(1_000);
        }

        // an hour of silence is worth one burst, not 360 MB
        assertThat(sleptSeconds()).isCloseTo((100_000 - BURST) / (double) RATE, within(0.001));
        assertThat(sleeps.get(0)).as("first wait").isPositive();
    }

    @Test
    void timeThatPassedWhileSendingCountsTowardsTheLimit() throws InterruptedException {
        limiter.acquire(BURST);
        now.addAndGet(SECOND / 10); // the network took 0.1 s: 10,000 bytes' worth

        limiter.acquire(BURST);

        assertThat(sleeps).isEmpty();
    }

    @Test
    void aLargeRequestGoesIntoDebtThatTheNextCallerWaitsFor() throws InterruptedException {
        limiter.acquire(BURST + 50_000);
        assertThat(sleptSeconds()).isCloseTo(0.5, within(0.001));
        sleeps.clear();

        limiter.acquire(10_000);

        assertThat(sleptSeconds()).isCloseTo(0.1, within(0.001));
    }

    @Test
    void anInterruptedWaitGivesItsBytesBack() throws InterruptedException {
        AtomicLong clock = new AtomicLong();
        List<Long> waits = new ArrayList<>();
        boolean[] interrupt = {true};
        BandwidthLimiter l = BandwidthLimiter.create(RATE, BURST, clock::get, nanos -> {
            waits.add(nanos);
            if (interrupt[0]) {
                throw new InterruptedException();
            }
            clock.addAndGet(nanos);
        });
        l.acquire(BURST);
        assertThatThrownBy(() -> l.acquire(50_000)).isInstanceOf(InterruptedException.class);
        interrupt[0] = false;

        l.acquire(10_000);

        assertThat(waits).containsExactly(500_000_000L, 100_000_000L);
    }

    @Test
    void throttledStreamHandsOutEveryByteInChunksAndPaysForThem() throws IOException {
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        List<Integer> reads = new ArrayList<>();

        byte[] copy;
        try (InputStream in = new ThrottledInputStream(new ByteArrayInputStream(content), limiter)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                reads.add(n);
                out.write(buffer, 0, n);
            }
            copy = out.toByteArray();
        }

        assertThat(copy).isEqualTo(content);
        assertThat(reads).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(limiter.chunkBytes()));
        assertThat(sleptSeconds()).isCloseTo((content.length - BURST) / (double) RATE, within(0.001));
    }

    @Test
    void anInterruptWhileThrottledFailsTheReadAsInterrupted() {
        BandwidthLimiter refusing = BandwidthLimiter.create(RATE, 1, now::get, nanos -> {
            throw new InterruptedException();
        });
        InputStream in = new ThrottledInputStream(new ByteArrayInputStream(new byte[100]), refusing);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.interrupted()).as("interrupt flag restored (and cleared here)").isTrue();
    }

    @Test
    void defaultsAndLimits() {
        assertThat(BandwidthLimiter.of(10 * 1024 * 1024).burstBytes()).isEqualTo(1024 * 1024);
        assertThat(BandwidthLimiter.of(2048).burstBytes()).isEqualTo(16 * 1024);
        assertThat(BandwidthLimiter.of(2048).chunkBytes()).isEqualTo(16 * 1024);
        assertThat(BandwidthLimiter.of(100L * 1024 * 1024).chunkBytes()).isEqualTo(64 * 1024);
        assertThat(BandwidthLimiter.of(5000)).hasToString("5000 bytes/s");
        assertThatThrownBy(() -> BandwidthLimiter.of(1000))
                .hasMessage("bandwidth limit must be at least 1024 bytes/s, got 1000");
    }
}
