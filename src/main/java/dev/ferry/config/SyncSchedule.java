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
 * @param ignoredWatchPath a watch_path given beside the file (typically {@code WATCH_PATH} left in the
 *                 environment) and not run, as "WATCH_PATH (environment) /srv/drop"; the file is one site
 */
public record SyncSchedule(Optional<Duration> interval, String from, Optional<String> ignoredWatchPath) {
    public SyncSchedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(ignoredWatchPath, "ignoredWatchPath");
        if (interval.isPresent() && (interval.get().isZero() || interval.get().isNegative())) {
            throw new IllegalArgumentException("interval must be positive: " + interval.get());
        }
    }

    public SyncSchedule(Optional<Duration> interval, String from) {
        this(interval, from, Optional.empty());
    }

    /** One sync, then exit. */
    public static SyncSchedule once() {
        return new SyncSchedule(Optional.empty(), "");
    }

    /** The same schedule, noting a watch_path that was given and is not run. */
    public SyncSchedule ignoringWatchPath(String given) {
        return new SyncSchedule(interval, from, Optional.of(given));
    }

    /** Whether syncs repeat. */
    public boolean periodic() {
        return interval.isPresent();
    }
}
