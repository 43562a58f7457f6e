package dev.ferry.bench;

import java.util.Arrays;
import java.util.Collection;

/** Medians and percentiles (nearest rank) of measured values; NaN for none. */
final class Stats {
    private Stats() {
    }

    static double median(Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The smallest value with at least {@code p} percent of the values at or below it. */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return -1;
        }
        long[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }
}
