package dev.ferry.metrics;

import java.time.Duration;

/**
 * Histogram buckets of the timers, in seconds. Fixed buckets (rather than Micrometer's percentile
 * histogram of about 70) keep each timer to a dozen series per bucket label.
 */
final class Histograms {
    /** Change seen to object uploaded: includes the settle time (2 s by default), waiting and retries. */
    static final Duration[] LATENCY = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600);
    /** The transfer alone (single PUT or multipart upload). */
    static final Duration[] TRANSFER = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
    /** A full sweep: milliseconds for a small tree, an hour for tens of millions of files. */
    static final Duration[] SWEEP = seconds(0.01, 0.1, 1, 10, 60, 300, 900, 3600);

    private Histograms() {
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
