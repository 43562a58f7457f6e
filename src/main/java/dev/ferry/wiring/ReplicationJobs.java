package dev.ferry.wiring;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.EventQueue;
import dev.ferry.config.Secret;
import dev.ferry.replicate.EventFollower;
import dev.ferry.sqs.SqsEventQueue;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.config.ReplicateJob;
import dev.ferry.core.RecordKeeper;
import dev.ferry.replicate.BucketSource;
import dev.ferry.replicate.Copier;
import dev.ferry.replicate.FullSync;
import dev.ferry.replicate.JobStats;
import dev.ferry.replicate.Replica;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.BandwidthLimiter;
import dev.ferry.transfer.S3Settings;
import dev.ferry.transfer.ServerSideCopier;
import dev.ferry.transfer.StreamingCopier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the full sync of each {@code replicate:} job from the configuration: the source bucket's store and
 * {@link BucketSource}, and for each destination its store and copier, server-side when the source's credentials,
 * endpoint and region are the destination's ({@link #serverSide}), streamed otherwise; for the daemon also the
 * {@link EventFollower} of each job with {@code sqs:}, sharing the job's stores, copiers and counters (each follower
 * owns its SQS client). Every client opened, and each follower, is added to {@code opened} for the caller to close.
 */
public final class ReplicationJobs {
    private ReplicationJobs() {
    }

    /** What the daemon runs of the replicate: jobs: every job's full sync, and the event mode of those with sqs:. */
    public record Jobs(List<FullSync> syncs, List<EventFollower> followers) {
        public Jobs {
            syncs = List.copyOf(syncs);
            followers = List.copyOf(followers);
        }
    }

    /** The full syncs of every job (one-shot runs: {@code ferry sync}, {@code ferry verify}). */
    public static List<FullSync> build(FerryConfig config, Optional<RecordKeeper> records, FullSync.Retries retries,
            Clock clock, List<AutoCloseable> opened) {
        return build(config, records, retries, clock, opened, false, Components.bandwidthLimit(config)).syncs();
    }

    /** The full syncs of every job and, for each job with {@code sqs:}, its {@link EventFollower} (not started). */
    public static Jobs daemon(FerryConfig config, Optional<RecordKeeper> records, FullSync.Retries retries,
            Clock clock, List<AutoCloseable> opened, Optional<BandwidthLimiter> limit) {
        return build(config, records, retries, clock, opened, true, limit);
    }

    /**
     * The jobs; {@code limit} is the process's upload bandwidth limit (bwlimit), shared with the sites' uploads, which
     * the PUTs of streamed copies draw from (a server-side copy sends no bytes from this machine).
     */
    private static Jobs build(FerryConfig config, Optional<RecordKeeper> records, FullSync.Retries retries,
            Clock clock, List<AutoCloseable> opened, boolean events, Optional<BandwidthLimiter> limit) {
        List<FullSync> syncs = new ArrayList<>();
        List<EventFollower> followers = new ArrayList<>();
        for (ReplicateJob job : config.replicate()) {
            BucketLocation from = job.source();
            S3Settings sourceSettings = settings(config, from);
            S3ObjectStore sourceStore = S3ObjectStore.create(sourceSettings);
            opened.add(sourceStore);
            BucketSource source = new BucketSource(from.bucket(), from.prefix(), from.endpoint(), sourceStore,
                    sourceStore::openRange);
            ServerSideCopier serverSide = null;
            List<Replica> replicas = new ArrayList<>();
            for (ReplicaDestination d : job.destinations()) {
                S3Settings destinationSettings = settings(config, d.location());
                S3ObjectStore store = S3ObjectStore.create(destinationSettings);
                opened.add(store);
                boolean sameAccount = serverSide(from, d.location());
                Copier copier;
                if (sameAccount) {
                    if (serverSide == null) {
                        serverSide = ServerSideCopier.create(sourceSettings);
                        opened.add(serverSide);
                    }
                    copier = serverSide::copy;
                } else {
                    StreamingCopier streaming = StreamingCopier.create(sourceSettings,
                            settings(config, d.location(), limit));
                    opened.add(streaming);
                    copier = streaming::copy;
                }
                replicas.add(new Replica(d, store, copier, sameAccount));
            }
            JobStats stats = new JobStats(source.id());
            syncs.add(new FullSync(job.name(), source, replicas, job.delete(), job.maxDelete(),
                    job.maxDeletePercent(), records, config.concurrency(), retries, clock, stats, job.sqs().isPresent()));
            if (events && job.sqs().isPresent()) {
                EventQueue q = job.sqs().get();
                SqsEventQueue queue = SqsEventQueue.create(q.url(), q.region(), q.endpoint(), q.accessKey(),
                        q.secretAccessKey().map(Secret::reveal));
                EventFollower follower = new EventFollower(job.name(), queue, source, replicas, job.delete(),
                        job.maxDelete(), records, config.concurrency(), clock, stats, q.waitTime(), q.visibilityTimeout());
                opened.add(follower); // closes its SQS client (again, harmless, after the runner closed it)
                followers.add(follower);
            }
        }
        return new Jobs(syncs, followers);
    }

    /**
     * Whether copies from {@code from} to {@code to} can stay on the server: one endpoint, one set of keys, and one
     * region (a client signs for one region and AWS redirects a request for a bucket of another, so a copy across
     * regions streams, each side through a client of its own region).
     */
    static boolean serverSide(BucketLocation from, BucketLocation to) {
        return from.sameAccount(to) && from.region().equals(to.region());
    }

    private static S3Settings settings(FerryConfig config, BucketLocation l) {
        return settings(config, l, Optional.empty());
    }

    private static S3Settings settings(FerryConfig config, BucketLocation l, Optional<BandwidthLimiter> limit) {
        return Components.s3Settings(config, l.endpoint(), l.region(), l.pathStyle(), l.accessKey(),
                l.secretAccessKey(), false, limit);
    }
}
