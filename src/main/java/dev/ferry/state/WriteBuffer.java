package dev.ferry.state;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.Durations;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import dev.ferry.queue.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state that {@link StateWriter} and its {@link Flusher} share: the pending records, whether the store
 * is reachable, the counters, and the condition the flusher waits on. Every method holds the lock briefly
 * and does no I/O; futures are completed and lines logged after the lock is released.
 */
final class WriteBuffer {

    private static final Logger log = LoggerFactory.getLogger(WriteBuffer.class);
    /** How often an idle flusher checks that the store still takes writes (a read-only remount, say). */
    static final Duration IDLE_CHECK = Duration.ofSeconds(30);

    /**
     * The flusher's time: a monotonic reading and a wait on the buffer's condition (the caller holds its lock).
     * Passed in, so a test can run the waits against a fake that moves time on instead of waiting.
     */
    interface Pause {
        long nanoTime();

        /** Waits at most {@code nanos} for a signal; may return early (the caller checks again). */
        void await(Condition condition, long nanos) throws InterruptedException;

        Pause SYSTEM = new Pause() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void await(Condition condition, long nanos) throws InterruptedException {
                condition.await(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    private final StateStore store;
    private final StateWriter.Settings settings;
    private final Clock clock;
    private final Backoff backoff;
    private final Pause pause;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();

    // All guarded by lock.
    private final PendingWrites pending;
    private boolean closed;
    private boolean idle;
    private boolean flushRequested;
    /** The flusher checks the store at once (at start, and after {@link #IDLE_CHECK} idle). */
    private boolean checkDue = true;
    /** The last write or ping succeeded. */
    private boolean reachable = true;
    /** The last ping or read failed: reads of paths not pending fail at once instead of timing out. */
    private boolean unanswered;
    private String lastError;
    private int failures;
    private Instant outageSince;
    private long droppedBeforeOutage;
    private boolean dropWarned;
    private long submitted;
    private long coalesced;
    private long written;
    private long failedWrites;
    private long dropped;
    private long droppedUploaded;
    private long rejected;

    WriteBuffer(StateStore store, StateWriter.Settings settings, Clock clock) {
        this(store, settings, clock, Math::random, Pause.SYSTEM);
    }

    /** @param random the backoff's jitter source, uniform in [0, 1) */
    WriteBuffer(StateStore store, StateWriter.Settings settings, Clock clock, DoubleSupplier random, Pause pause) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff(), random);
        this.pause = pause;
        this.pending = new PendingWrites(settings.capacity());
    }

    // ---- callers' side ----

