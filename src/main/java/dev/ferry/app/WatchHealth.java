package dev.ferry.app;

import dev.ferry.core.DaemonStatus.WatcherHealth;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** What the watcher of one site has reported, for /status. */
final class WatchHealth {

    /** How changes of the site are found, from the best to the worst; {@code name} is the /status value. */
    enum State {
        /** Native watching of the whole tree. */
        WATCHING("watching", "native", true),
        /** Polling configured (watch_interval). */
        POLLING("polling", "polling", true),
        /** Some folders cannot be watched: the whole tree is polled as well. */
        PARTIAL("partial", "polling", false),
        /** Native watching failed or stopped (the inotify watch limit at start, an error): polling. */
        FAILED("failed", "polling", false),
        /** The watched folder is missing: nothing is read from it until it is back. */
        ROOT_MISSING("root-missing", "polling", false);

        final String value;
        final String mode;
        final boolean healthy;

        State(String value, String mode, boolean healthy) {
            this.value = value;
            this.mode = mode;
            this.healthy = healthy;
        }
    }

    private final Path root;
    private final AtomicLong rescans = new AtomicLong();
    private final boolean configuredPolling;
    private volatile State state;
    private volatile String lastError;
    /** The error of the last rescan, and when it came ({@link System#nanoTime}), until a full sweep after it. */
    private volatile String rescanError;
    private volatile long rescanAt;

    WatchHealth(Path root, boolean configuredPolling) {
        this.root = root;
        this.configuredPolling = configuredPolling;
        this.state = configuredPolling ? State.POLLING : State.WATCHING;
    }

    void rescan(String reason) {
        rescans.incrementAndGet();
        lastError = reason;
        rescanError = reason;
        rescanAt = System.nanoTime();
    }

    /**
     * A full sweep ended that started after the last rescan's error (it took {@code took}): the changes that error
     * may have lost are found, so while nothing else went wrong since, it no longer stands (the log keeps it).
     */
    void sweptAfter(java.time.Duration took) {
        String error = rescanError;
        if (error != null && rescanAt - (System.nanoTime() - took.toNanos()) < 0) {
            rescanError = null;
            if (error.equals(lastError)) {
                lastError = null;
            }
        }
    }

    /**
     * The tree is watched (or polled, as configured) as it should be: what kept it from that is over, so its error
     * no longer stands either (the log keeps it).
     */
    void watching() {
        state = configuredPolling ? State.POLLING : State.WATCHING;
        lastError = null;
    }

    /** Part of the tree cannot be watched; unless the watcher failed as a whole, the state is partial. */
    void partial(String reason) {
        lastError = reason;
        if (state == State.WATCHING) {
            state = State.PARTIAL;
        }
    }

    void failed(String reason) {
        lastError = reason;
        if (state != State.ROOT_MISSING) {
            state = State.FAILED;
        }
    }

    void rootMissing(String reason) {
        lastError = reason;
        state = State.ROOT_MISSING;
    }

    State state() {
        return state;
    }

    /** Whether polling sweeps are due: configured, or native watching does not cover the tree. */
    boolean polling() {
        State s = state;
        return s == State.POLLING || s == State.PARTIAL || s == State.FAILED;
    }

    long rescans() {
        return rescans.get();
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    Path root() {
        return root;
    }

    /** Mode and state of a daemon that watches no folder (replicate: jobs alone). */
    static final String NONE = "none";

    /**
     * One health for all sites (mode and state {@value #NONE} when there is none): polling when any polls,
     * unhealthy when any is, the state of the worst site and
     * its last error (else the first site's that has one).
     */
    static WatcherHealth combine(List<WatchHealth> all, Optional<Instant> lastSweepAt) {
        if (all.isEmpty()) { // replicate: jobs alone: no folder is watched, which is no failure
            return new WatcherHealth("", NONE, NONE, true, 0, lastSweepAt, Optional.empty());
        }
        // sites that share a folder name it once
        String roots = String.join(", ", all.stream().map(h -> h.root.toString()).distinct().toList());
        List<State> states = all.stream().map(WatchHealth::state).toList();
        boolean anyPolling = states.stream().anyMatch(s -> s.mode.equals("polling"));
        boolean healthy = states.stream().allMatch(s -> s.healthy);
        long rescans = all.stream().mapToLong(WatchHealth::rescans).sum();
        Optional<WatchHealth> worst = all.stream().max(Comparator.comparing(WatchHealth::state));
        Optional<String> error = worst.filter(h -> !h.state().healthy).flatMap(WatchHealth::lastError)
                .or(() -> all.stream().map(WatchHealth::lastError).flatMap(Optional::stream).findFirst());
        return new WatcherHealth(roots, anyPolling ? "polling" : "native",
                worst.map(h -> h.state().value).orElse(State.WATCHING.value), healthy, rescans, lastSweepAt, error);
    }
}
