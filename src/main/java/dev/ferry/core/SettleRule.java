package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one settle rule: something that changed less than the settle time ago may still be changing (a file being
 * written, a rewrite under way), so it is looked at again once it has been quiet that long. A change stamped in
 * the future (a clock set wrong, a file from another machine) is not waited out: it would never end. The engine
 * asks it when a sweep queues an item and when a worker takes one, for the modification time and for the inode
 * change time alike, so the two can never disagree.
 *
 * @param time how long an item must have been quiet
 */
public record SettleRule(Duration time) {

    /** When something last changed at {@code changed} is quiet; empty when it already is. */
    public Optional<Instant> quietAt(Instant changed, Instant now) {
        Instant quiet = changed.plus(time);
        return quiet.isAfter(now) && !changed.isAfter(now) ? Optional.of(quiet) : Optional.empty();
    }

    /** When an item of this version (its modification time) is quiet; empty when it already is. */
    public Optional<Instant> quietAt(FileStat version, Instant now) {
        return quietAt(Instant.ofEpochMilli(version.mtimeMillis()), now);
    }
}
