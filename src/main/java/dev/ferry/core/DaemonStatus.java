package dev.ferry.core;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of what the daemon is doing, served as GET /status. Holds no secret.
 *
 * @param version   Ferry's version
 * @param startedAt when the daemon started
 * @param uptimeSeconds seconds since then
 * @param ready     true once the start-up sweep has queued everything and the state store answers
 * @param paused    uploads paused by an operator
 * @param store     state store health
 * @param watcher   directory watcher health
 * @param buckets   per destination bucket, sorted by name
 * @param control   the control plane's contact with its mothership; empty when none is configured
 * @param replication each replicate: job by name (empty when none is configured)
 */
public record DaemonStatus(String version, Instant startedAt, long uptimeSeconds, boolean ready, boolean paused,
        StoreHealth store, WatcherHealth watcher, Map<String, BucketStatus> buckets, Optional<ControlStatus> control,
        Map<String, JobStatus> replication) {

    public DaemonStatus {
        replication = Map.copyOf(replication);
    }

    /** Without replication jobs. */
    public DaemonStatus(String version, Instant startedAt, long uptimeSeconds, boolean ready, boolean paused,
            StoreHealth store, WatcherHealth watcher, Map<String, BucketStatus> buckets, Optional<ControlStatus> control) {
        this(version, startedAt, uptimeSeconds, ready, paused, store, watcher, buckets, control, Map.of());
    }

    /** Without a control plane. */
    public DaemonStatus(String version, Instant startedAt, long uptimeSeconds, boolean ready, boolean paused,
            StoreHealth store, WatcherHealth watcher, Map<String, BucketStatus> buckets) {
        this(version, startedAt, uptimeSeconds, ready, paused, store, watcher, buckets, Optional.empty());
    }

    /** This snapshot with the control plane's status. */
    public DaemonStatus withControl(Optional<ControlStatus> control) {
        return new DaemonStatus(version, startedAt, uptimeSeconds, ready, paused, store, watcher, buckets, control,
                replication);
    }

    /** This snapshot with the replication jobs' status. */
    public DaemonStatus withReplication(Map<String, JobStatus> jobs) {
        return new DaemonStatus(version, startedAt, uptimeSeconds, ready, paused, store, watcher, buckets, control,
                jobs);
    }

    /**
     * One replicate: job, counted since the daemon started.
     *
     * @param source         the source's id ({@code s3://bucket/prefix})
     * @param copied         objects copied
     * @param bytes          bytes copied
     * @param failed         copies that failed after their retries (tried again by the next full sync)
     * @param deleted        objects deleted from destinations (delete: true)
     * @param unchanged      objects found already in place by the last full sync
     * @param fullSyncs      full syncs finished
     * @param running        whether a full sync runs now
     * @param lastFullSyncAt when the last full sync finished
     * @param lastError      the last failure (a copy, a listing, a refused deletion), if any; cleared when a full
     *                       sync finds every destination complete, and in event mode when the object it names is
     *                       copied or deleted after all
     * @param events         the job's event mode, when it follows an SQS queue
     * @param unreachable    an endpoint of the job (its source, a destination) that its event mode found
     *                       unreachable: messages wait for it while it is probed
     */
    public record JobStatus(String source, long copied, long bytes, long failed, long deleted, long unchanged,
            long fullSyncs, boolean running, Optional<Instant> lastFullSyncAt, Optional<String> lastError,
            Optional<EventStatus> events, Optional<Unreachable> unreachable) {

        /** A job without event mode. */
        public JobStatus(String source, long copied, long bytes, long failed, long deleted, long unchanged,
                long fullSyncs, boolean running, Optional<Instant> lastFullSyncAt, Optional<String> lastError) {
            this(source, copied, bytes, failed, deleted, unchanged, fullSyncs, running, lastFullSyncAt, lastError,
                    Optional.empty(), Optional.empty());
        }
    }

    /**
     * The SQS event mode of one job, counted since the daemon started (its copies and failures count in the job's
     * {@code copied} and {@code failed}).
     *
     * @param queue           the queue's URL
     * @param messages        messages received
     * @param acknowledged    messages handled and deleted from the queue (test events among them)
     * @param malformed       messages that are no event Ferry reads (left to the queue's dead-letter policy)
     * @param skipped         copies and deletions skipped because a destination already held a newer event's
     *                        object (S3's sequencer), the source no longer (or, for a removal, still) held the object, the
     *                        destination held this content already, or the event was not of the job's source
     * @param inFlight        messages received and not yet handled
     * @param receiveFailures receive calls that failed (the queue unreachable, refused credentials)
     * @param waiting         messages waiting on the queue (SQS's ApproximateNumberOfMessages, read every 20 s;
     *                        empty until read or when it cannot be read)
     */
    public record EventStatus(String queue, long messages, long acknowledged, long malformed, long skipped,
            int inFlight, long receiveFailures, Optional<Long> waiting) {
    }

    /**
     * @param mothership  the URL Ferry phones home to (it holds no secret: the token goes in a header)
     * @param state       the state the mothership last gave ("configured": uploads run), or "none" before any
     * @param uploading   whether that state lets uploads run
     * @param lastContact when the mothership last answered
     * @param lastError   why the last request failed, when it did (cleared by the next answer)
     * @param failures    requests failed in a row
     */
    public record ControlStatus(String mothership, String state, boolean uploading, Optional<Instant> lastContact,
            Optional<String> lastError, int failures) {
    }

    /**
     * @param kind          "sqlite" or "mongodb"
     * @param location      where it is (file path, or MongoDB hosts and database without credentials)
     * @param reachable     whether the last write or check succeeded (false also while it answers but refuses
     *                      writes: a full disk, a read-only file)
     * @param pendingWrites records waiting to be written (they catch up when the store returns)
     * @param lastError     the last error talking to it, if any since it last answered
     * @param instance      this daemon's instance id: the source of its records in the store
     * @param notice        what happened to the store since start that an operator should know (its SQLite file
     *                      deleted while Ferry ran, and written again), if anything did
     */
    public record StoreHealth(String kind, String location, boolean reachable, int pendingWrites,
            Optional<String> lastError, String instance, Optional<String> notice) {

        public StoreHealth(String kind, String location, boolean reachable, int pendingWrites,
                Optional<String> lastError, String instance) {
            this(kind, location, reachable, pendingWrites, lastError, instance, Optional.empty());
        }

        /** Health of a store whose instance is not shown (tests of other parts). */
        public StoreHealth(String kind, String location, boolean reachable, int pendingWrites,
                Optional<String> lastError) {
            this(kind, location, reachable, pendingWrites, lastError, "");
        }
    }

    /**
     * @param root        the watched folder
     * @param mode        "native" (inotify / WatchService) or "polling"
     * @param state       "watching" (the whole tree natively), "polling" (configured), "partial" (some folders
     *                    cannot be watched: polling too), "failed" (native watching failed: polling) or
     *                    "root-missing" (the watched folder is gone: nothing is read or deleted until it is back)
     * @param healthy     false when the watcher failed and only sweeps find changes
     * @param rescans     rescans triggered by watcher errors or overflow since start
     * @param lastSweepAt when the last full sweep finished
     * @param lastError   the last watcher error
     */
    public record WatcherHealth(String root, String mode, String state, boolean healthy, long rescans,
            Optional<Instant> lastSweepAt, Optional<String> lastError) {

        /** The same with {@code error} as its last error, where it has none of its own. */
        public WatcherHealth orLastError(Optional<String> error) {
            return lastError.isPresent() || error.isEmpty() ? this
                    : new WatcherHealth(root, mode, state, healthy, rescans, lastSweepAt, error);
        }

        /** The state follows from mode and health: "watching", "polling" or "failed". */
        public WatcherHealth(String root, String mode, boolean healthy, long rescans, Optional<Instant> lastSweepAt,
                Optional<String> lastError) {
            this(root, mode, !healthy ? "failed" : mode.equals("native") ? "watching" : "polling", healthy, rescans,
                    lastSweepAt, lastError);
        }
    }

    /**
     * @param queued    files waiting (settling, ready, or backing off after a failure)
     * @param inFlight  uploads under way
     * @param uploaded  files uploaded since start
     * @param bytes     bytes uploaded since start
     * @param failed    files whose latest attempt failed and which are not yet uploaded
     * @param problem   a problem with the bucket itself (invalid name, cannot be created), if any
     * @param lastError the latest failure in this bucket
     * @param unreachable the S3 endpoint of this bucket does not answer: its uploads wait while it is probed
     */
    public record BucketStatus(int queued, int inFlight, long uploaded, long bytes, long failed,
            Optional<String> problem, Optional<LastError> lastError, Optional<Unreachable> unreachable) {

        public BucketStatus(int queued, int inFlight, long uploaded, long bytes, long failed, Optional<String> problem,
                Optional<LastError> lastError) {
            this(queued, inFlight, uploaded, bytes, failed, problem, lastError, Optional.empty());
        }
    }

    /**
     * An outage of an S3 endpoint, shared by every bucket that uses it.
     *
     * @param endpoint  the endpoint (its URL without credentials, or the AWS region's)
     * @param since     when an upload first found it unreachable
     * @param reason    why, as the failure that started the outage (or the last probe) said
     * @param probes    probes that failed since then
     * @param lastProbe when it was last probed, if it was
     * @param nextProbe when it is probed next
     */
    public record Unreachable(String endpoint, Instant since, String reason, int probes, Optional<Instant> lastProbe,
            Instant nextProbe) {
    }

    /** One failure: which file, why, when. */
    public record LastError(String path, String reason, Instant at) {
    }
}
