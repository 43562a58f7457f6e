package dev.ferry.http;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.DaemonStatus.BucketStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The last few minutes of per-bucket counts, for the status page's throughput: a ring of samples taken by
 * the daemon every {@link #interval()}, the oldest dropped beyond {@code capacity}. Each sample carries the
 * upload rate since the sample before it. Holds counts only, nothing secret. Thread-safe.
 */
public final class StatusHistory {
    /** Every 5 s for 15 minutes. */
    public static final Duration STANDARD_INTERVAL = Duration.ofSeconds(5);
    public static final int STANDARD_CAPACITY = 180;

    /** One bucket at one moment, with its rates since the previous sample (0 for the first). */
    record BucketSample(int queued, int inFlight, long uploaded, long bytes, long failed, double filesPerSecond,
            double bytesPerSecond) {
    }

    /** Every bucket at one moment. */
    record Sample(Instant at, Map<String, BucketSample> buckets) {
    }

    private final Duration interval;
    private final int capacity;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public StatusHistory(Duration interval, int capacity) {
        if (interval.isNegative() || interval.isZero() || capacity < 1) {
            throw new IllegalArgumentException("history needs a positive interval and capacity, got " + interval
                    + " and " + capacity);
        }
        this.interval = interval;
        this.capacity = capacity;
    }

    public static StatusHistory standard() {
        return new StatusHistory(STANDARD_INTERVAL, STANDARD_CAPACITY);
    }

    /** How often the daemon is meant to call {@link #record}. */
    public Duration interval() {
        return interval;
    }

    /** Adds a sample of {@code status} taken at {@code at}; a sample not after the last one is ignored. */
    public synchronized void record(Instant at, DaemonStatus status) {
        Objects.requireNonNull(at, "at");
        Sample previous = samples.peekLast();
        if (previous != null && !at.isAfter(previous.at())) {
            return;
        }
        double seconds = previous == null ? 0 : Duration.between(previous.at(), at).toMillis() / 1000.0;
        Map<String, BucketSample> buckets = new TreeMap<>();
        status.buckets().forEach((name, b) -> {
            BucketSample before = previous == null ? null : previous.buckets().get(name);
            buckets.put(name, sample(b, before, seconds));
        });
        samples.addLast(new Sample(at, Collections.unmodifiableMap(buckets)));
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    private static BucketSample sample(BucketStatus now, BucketSample before, double seconds) {
        double files = 0;
        double bytes = 0;
        if (seconds > 0) {
            files = Math.max(0, now.uploaded() - (before == null ? 0 : before.uploaded())) / seconds;
            bytes = Math.max(0, now.bytes() - (before == null ? 0 : before.bytes())) / seconds;
        }
        return new BucketSample(now.queued(), now.inFlight(), now.uploaded(), now.bytes(), now.failed(), files, bytes);
    }

    /** The samples, oldest first. */
    synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }
}
