package dev.ferry.sweep;

import java.time.Duration;

/**
 * What one sweep did.
 *
 * @param files       regular files seen (not counting skipped temporary files)
 * @param queued      files handed over for upload
 * @param rejected    files recorded as ignored or failed
 * @param unreadable  directories or files the walk could not read (logged)
 * @param took        wall time
 * @param complete    false when the sweep was cancelled before it finished
 */
public record SweepResult(long files, long queued, long rejected, long unreadable, Duration took, boolean complete) {
}
