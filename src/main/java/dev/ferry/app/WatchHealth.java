package dev.ferry.app;

import dev.ferry.core.DaemonStatus.WatcherHealth;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** What the watcher has reported, for /status. */
final class WatchHealth {
    private final Path root;
    private final AtomicLong rescans = new AtomicLong();
    private volatile boolean failed;
    private volatile String lastError;

    private final boolean configuredPolling;

    WatchHealth(Path root, boolean configuredPolling) {
        this.root = root;
        this.configuredPolling = configuredPolling;
    }

    void rescan(String reason) {
        rescans.incrementAndGet();
        lastError = reason;
    }

    void failed(String reason) {
        failed = true;
        lastError = reason;
    }

    boolean polling() {
        return failed || configuredPolling;
    }

    boolean failed() {
        return failed;
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

    /** One health for all sites: polling when any polls, unhealthy when any watcher failed. */
    static WatcherHealth combine(java.util.List<WatchHealth> all, Optional<Instant> lastSweepAt) {
        String roots = String.join(", ", all.stream().map(h -> h.root.toString()).toList());
        boolean anyPolling = all.stream().anyMatch(WatchHealth::polling);
        boolean healthy = all.stream().noneMatch(WatchHealth::failed);
        long rescans = all.stream().mapToLong(WatchHealth::rescans).sum();
        Optional<String> error = all.stream().map(WatchHealth::lastError).flatMap(Optional::stream).findFirst();
        return new WatcherHealth(roots, anyPolling ? "polling" : "native", healthy, rescans, lastSweepAt, error);
    }
}
