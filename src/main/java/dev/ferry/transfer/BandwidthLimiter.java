package dev.ferry.transfer;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A process-wide upload bandwidth limit in bytes per second (rclone's {@code --bwlimit}): a token bucket that
 * every upload body stream of every {@link S3ObjectStore} given it draws from, so all sites together stay under
 * it. The bucket holds at most {@link #burstBytes()}, so after a quiet spell no more than that goes out at full
 * speed. A caller that takes more than the bucket holds goes into debt and waits it off; the next caller waits
 * for that debt too, so the long-run rate stays at the limit however many threads share it. Thread-safe; the
 * waiting happens outside the lock. Time and waiting are injected so tests run without real time.
 */
public final class BandwidthLimiter {
    /** Smallest limit accepted: below it a single read would wait for minutes. */
    public static final long MIN_BYTES_PER_SECOND = 1024;
    /** Largest share of one read: streams read at most this much before asking for it. */
    static final int MAX_CHUNK = 64 * 1024;
    private static final long NANOS = 1_000_000_000L;

    /** Waits for the given time; {@link Thread#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final long burstBytes;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    private BandwidthLimiter(long bytesPerSecond, long burstBytes, LongSupplier nanoTime, Sleeper sleeper) {
        if (bytesPerSecond < MIN_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("bandwidth limit must be at least " + MIN_BYTES_PER_SECOND
                    + " bytes/s, got " + bytesPerSecond);
        }
        if (burstBytes < 1) {
            throw new IllegalArgumentException("burst must be at least 1 byte, got " + burstBytes);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.tokens = burstBytes;
        this.last = nanoTime.getAsLong();
    }

    /** A limiter on the real clock, with a burst of a tenth of a second's worth (at least 16 KiB). */
    public static BandwidthLimiter of(long bytesPerSecond) {
        return create(bytesPerSecond, defaultBurst(bytesPerSecond), System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** A limiter with an explicit burst size, clock (nanoseconds, like {@link System#nanoTime}) and sleeper. */
    public static BandwidthLimiter create(long bytesPerSecond, long burstBytes, LongSupplier nanoTime, Sleeper sleeper) {
        return new BandwidthLimiter(bytesPerSecond, burstBytes, nanoTime, sleeper);
    }

    static long defaultBurst(long bytesPerSecond) {
        return Math.max(16 * 1024, bytesPerSecond / 10);
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The most that goes out without waiting after a quiet spell. */
    public long burstBytes() {
        return burstBytes;
    }

    /** How much a stream reads before asking for it: small enough to keep bursts near {@link #burstBytes()}. */
    int chunkBytes() {
        return (int) Math.min(MAX_CHUNK, burstBytes);
    }

    /**
     * Takes {@code bytes} from the bucket, waiting as long as the limit requires.
     *
     * @throws InterruptedException when interrupted while waiting; the bytes are then given back
     */
    public void acquire(long bytes) throws InterruptedException {
        if (bytes <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tokens = Math.min(burstBytes, tokens + (double) (now - last) * bytesPerSecond / NANOS);
            last = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS / bytesPerSecond);
        }
        if (waitNanos > 0) {
            try {
                sleeper.sleep(waitNanos);
            } catch (InterruptedException e) {
                synchronized (this) {
                    tokens += bytes;
                }
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return bytesPerSecond + " bytes/s";
    }
}
