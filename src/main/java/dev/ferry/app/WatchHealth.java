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

    WatchHealth(Path root) {
        this.root = root;
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
        return failed;
    }

    WatcherHealth snapshot(Optional<Instant> lastSweepAt) {
        return new WatcherHealth(root.toString(), failed ? "polling" : "native", !failed, rescans.get(), lastSweepAt,
                Optional.ofNullable(lastError));
    }
}
