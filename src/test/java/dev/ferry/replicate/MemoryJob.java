package dev.ferry.replicate;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.MemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A job "photos" over an in-memory store for full-sync tests: {@code src/srcfolder/} to {@code dst/destfolder/},
 * through the given copier, two copies at a time, one attempt each.
 */
final class MemoryJob {
    final BucketSource source;
    final JobStats stats;
    final FullSync sync;

    MemoryJob(MemoryObjectStore store, Copier copier, boolean serverSide, boolean delete) {
        this(store, store, copier, serverSide, delete);
    }

    /** The same, with the source read through {@code sourceStore} (a view of {@code store}). */
    MemoryJob(MemoryObjectStore store, dev.ferry.core.ObjectStore sourceStore, Copier copier, boolean serverSide,
            boolean delete) {
        Replica replica = new Replica(new ReplicaDestination(new BucketLocation("dst", "destfolder/", Optional.empty(),
                Optional.empty(), false, Optional.empty(), Optional.empty()), Optional.empty(), Optional.empty(),
                Optional.empty()), store, copier, serverSide);
        source = new BucketSource("src", "srcfolder/", Optional.empty(), sourceStore, (b, k, o, l) -> {
            throw new UnsupportedOperationException();
        });
        stats = new JobStats(source.id());
        sync = new FullSync("photos", source, List.of(replica), delete, 100, 100, Optional.empty(), 2,
                new FullSync.Retries(Backoff.withoutJitter(Duration.ofMillis(1), Duration.ofMillis(1)), d -> true, 1),
                Clock.systemUTC(), stats, false);
    }
}
