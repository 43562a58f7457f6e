package dev.ferry.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a configuration in seed 004's key=value form ({@code config.txt}) runs when no command is given: one
 * sync, then exit with its exit code ({@code sync_interval} not set, or 0), or a sync every {@code interval},
 * never two at once. A YAML configuration has none: it runs the daemon.
 *
 * @param interval time between the starts of two syncs; empty for one sync
 * @param from     where the interval was set ("config.txt line 6"), or "" when it was not
 */
public record SyncSchedule(Optional<Duration> interval, String from) {
    public SyncSchedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(from, "from");
        if (interval.isPresent() && (interval.get().isZero() || interval.get().isNegative())) {
            throw new IllegalArgumentException("interval must be positive: " + interval.get());
        }
    }

    /** One sync, then exit. */
    public static SyncSchedule once() {
        return new SyncSchedule(Optional.empty(), "");
    }

    /** Whether syncs repeat. */
    public boolean periodic() {
        return interval.isPresent();
    }
}
