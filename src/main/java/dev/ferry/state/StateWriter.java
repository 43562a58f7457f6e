package dev.ferry.state;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A write-behind buffer in front of a {@link StateStore}: uploads go on while the store is unreachable,
 * the records catch up when it answers again, and the writes of many workers are group-committed.
 *
 * <p><b>Writing.</b> {@link #submit} never blocks and never throws; the latest record per path wins (a
 * newer record replaces a pending one of the same path in its place in line, and the futures of both
 * complete when the newer one is written). One flusher thread writes up to {@code batchSize} of the oldest
 * records per {@link StateStore#putAll} call, so batches grow by themselves under load.
 *
 * <p><b>Futures.</b> {@link #offer} is the same without a future, for callers that never wait (it keeps
 * memory at one entry per path however often the path is written). A submit's future completes when its record (or a newer one of the same path) is in
 * the store, and completes exceptionally with {@link StateStoreException} only when the record is given up:
 * dropped by the capacity policy, refused by a store that otherwise answers, or still pending at
 * {@link #close}. While the store is unreachable futures stay pending, for as long as the outage lasts:
 * callers that wait must wait with a timeout (uploads need not wait at all).
 *
 * <p><b>Outages.</b> When a write fails and the store does not answer a ping, the records stay in the
 * buffer, {@link #reachable()} turns false, {@link #lastError()} says why (store messages carry no
 * credentials), one WARN is logged, and the flusher retries with exponential backoff with jitter between
 * {@code minBackoff} and {@code maxBackoff}, pinging the store when nothing is pending. When the store
 * answers a ping but refuses a batch, the batch is split to find the records it refuses; those are dropped
 * with a WARN (counted as {@code rejected}) so that one bad record never holds up the others.
 *
 * <p><b>Capacity.</b> At most {@code capacity} paths are pending. When full, a new path makes room by
 * dropping the oldest pending record that is not UPLOADED: losing a PENDING, UPLOADING, FAILED or IGNORED
 * record loses only bookkeeping, since the next sweep finds the file again. UPLOADED records are never
 * dropped to make room, because losing one means uploading that file again after a restart; when every
 * pending record is UPLOADED the new record is refused instead (whatever its status), which costs the same
 * at most. One WARN is logged per episode (until the buffer drains or the store returns); {@link #counters()}
 * counts the drops.
 *
 * <p><b>Reading.</b> {@link #get} and {@link #getAll} answer from pending records first, then from the
 * store; when the store is unreachable (and a path is not pending) they throw {@link StateStoreException}
 * at once, without waiting for a timeout: callers decide what to do.
 *
 * <p>The writer does not own the store: {@link #close()} leaves it open.
 */
public final class StateWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateWriter.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param capacity   most paths pending at once
     * @param batchSize  most records per {@link StateStore#putAll}
     * @param minBackoff first wait after a failed write
     * @param maxBackoff longest wait between retries
     */
    public record Settings(int capacity, int batchSize, Duration minBackoff, Duration maxBackoff) {
        public Settings {
            Objects.requireNonNull(minBackoff, "minBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (capacity < 1 || batchSize < 1) {
                throw new IllegalArgumentException("capacity and batchSize must be >= 1, got capacity " + capacity
                        + ", batchSize " + batchSize);
            }
            if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 < minBackoff <= maxBackoff, got "
                        + minBackoff + " .. " + maxBackoff);
            }
        }

        /** 100,000 pending records, batches of 1,000, backoff 1 s .. 30 s. */
        public static Settings defaults() {
            return new Settings(100_000, 1_000, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }

    /**
     * Totals since start.
     *
     * @param submitted       records submitted
     * @param coalesced       submits that replaced a pending record of the same path
     * @param written         records written (one per path per batch)
     * @param failedWrites    putAll calls that failed while the store was unreachable
     * @param dropped         records dropped by the capacity policy (including refused new ones)
     * @param droppedUploaded of those, UPLOADED records (each may mean one upload again after a restart)
     * @param rejected        records dropped because the store refused them while answering pings
     */
    public record Counters(long submitted, long coalesced, long written, long failedWrites, long dropped,
            long droppedUploaded, long rejected) {
    }

    private final StateStore store;
    private final Settings settings;
    private final Clock clock;
    private final Thread flusher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();

    // All guarded by lock.
    private final PendingWrites pending;
    private boolean closed;
    private boolean idle;
    private boolean flushRequested;
    private boolean reachable = true;
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

    private StateWriter(StateStore store, Settings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pending = new PendingWrites(settings.capacity());
        this.flusher = new Thread(this::run, "ferry-state-writer");
        this.flusher.setDaemon(true);
    }

    /** Starts a writer (and its flusher thread) in front of the store. */
    public static StateWriter start(StateStore store, Settings settings, Clock clock) {
        StateWriter writer = new StateWriter(store, settings, clock);
        writer.flusher.start();
        return writer;
    }

    /** Starts a writer with {@link Settings#defaults()} and the system clock. */
    public static StateWriter start(StateStore store) {
        return start(store, Settings.defaults(), Clock.systemUTC());
    }

    /**
     * Queues the record for writing. Never blocks, never throws: problems are reported through the future
     * (see the class comment for when it completes).
     */
    public CompletableFuture<Void> submit(FileRecord record) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (record == null) {
            future.completeExceptionally(new NullPointerException("record"));
            return future;
        }
        enqueue(record, future);
        return future;
    }

    /**
     * Like {@link #submit} for callers that will not wait: no future is kept, so a path written many times
     * during a long outage costs one pending record, not one future per write. Ignores null.
     */
    public void offer(FileRecord record) {
        if (record != null) {
            enqueue(record, null);
        }
    }

    private void enqueue(FileRecord record, CompletableFuture<Void> future) {
        PendingWrites.Added added;
        boolean warn = false;
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
            if (idle) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
        if (added.dropped().isPresent()) {
            dropFuturesOf(added.dropped().get(), warn);
        }
    }

    /** The pending record of the path, else the stored one; throws {@link StateStoreException} when needed and unreachable. */
    public Optional<FileRecord> get(String path) {
        return Optional.ofNullable(getAll(List.of(path)).get(path));
    }

    /** The records among {@code paths}, pending ones first, then from the store (which must answer for the rest). */
    public Map<String, FileRecord> getAll(Collection<String> paths) {
        Map<String, FileRecord> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        lock.lock();
        try {
            for (String path : paths) {
                pending.get(path).ifPresentOrElse(r -> found.put(path, r), () -> missing.add(path));
            }
            if (!missing.isEmpty() && !reachable) {
                throw new StateStoreException(describeStore() + ": unreachable since " + outageSince + " ("
                        + pending.size() + " writes pending): " + lastError);
            }
        } finally {
            lock.unlock();
        }
        if (missing.isEmpty()) {
            return found;
        }
        Map<String, FileRecord> stored;
        try {
            stored = store.getAll(missing);
        } catch (RuntimeException e) {
            markUnreachable(e);
            throw e instanceof StateStoreException s ? s
                    : new StateStoreException(describeStore() + ": getAll failed: " + describe(e), e);
        }
        lock.lock();
        try {
            // A record submitted while the store answered is newer than the stored one.
            stored.forEach((path, r) -> found.put(path, pending.get(path).orElse(r)));
        } finally {
            lock.unlock();
        }
        return found;
    }

    /** False from a failed write, read or ping until the store answers again. */
    public boolean reachable() {
        lock.lock();
        try {
            return reachable;
        } finally {
            lock.unlock();
        }
    }

    /** Paths whose latest record is not yet in the store. */
    public int pendingWrites() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Why the store last failed, while it has not answered since. Carries no credentials. */
    public Optional<String> lastError() {
        lock.lock();
        try {
            return Optional.ofNullable(lastError);
        } finally {
            lock.unlock();
        }
    }

    public Counters counters() {
        lock.lock();
        try {
            return new Counters(submitted, coalesced, written, failedWrites, dropped, droppedUploaded, rejected);
        } finally {
            lock.unlock();
        }
    }

    /** The store's health as /status shows it. */
    public DaemonStatus.StoreHealth health() {
        lock.lock();
        try {
            return new DaemonStatus.StoreHealth(store.kind(), store.location(), reachable, pending.size(),
                    Optional.ofNullable(lastError));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Best-effort drain, for shutdown: retries at once (skipping the current backoff) and waits up to
     * {@code timeout} for every record pending now to be written.
     *
     * @return true when all of them were written, false on timeout or when some were given up
     */
    public boolean flush(Duration timeout) {
        List<CompletableFuture<Void>> waiting;
        lock.lock();
        try {
            waiting = pending.watchAll();
            flushRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the flusher without draining (call {@link #flush} first) and fails the futures of records still
     * pending. Leaves the store open. Closing twice does nothing.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join(JOIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Void>> lost;
        lock.lock();
        try {
            lost = pending.clear();
        } finally {
            lock.unlock();
        }
        if (!lost.isEmpty()) {
            log.warn("{}: closed with {} records not written; the next sweep finds their files again",
                    describeStore(), lost.size());
        }
        StateStoreException why = new StateStoreException(describeStore() + ": state writer closed before the record was written");
        lost.forEach(f -> f.completeExceptionally(why));
    }

    @Override
    public String toString() {
        return "StateWriter[" + describeStore() + "]";
    }

    // ---- the flusher thread ----

    private void run() {
        try {
            while (true) {
                List<PendingWrites.Taken> batch;
                lock.lock();
                try {
                    while (!closed && !flushRequested && reachable && pending.isEmpty()) {
                        idle = true;
                        wake.await();
                    }
                    idle = false;
                    if (closed) {
                        return;
                    }
                    flushRequested = false;
                    batch = pending.take(settings.batchSize());
                } finally {
                    lock.unlock();
                }
                boolean ok = batch.isEmpty() ? probe() : write(batch);
                if (!ok) {
                    backoff();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("{}: state writer stopped by an unexpected error", describeStore(), e);
            throw e;
        }
    }

    /** Writes the batch; returns false when the store is unreachable (the records stay pending). */
    private boolean write(List<PendingWrites.Taken> batch) {
        try {
            store.putAll(records(batch));
        } catch (RuntimeException e) {
            if (!answers()) {
                lock.lock();
                try {
                    failedWrites++;
                } finally {
                    lock.unlock();
                }
                markUnreachable(e);
                return false;
            }
            if (batch.size() > 1) {
                int half = batch.size() / 2;
                return write(batch.subList(0, half)) && write(batch.subList(half, batch.size()));
            }
            return retryOrReject(batch.get(0), e);
        }
        succeeded(batch);
        return true;
    }

    /** One record failed while the store answers pings: try it once more, then give it up. */
    private boolean retryOrReject(PendingWrites.Taken taken, RuntimeException first) {
        try {
            store.putAll(List.of(taken.record()));
            succeeded(List.of(taken));
            return true;
        } catch (RuntimeException e) {
            if (!answers()) {
                markUnreachable(e);
                return false;
            }
        }
        List<CompletableFuture<Void>> futures;
        lock.lock();
        try {
            futures = pending.settle(taken);
            rejected++;
        } finally {
            lock.unlock();
        }
        log.warn("{}: state record refused by {}, dropped: {}", taken.path(), describeStore(), describe(first));
        StateStoreException why = new StateStoreException(taken.path() + ": state record refused by "
                + describeStore() + ": " + describe(first), first);
        futures.forEach(f -> f.completeExceptionally(why));
        return true;
    }

    private void succeeded(List<PendingWrites.Taken> batch) {
        List<CompletableFuture<Void>> done = new ArrayList<>(batch.size());
        lock.lock();
        try {
            for (PendingWrites.Taken t : batch) {
                done.addAll(pending.settle(t));
            }
            written += batch.size();
            markReachableLocked();
            if (pending.isEmpty()) {
                dropWarned = false;
            }
        } finally {
            lock.unlock();
        }
        done.forEach(f -> f.complete(null));
    }

    /** Nothing to write but the store was unreachable: ask whether it answers now. */
    private boolean probe() {
        try {
            store.ping();
        } catch (RuntimeException e) {
            markUnreachable(e);
            return false;
        }
        lock.lock();
        try {
            markReachableLocked();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private boolean answers() {
        try {
            store.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Waits the backoff for the current run of failures, or less when flushed or closed. */
    private void backoff() throws InterruptedException {
        lock.lock();
        try {
            long min = settings.minBackoff().toNanos();
            long exp = min << Math.min(Math.max(failures - 1, 0), 20);
            long delay = exp <= 0 ? settings.maxBackoff().toNanos() : Math.min(settings.maxBackoff().toNanos(), exp);
            delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            long deadline = System.nanoTime() + delay;
            while (!closed && !flushRequested) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                wake.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void markUnreachable(RuntimeException e) {
        String why = describe(e);
        boolean first;
        int waiting;
        lock.lock();
        try {
            failures++;
            lastError = why;
            first = reachable;
            if (first) {
                reachable = false;
                outageSince = clock.instant();
                droppedBeforeOutage = dropped;
                if (idle) {
                    wake.signal(); // the flusher starts probing
                }
            }
            waiting = pending.size();
        } finally {
            lock.unlock();
        }
        if (first) {
            log.warn("{}: unreachable, {} writes pending (buffer holds {}); uploads go on and the records catch up"
                    + " when it answers: {}", describeStore(), waiting, settings.capacity(), why);
        }
    }

    private void markReachableLocked() {
        failures = 0;
        lastError = null;
        if (!reachable) {
            reachable = true;
            dropWarned = false;
            log.info("{}: reachable again after {}; {} writes pending, {} records dropped during the outage",
                    describeStore(), Duration.between(outageSince, clock.instant()), pending.size(),
                    dropped - droppedBeforeOutage);
        }
    }

    private void dropFuturesOf(PendingWrites.Entry victim, boolean warn) {
        if (warn) {
            log.warn("{}: state write buffer full ({} records, the store {}): dropping the oldest records that are"
                    + " not UPLOADED (the next sweep finds their files again), else refusing new ones; first: {} ({})",
                    describeStore(), settings.capacity(), reachable() ? "writes too slowly" : "is unreachable", victim.path,
                    victim.record.status());
        }
        StateStoreException why = new StateStoreException(victim.path + ": state record dropped: write buffer full ("
                + settings.capacity() + " records)");
        victim.futures.forEach(f -> f.completeExceptionally(why));
    }

    private String describeStore() {
        return store.kind() + " " + store.location();
    }

    private static List<FileRecord> records(List<PendingWrites.Taken> batch) {
        List<FileRecord> records = new ArrayList<>(batch.size());
        for (PendingWrites.Taken t : batch) {
            records.add(t.record());
        }
        return records;
    }

    private static String describe(RuntimeException e) {
        return e instanceof StateStoreException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
