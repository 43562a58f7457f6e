package dev.ferry.core;

import java.time.Duration;

/**
 * Durations as a log line says them: "400 ms", "48 s" (whole seconds, rounded down), "6 min 5 s", "3 h 20 min".
 * Every line that tells how long something took or will take says it this way, never as a raw {@link Duration}.
 */
public final class Durations {
    private Durations() {
    }

    public static String text(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1_000) {
            return ms + " ms";
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
