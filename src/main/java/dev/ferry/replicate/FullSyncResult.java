package dev.ferry.replicate;

import java.util.List;

/**
 * What one full sync of a job did, per destination: enough for {@code ferry sync}'s report and exit code.
 *
 * @param job          the job's name
 * @param destinations one entry per destination, in the job's order
 */
public record FullSyncResult(String job, List<Destination> destinations) {
    public FullSyncResult {
        destinations = List.copyOf(destinations);
    }

    /**
     * @param url       the destination, {@code s3://bucket/prefix}
     * @param copied    objects copied
     * @param bytes     bytes copied
     * @param unchanged objects already in place
     * @param deleted   objects deleted (delete: true)
     * @param failures  one line per object not copied, or the listing that failed, or the deletions refused
     * @param compared  false when a listing failed: the destination was not (wholly) compared with the source, and
     *                  one of {@code failures} says why
     */
    public record Destination(String url, long copied, long bytes, long unchanged, long deleted,
            List<String> failures, boolean compared) {
        public Destination {
            failures = List.copyOf(failures);
        }

        /** The objects that failed: the failure lines but the one of a listing that failed. */
        public long failedObjects() {
            return failures.size() - (compared ? 0 : 1);
        }
    }

    /** Whether every destination holds every source object (nothing failed, nothing refused). */
    public boolean complete() {
        return destinations.stream().allMatch(d -> d.failures().isEmpty());
    }
}
