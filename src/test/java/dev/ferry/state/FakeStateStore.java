package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store for unit tests of {@link StateWriter}'s logic: it can be made to fail (unreachable),
 * to refuse some paths while answering pings, and to hold writes at a gate.
 */
final class FakeStateStore implements StateStore {

    final Map<String, FileRecord> data = new ConcurrentHashMap<>();
    /** The record lists of successful putAll calls, in order. */
    final List<List<FileRecord>> writes = new CopyOnWriteArrayList<>();
    final AtomicInteger putAttempts = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    /** Released once per putAll call as it starts. */
    final Semaphore entered = new Semaphore(0);
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    volatile boolean failing;
    /** How many more writes are refused as by a read-only store (that then takes writes again). */
    final java.util.concurrent.atomic.AtomicInteger readOnlyWrites = new java.util.concurrent.atomic.AtomicInteger();
    /** How many more writes fail as if another process held the store's lock. */
    final java.util.concurrent.atomic.AtomicInteger busyWrites = new java.util.concurrent.atomic.AtomicInteger();
    /** How many more records the disk holds: a write of more is refused as a full disk refuses it (SQLITE_FULL). */
    final java.util.concurrent.atomic.AtomicInteger spaceLeft = new java.util.concurrent.atomic.AtomicInteger(
            Integer.MAX_VALUE);
    /** Answers pings and reads but refuses every write, like a full disk or a read-only user. */
    volatile boolean readOnly;
    private volatile CountDownLatch gate;

    /** Makes putAll wait until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public String kind() {
        return "fake";
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public dev.ferry.core.InstanceId instance() {
        return dev.ferry.testing.TestIds.INSTANCE;
    }

    /** The record of a path (the tests here give a path one record). */
    public Optional<FileRecord> get(String path) {
        failIfFailing();
        return Optional.ofNullable(data.get(path));
    }

    @Override
    public Map<dev.ferry.core.RecordId, FileRecord> getAll(Collection<dev.ferry.core.RecordId> ids) {
        failIfFailing();
        Map<dev.ferry.core.RecordId, FileRecord> found = new HashMap<>();
        ids.forEach(id -> {
            FileRecord r = data.get(id.item());
            if (r != null && r.id().equals(id)) {
                found.put(id, r);
            }
        });
        return found;
    }

    @Override
    public List<FileRecord> recordsOf(String source, String item) {
        failIfFailing();
        FileRecord r = data.get(item);
        return r != null && r.source().equals(source) ? List.of(r) : List.of();
    }

    @Override
    public void putAll(Collection<FileRecord> records) {
        putAttempts.incrementAndGet();
        entered.release();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new StateStoreException("fake: gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StateStoreException("fake: interrupted");
            }
        }
        failIfFailing();
        if (readOnly || readOnlyWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StateStoreException("fake memory: not authorized to write");
        }
        if (busyWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new dev.ferry.core.StateStoreBusyException("fake: database is locked", null);
        }
        if (records.size() > spaceLeft.getAndUpdate(n -> n >= records.size() ? n - records.size() : n)) {
            throw new dev.ferry.core.StateStoreRefusesWritesException("fake: database or disk is full", null);
        }
        for (FileRecord r : records) {
            if (refused.contains(r.path())) {
                throw new StateStoreException("fake: refuses " + r.path());
            }
        }
        writes.add(List.copyOf(records));
        records.forEach(r -> data.put(r.path(), r));
    }

    @Override
    public void deleteAll(Collection<dev.ferry.core.RecordId> ids) {
        failIfFailing();
        ids.forEach(id -> data.remove(id.item()));
    }

    @Override
    public List<FileRecord> list(FileStatus status, int offset, int limit) {
        failIfFailing();
        return data.values().stream().filter(r -> r.status() == status).sorted((a, b) -> a.path().compareTo(b.path()))
                .skip(offset).limit(limit).toList();
    }

    @Override
    public Map<String, Map<FileStatus, Long>> countByBucket() {
        failIfFailing();
        return Map.of();
    }

    @Override
    public void ping() {
        pings.incrementAndGet();
        failIfFailing();
    }

    /** Like SQLite's check: fails while the store is read-only, writes nothing. */
    @Override
    public void checkWritable() {
        failIfFailing();
        if (readOnly || readOnlyWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StateStoreException("fake memory: not authorized to write");
        }
    }

    @Override
    public void close() {
    }

    private void failIfFailing() {
        if (failing) {
            throw new StateStoreException("fake memory: connection refused");
        }
    }
}
