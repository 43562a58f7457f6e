package dev.ferry.engine;

import dev.ferry.core.DaemonStatus.LastError;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one bucket since start. Thread-safe, never blocks. */
final class BucketStats {
    final LongAdder uploaded = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder failures = new LongAdder();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicReference<LastError> lastError = new AtomicReference<>();
    private final AtomicReference<String> problem = new AtomicReference<>();

    void succeeded(String path) {
        failing.remove(path);
    }

    void failed(String path, String reason, Instant at) {
        failures.increment();
        failing.add(path);
        lastError.set(new LastError(path, reason, at));
    }

    /** A file that keeps failing the same way (rejected at every sweep): counted once while it fails. */
    void failing(String path, String reason, Instant at) {
        if (failing.add(path)) {
            failures.increment();
            lastError.set(new LastError(path, reason, at));
        }
    }

    long failingNow() {
        return failing.size();
    }

    Optional<LastError> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    void problem(String text) {
        problem.set(text);
    }

    Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }
}
