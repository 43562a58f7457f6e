package dev.ferry.config;

import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code replicate:} (issue 14, seed 001): keep the source bucket's prefix in sync with each
 * destination's, the source prefix remapped to the destination's, by full syncs and, with {@code sqs}, by
 * S3 event notifications. Validated: at least one destination, none overlapping the source, none
 * overlapping another job's or a site's.
 *
 * @param name             short name for logs and /status
 * @param source           the bucket and prefix read
 * @param destinations     the buckets and prefixes written (at least one)
 * @param delete           mirror deletions inside each destination's prefix
 * @param maxDelete        a full sync that would delete more than this from a destination stops and reports
 * @param maxDeletePercent ... or more than this share of the destination's objects
 * @param sqs              the queue of event mode, if any
 */
public record ReplicateJob(String name, BucketLocation source, List<ReplicaDestination> destinations, boolean delete,
        int maxDelete, int maxDeletePercent, Optional<EventQueue> sqs) {

    public ReplicateJob {
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("a replicate job needs at least one destination");
        }
    }

    @Override
    public String toString() {
        return "ReplicateJob[" + name + ": " + source.url() + " -> " + String.join(", ",
                destinations.stream().map(d -> d.location().url()).toList()) + (delete ? ", delete" : "")
                + sqs.map(q -> ", sqs " + q.url()).orElse("") + "]";
    }
}
