package dev.ferry.replicate;

import dev.ferry.core.DaemonStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one replication job did since the daemon started, for /status: written by the copy threads, read by the
 * status server, so every counter is atomic and the snapshot never blocks.
 */
public final class JobStats {
    private final String source;
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong fullSyncs = new AtomicLong();
    private volatile boolean running;
    private volatile Instant lastFullSyncAt;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    /** The job's event mode, set once when it follows a queue. */
    private volatile EventStats events;
    /** The endpoint the job's event mode waits for, if any ({@link Outages}). */
    private volatile java.util.function.Supplier<Optional<DaemonStatus.Unreachable>> unreachable = Optional::empty;

    public JobStats(String source) {
        this.source = source;
    }

    void copied(long size) {
        copied.incrementAndGet();
        bytes.addAndGet(size);
    }

    void failed(String reason) {
        failed.incrementAndGet();
        lastError.set(reason);
    }

    void error(String reason) {
        lastError.set(reason);
    }

    /** The last error as /status shows it, if any. */
    String lastError() {
        return lastError.get();
    }

    /**
     * Clears the last error if it is still the one {@link #error} was given as {@code reason} (that very string):
     * what failed works again, and nothing else failed since.
     */
    void clearError(String reason) {
        lastError.compareAndSet(reason, null);
    }

    /**
     * {@code url} (an object of the source or a destination) was copied or deleted as its event asked: a last error
     * about it ({@code "s3://bucket/key: why"}, as {@link #failed} was given) no longer describes the job, so it is
     * cleared, unless another failure superseded it meanwhile. A failure whose object never settles (its message went
     * to the dead-letter queue) stays until a full sync finds every destination complete.
     */
    void settled(String url) {
        lastError.updateAndGet(e -> e != null && e.startsWith(url + ": ") ? null : e);
    }

    /** A full sync found every destination complete: the last error no longer describes the job. */
    void clearError() {
        lastError.set(null);
    }

    void deleted(long n) {
        deleted.addAndGet(n);
    }

    void started() {
        running = true;
        unchanged.set(0);
    }

    void unchanged() {
        unchanged.incrementAndGet();
    }

    void finished(Instant at) {
        running = false;
        lastFullSyncAt = at;
        fullSyncs.incrementAndGet();
    }

    /** This job follows {@code queue}: its counters show in the snapshot from now on. */
    EventStats following(String queue) {
        events = new EventStats(queue);
        return events;
    }

    /** Where /status reads the endpoint the job's event mode waits for. */
    void unreachable(java.util.function.Supplier<Optional<DaemonStatus.Unreachable>> outage) {
        unreachable = outage;
    }

    public DaemonStatus.JobStatus snapshot() {
        EventStats e = events;
        return new DaemonStatus.JobStatus(source, copied.get(), bytes.get(), failed.get(), deleted.get(),
                unchanged.get(), fullSyncs.get(), running, Optional.ofNullable(lastFullSyncAt),
                Optional.ofNullable(lastError.get()), Optional.ofNullable(e).map(EventStats::snapshot),
                unreachable.get());
    }
}
