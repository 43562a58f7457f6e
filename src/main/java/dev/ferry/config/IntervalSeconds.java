package dev.ferry.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Seed 001's {@code fullsync.interval}: a plain number is seconds (as s3sync read it), a number with a unit
 * is read as other durations are ({@code 15m}, {@code 1h}); {@code 0} turns the periodic run off (a full
 * sync only at start-up). Parses to {@code Optional<Duration>}, empty for off.
 */
record IntervalSeconds(Duration max) implements ValueType {
    @Override
    public Object parse(String text, ParseContext ctx) throws BadValue {
        Duration d = AgeSeconds.parse(text, max, "only at start-up");
        if (!d.isZero() && d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new BadValue("must be at least 1s (0: only at start-up)");
        }
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    @Override
    public String label() {
        return "<seconds>";
    }

    @Override
    public String display(Object value) {
        return ((Optional<?>) value).map(d -> Units.formatDuration((Duration) d)).orElse("0 (only at start-up)");
    }
}
