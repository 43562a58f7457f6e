package dev.ferry.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The one guard on deletions from S3 (retire_deleted), holding a site's {@code max_delete}: a mass deletion
 * (a folder unmounted, a mistaken rm -r) must never be carried to S3.
 *
 * <ul>
 * <li>At run time, deletions one by one ({@link #allow}): at most {@code max} in any window of {@link #WINDOW}.
 * A burst beyond it trips the guard, and nothing more is deleted until the daemon restarts; the files that
 * were not deleted are reported, never lost.</li>
 * <li>A planned batch (a reconciliation's, {@link #refusal}): refused whole when it is more than {@code max}
 * objects or more than {@code maxPercent} of the objects there.</li>
 * </ul>
 */
public class DeleteGuard {
    public static final Duration WINDOW = Duration.ofMinutes(10);

    private final int max;
    private final int maxPercent;
    private final Clock clock;
    private final Deque<Instant> recent = new ArrayDeque<>();
    private boolean tripped;

    /** A guard of deletions one by one (no percentage). */
    public DeleteGuard(int max, Clock clock) {
        this(max, 100, clock);
    }

    public DeleteGuard(int max, int maxPercent, Clock clock) {
        this.max = max;
        this.maxPercent = maxPercent;
        this.clock = clock;
    }

    /** True when one more deletion is allowed now (and counts it). */
    public synchronized boolean allow() {
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

    public synchronized boolean tripped() {
        return tripped;
    }

    public int max() {
        return max;
    }

    /**
     * Why a batch of {@code planned} deletions out of {@code total} objects is refused, or empty when it may go.
     */
    public Optional<String> refusal(long planned, long total) {
        if (planned > max) {
            return Optional.of("would delete " + planned + " objects, more than max_delete " + max
                    + " (check the folder; if the deletions are meant, raise max_delete)");
        }
        long objects = Math.max(1, total);
        if (planned * 100 > (long) maxPercent * objects) {
            return Optional.of("would delete " + planned + " of " + objects + " objects, more than max_delete_percent "
                    + maxPercent + "% (check the folder; if the deletions are meant, raise max_delete_percent)");
        }
        return Optional.empty();
    }
}