    /** Queues a record (future may be null); applies the capacity policy. Never blocks on I/O, never throws. */
    void enqueue(FileRecord record, CompletableFuture<Void> future) {
        PendingWrites.Added added;
        boolean warn = false;
        boolean storeReachable;
        lock.lock();
        try {
            if (closed) {
                if (future != null) {
                    future.completeExceptionally(new StateStoreException(record.path() + ": state writer is closed"));
                }
                return;
            }
            submitted++;
            added = pending.add(record, future);
            if (added.coalesced()) {
                coalesced++;
            }
            if (added.dropped().isPresent()) {
                dropped++;
                if (added.dropped().get().record.status() == FileStatus.UPLOADED) {
                    droppedUploaded++;
                }
                warn = !dropWarned;
                dropWarned = true;
            }
            storeReachable = reachable;
            if (idle) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (added.dropped().isPresent()) {
            PendingWrites.Entry victim = added.dropped().get();
            if (warn) {
                log.warn("{}: state write buffer full ({} records, the store {}): dropping the oldest records that"
                        + " are not UPLOADED (the next sweep finds their files again), else refusing new ones;"
                        + " first: {} ({})", describeStore(), settings.capacity(),
                        storeReachable ? "writes too slowly" : "is unreachable", victim.record.path(), victim.record.status());
            }
            StateStoreException why = new StateStoreException(victim.record.path()
                    + ": state record dropped: write buffer full (" + settings.capacity() + " records)");
            victim.futures.forEach(f -> f.completeExceptionally(why));
        }
    }

    /**
     * Puts the pending records among {@code ids} into {@code found} and the other ids into
     * {@code missing}; throws when some are missing and the store is known to be unreachable.
     */
    void pendingAmong(Collection<RecordId> ids, Map<RecordId, FileRecord> found, List<RecordId> missing) {
        lock.lock();
        try {
            for (RecordId id : ids) {
                pending.get(id).ifPresentOrElse(r -> found.put(id, r), () -> missing.add(id));
            }
            if (!missing.isEmpty() && unanswered) {
                throw new StateStoreException(describeStore() + ": unreachable since " + outageSince + " ("
                        + pending.size() + " writes pending): " + lastError);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The pending records of one item of one source, any destination. */
    List<FileRecord> pendingOf(String source, String item) {
        lock.lock();
        try {
            return pending.matching(r -> r.source().equals(source) && r.path().equals(item));
        } finally {
            lock.unlock();
        }
    }

    /** Adds stored records to {@code found}, unless a record with the same id was submitted meanwhile. */
    void overlay(Map<RecordId, FileRecord> stored, Map<RecordId, FileRecord> found) {
        lock.lock();
        try {
            stored.forEach((id, r) -> found.put(id, pending.get(id).orElse(r)));
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the flusher for an immediate attempt and returns a future per pending path. */
    List<CompletableFuture<Void>> requestFlush() {
        lock.lock();
        try {
            flushRequested = true;
            wake.signalAll();
            return pending.watchAll();
        } finally {
            lock.unlock();
        }
    }

    /** Tells the flusher to stop; false when already closed. */
    boolean close() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            wake.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Empties the buffer and returns the futures that were waiting (after {@link #close()}). */
    List<CompletableFuture<Void>> clear() {
        lock.lock();
        try {
            return pending.clear();
        } finally {
            lock.unlock();
        }
    }

    boolean reachable() {
        lock.lock();
        try {
            return reachable;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    Optional<String> lastError() {
        lock.lock();
        try {
            return Optional.ofNullable(lastError);
        } finally {
            lock.unlock();
        }
    }

    StateWriter.Counters counters() {
        lock.lock();
        try {
            return new StateWriter.Counters(submitted, coalesced, written, failedWrites, dropped, droppedUploaded,
                    rejected);
        } finally {
            lock.unlock();
        }
    }

    DaemonStatus.StoreHealth health() {
        lock.lock();
        try {
            return new DaemonStatus.StoreHealth(store.kind(), store.location(), reachable, pending.size(),
                    Optional.ofNullable(lastError), store.instance().value(), store.notice());
        } finally {
            lock.unlock();
        }
    }

    String describeStore() {
        return store.kind() + " " + store.location();
    }

    // ---- the flusher's side ----

    /**
     * Waits until there is something to do and returns up to {@code batchSize} of the oldest records: an
     * empty batch means "check the store" (at start, when it did not answer or refused writes, after
     * {@link #IDLE_CHECK} idle, or a flush asked). Null once closed.
     */
    List<PendingWrites.Taken> awaitBatch() throws InterruptedException {
        lock.lock();
        try {
            long idleUntil = pause.nanoTime() + IDLE_CHECK.toNanos();
            while (!closed && !flushRequested && !checkDue && reachable && pending.isEmpty()) {
                long left = idleUntil - pause.nanoTime();
                if (left <= 0) {
                    checkDue = true;
                    break;
                }
                idle = true;
                try {
                    pause.await(wake, left);
                } finally {
                    idle = false;
                }
            }
            if (closed) {
                return null;
            }
            flushRequested = false;
            checkDue = false;
            return pending.take(settings.batchSize());
        } finally {
            lock.unlock();
        }
    }

    /** These records are in the store: settle them (unless replaced meanwhile) and complete their futures. */
    void written(List<PendingWrites.Taken> batch) {
        List<CompletableFuture<Void>> done = new ArrayList<>(batch.size());
        Runnable recovered;
        lock.lock();
        try {
            for (PendingWrites.Taken t : batch) {
                done.addAll(pending.settle(t));
            }
            written += batch.size();
            recovered = answeredLocked();
            if (pending.isEmpty()) {
                dropWarned = false;
            }
        } finally {
            lock.unlock();
        }
        recovered.run();
        done.forEach(f -> f.complete(null));
    }

    /** The store answered (a ping succeeded). */
    void answered() {
        Runnable recovered;
        lock.lock();
        try {
            recovered = answeredLocked();
        } finally {
            lock.unlock();
        }
        recovered.run();
    }

    /** The store refused this record while answering pings: give it up. */
    void rejected(PendingWrites.Taken taken, RuntimeException cause) {
        List<CompletableFuture<Void>> futures;
        lock.lock();
        try {
            futures = pending.settle(taken);
            rejected++;
        } finally {
            lock.unlock();
        }
        log.warn("{}: state record refused by {}, dropped: {}", taken.record().path(), describeStore(), describe(cause));
        StateStoreException why = new StateStoreException(taken.record().path() + ": state record refused by "
                + describeStore() + ": " + describe(cause), cause);
        futures.forEach(f -> f.completeExceptionally(why));
    }

    /** Sends these records to the back of the line, so the next attempt starts with others. */
    void toBack(List<PendingWrites.Taken> taken) {
        lock.lock();
        try {
            taken.forEach(pending::toBack);
        } finally {
            lock.unlock();
        }
    }

    /** A write, read or ping failed and the store does not answer pings. */
    void unreachable(RuntimeException cause, boolean failedWrite) {
        failed(cause, failedWrite, true);
    }

    /** The store answers pings but refuses writes (disk full, read-only, not authorized): keep the records. */
    void refusesWrites(RuntimeException cause) {
        failed(cause, true, false);
    }

    /** A check found that the store answers but would refuse writes (a read-only file): like a refused write. */
    void checkRefused(RuntimeException cause) {
        failed(cause, false, false);
    }

    private void failed(RuntimeException cause, boolean failedWrite, boolean noAnswer) {
        String why = describe(cause);
        boolean first;
        int waiting;
        lock.lock();
        try {
            failures++;
            if (failedWrite) {
                failedWrites++;
            }
            lastError = why;
            if (noAnswer && !unanswered) {
                unanswered = true;
                if (idle) {
                    wake.signal(); // the idle flusher starts probing
                }
            }
            first = reachable;
            if (first) {
                reachable = false;
                outageSince = clock.instant();
                droppedBeforeOutage = dropped;
            }
            waiting = pending.size();
        } finally {
            lock.unlock();
        }
        if (first) {
            log.warn("{}: {}, {} writes pending (buffer holds {}); uploads go on and the records catch up when it"
                    + " takes them: {}", describeStore(), noAnswer ? "unreachable" : "answers but refuses writes",
                    waiting, settings.capacity(), why);
        }
    }

    /**
     * Waits out the backoff of the current run of failures ({@link Backoff}: exponential from minBackoff to
     * maxBackoff, with jitter, half to all of it); returns early on flush or close.
     */
    void awaitBackoff() throws InterruptedException {
        lock.lock();
        try {
            long deadline = pause.nanoTime() + backoff.delay(failures).toNanos();
            while (!closed && !flushRequested) {
                long left = deadline - pause.nanoTime();
                if (left <= 0) {
                    return;
                }
                pause.await(wake, left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Resets the failure state; returns the line to log (outside the lock) if this ends an outage. */
    private Runnable answeredLocked() {
        failures = 0;
        lastError = null;
        unanswered = false;
        if (reachable) {
            return () -> { };
        }
        reachable = true;
        dropWarned = false;
        Duration outage = Duration.between(outageSince, clock.instant());
        int waiting = pending.size();
        long lost = dropped - droppedBeforeOutage;
        return () -> log.info("{}: reachable again after {}; {} writes pending, {} records dropped during the outage",
                describeStore(), Durations.text(outage), waiting, lost);
    }

    static String describe(RuntimeException e) {
        return e instanceof StateStoreException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
