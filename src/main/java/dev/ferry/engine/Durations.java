package dev.ferry.engine;

import java.time.Duration;
import java.util.Locale;

/** Durations as a log line says them: "400 ms", "2.5 s", "48 s", "6 min 5 s", "3 h 20 min". */
final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 7_200) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
