package dev.ferry.sweep;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one reconciliation of a site found and did.
 *
 * @param files          local files considered (excluded ones not counted)
 * @param missing        files with no object (to upload: "added")
 * @param changed        files whose object differs ("updated")
 * @param unchanged      files the state store already knew were uploaded
 * @param confirmed      files found already in S3 by comparison, not yet in the state store ("skipped")
 * @param ignored        files excluded or rejected
 * @param extra          objects without a local file
 * @param deleted        objects handed to the sink to delete (retire_deleted): the engine's lanes delete them, and
 *                       their outcomes come as every write's do
 * @param deleteRefused  why planned deletions were not made (the guard tripped), if they were not
 * @param markers        marker objects written
 * @param unreadable     folders that could not be listed, with the reason: their files were not compared
 * @param took           wall time
 */
public record ReconcileReport(long files, long missing, long changed, long unchanged, long confirmed, long ignored,
        long extra, long deleted, Optional<String> deleteRefused, long markers,
        List<String> unreadable, Duration took) {
}
