package dev.ferry.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Caps deletions made at run time for one site (retire_deleted): at most {@code max} in any window of
 * {@link #WINDOW}. A burst beyond it (a folder unmounted, a mistaken rm -r) trips the guard, and nothing
 * more is deleted until the daemon restarts; the files that were not deleted are reported, never lost.
 */
final class DeleteGuard {
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final int max;
    private final Clock clock;
    private final Deque<Instant> recent = new ArrayDeque<>();
    private boolean tripped;

    DeleteGuard(int max, Clock clock) {
        this.max = max;
        this.clock = clock;
    }

    /** True when one more deletion is allowed now (and counts it). */
    synchronized boolean allow() {
        if (tripped) {
            return false;
        }
        Instant now = clock.instant();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(WINDOW))) {
            recent.removeFirst();
        }
        if (recent.size() >= max) {
            tripped = true;
            return false;
        }
        recent.addLast(now);
        return true;
    }

    synchronized boolean tripped() {
        return tripped;
    }

    int max() {
        return max;
    }
}
