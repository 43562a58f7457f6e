package dev.ferry.state;

import dev.ferry.core.RecordKeeper;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FileRecord;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * A write-behind buffer in front of a {@link StateStore}: uploads go on while the store is unreachable,
 * the records catch up when it answers again, and the writes of many workers are group-committed.
 *
 * <p><b>Writing.</b> {@link #submit} never blocks and never throws; the latest record per record id wins (a
 * newer record replaces a pending one of the same path in its place in line, and the futures of both
 * complete when the newer one is written). One flusher thread writes up to {@code batchSize} of the oldest
 * records per {@link StateStore#putAll} call, so batches grow by themselves under load.
 *
 * <p><b>Futures.</b> {@link #offer} is the same without a future, for callers that never wait (it keeps
 * memory at one entry per record however often it is written). A submit's future completes when its
 * record (or a newer one of the same path) is in the store, and completes exceptionally with
 * {@link StateStoreException} only when the record is given up: dropped by the capacity policy, refused by
 * a store that takes other writes, or still pending at {@link #close}. While the store is unreachable
 * futures stay pending, for as long as the outage lasts: callers that wait must wait with a timeout
 * (uploads need not wait at all).
 *
 * <p><b>Outages.</b> When a write fails and the store does not answer a ping, the records stay in the
 * buffer, {@link #reachable()} turns false, {@link #lastError()} says why (store messages carry no
 * credentials), one WARN is logged, and the flusher retries with exponential backoff with jitter between
 * {@code minBackoff} and {@code maxBackoff} ({@link dev.ferry.queue.Backoff}), pinging the store when nothing is pending. When the store
 * answers pings but a batch fails, the batch is halved until the failing records are found. They are
 * given up (WARN, counted as {@code rejected}, so that one bad record never holds up the others) only when
 * other records of the same batch were written, which shows the store takes writes; when nothing could be
 * written the store itself refuses writes (disk full, read-only, not authorized) and it is treated like an
 * outage, except that reads still go to it, and the records that failed go to the back of the line so
 * that the next attempt starts with others. A lone refused record therefore waits until other records
 * arrive to prove the store works. With nothing to write, the flusher checks the store
 * ({@link StateStore#checkWritable}) at start, every {@link WriteBuffer#IDLE_CHECK} idle, and with backoff
 * while it is unreachable or refuses writes, so a read-only store shows before its first write and its
 * return shows without one.
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
 * store; while the store does not answer (its last ping or read failed) they throw
 * {@link StateStoreException} at once for paths not pending, without waiting for a timeout: callers decide
 * what to do.
 *
 * <p>All methods are thread-safe. Time is injected ({@link Clock}) for outage durations, and the flusher's
 * thread and the backoff's jitter source can be; the backoff waits are the configured durations, so tests of
 * the whole writer run with millisecond backoffs (the waits themselves are tested against a fake time). The writer does not own the store:
 * {@link #close()} leaves it open.
 */
public final class StateWriter implements RecordKeeper, AutoCloseable {

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
     * @param written         records written (one per record id per batch)
     * @param failedWrites    putAll calls that failed while the store was unreachable
     * @param dropped         records dropped by the capacity policy (including refused new ones)
     * @param droppedUploaded of those, UPLOADED records (each may mean one upload again after a restart)
     * @param rejected        records dropped because the store refused them while answering pings
     */
    public record Counters(long submitted, long coalesced, long written, long failedWrites, long dropped,
            long droppedUploaded, long rejected) {
    }

    private final StateStore store;
    private final WriteBuffer buffer;
    private final Thread flusher;
    private final int idleLimit;

    private StateWriter(StateStore store, Settings settings, Clock clock, ThreadFactory threads,
            DoubleSupplier random) {
        this.store = Objects.requireNonNull(store, "store");
        this.buffer = new WriteBuffer(store, Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(random, "random"),
                WriteBuffer.Pause.SYSTEM);
        this.idleLimit = Math.max(1, settings.capacity() / 10);
        this.flusher = threads.newThread(new Flusher(store, buffer));
    }

    /** Starts a writer (and its flusher thread, a daemon thread named ferry-state-writer) in front of the store. */
    public static StateWriter start(StateStore store, Settings settings, Clock clock) {
        return start(store, settings, clock, r -> {
            Thread t = new Thread(r, "ferry-state-writer");
            t.setDaemon(true);
            return t;
        }, Math::random);
    }

    /**
     * Starts a writer whose flusher thread comes from {@code threads} and whose backoff draws its jitter from
     * {@code random} (uniform in [0, 1)).
     */
    public static StateWriter start(StateStore store, Settings settings, Clock clock, ThreadFactory threads,
            DoubleSupplier random) {
        StateWriter writer = new StateWriter(store, settings, clock, threads, random);
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
        buffer.enqueue(record, future);
        return future;
    }

    /**
     * Like {@link #submit} for callers that will not wait: no future is kept, so a path written many times
     * during a long outage costs one pending record, not one future per write. Ignores null.
     */
    public void offer(FileRecord record) {
        if (record != null) {
            buffer.enqueue(record, null);
        }
    }

    /**
     * Like {@link #offer} for a write that a later sweep repeats when it is skipped (ctime and inode filled into
     * an older record): skipped while the store is unreachable or refuses writes, and once a tenth of the capacity
     * is pending, so it never takes the room of records that matter.
     */
    @Override
    public boolean offerIfIdle(FileRecord record) {
        if (record == null || !buffer.reachable() || buffer.size() >= idleLimit) {
            return false;
        }
        buffer.enqueue(record, null);
        return true;
    }

    @Override
    public InstanceId instance() {
        return store.instance();
    }

    /**
     * The pending record of the id, else the stored one; throws {@link StateStoreException} when the store
     * is needed and does not answer.
     */
    @Override
    public Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(getAll(List.of(id)).get(id));
    }

    /** The records among {@code ids}: pending ones, then stored ones (the store must answer for the rest). */
    @Override
    public Map<RecordId, FileRecord> getAll(Collection<RecordId> ids) {
        Map<RecordId, FileRecord> found = new HashMap<>();
        List<RecordId> missing = new ArrayList<>();
        buffer.pendingAmong(ids, found, missing);
        if (missing.isEmpty()) {
            return found;
        }
        Map<RecordId, FileRecord> stored;
        try {
            stored = store.getAll(missing);
        } catch (RuntimeException e) {
            buffer.unreachable(e, false);
            throw e instanceof StateStoreException s ? s
                    : new StateStoreException(buffer.describeStore() + ": getAll failed: "
                            + WriteBuffer.describe(e), e);
        }
        buffer.overlay(stored, found);
        return found;
    }

    /**
     * The records of one item of one source, any destination (by bucket): the stored ones, each replaced by its
     * pending record, and pending ones not yet stored.
     */
    public List<FileRecord> recordsOf(String source, String item) {
        Map<RecordId, FileRecord> found = new java.util.TreeMap<>(java.util.Comparator.comparing(RecordId::destination));
        List<FileRecord> stored;
        try {
            stored = store.recordsOf(source, item);
        } catch (RuntimeException e) {
            buffer.unreachable(e, false);
            throw e instanceof StateStoreException s ? s
                    : new StateStoreException(buffer.describeStore() + ": recordsOf failed: "
                            + WriteBuffer.describe(e), e);
        }
        stored.forEach(r -> found.put(r.id(), r));
        buffer.pendingOf(source, item).forEach(r -> found.put(r.id(), r));
        return new ArrayList<>(found.values());
    }

    /** False from a failed write, read or ping until the store answers again. */
    public boolean reachable() {
        return buffer.reachable();
    }

    /** Same as {@link #reachable()}: false from a failed write, read or check until the store takes writes again. */
    @Override
    public boolean takesWrites() {
        return buffer.reachable();
    }

    /** Paths whose latest record is not yet in the store. */
    public int pendingWrites() {
        return buffer.size();
    }

    /** Why the store last failed, while it has not answered since. Carries no credentials. */
    public Optional<String> lastError() {
        return buffer.lastError();
    }

    public Counters counters() {
        return buffer.counters();
    }

    /** The store's health as /status shows it. */
    public DaemonStatus.StoreHealth health() {
        return buffer.health();
    }

    /**
     * Best-effort drain, for shutdown: retries at once (skipping the current backoff) and waits up to
     * {@code timeout} for the latest record of every path pending now to be written.
     *
     * @return true when all of them were written, false on timeout or when some were given up
     */
    public boolean flush(Duration timeout) {
        List<CompletableFuture<Void>> waiting = buffer.requestFlush();
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
        if (!buffer.close()) {
            return;
        }
        try {
            flusher.join(JOIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int records = buffer.size();
        List<CompletableFuture<Void>> lost = buffer.clear();
        if (records > 0) {
            log.warn("{}: state writer closed with {} records not written; the next sweep finds their files again",
                    buffer.describeStore(), records);
        }
        StateStoreException why = new StateStoreException(buffer.describeStore()
                + ": state writer closed before the record was written");
        lost.forEach(f -> f.completeExceptionally(why));
    }

    @Override
    public String toString() {
        return "StateWriter[" + buffer.describeStore() + "]";
    }
}
