package dev.ferry.testing;

import dev.ferry.core.FileRecord;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A state for unit tests: every write is durable at once and seen by the next read, as the write-behind
 * buffer's pending records are; {@link #offered()} keeps every record written, in order.
 */
public final class InMemoryRecords implements RecordKeeper {
    private final Map<RecordId, FileRecord> records = new ConcurrentHashMap<>();
    private final List<FileRecord> offered = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger failingLookups = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public CompletableFuture<Void> submit(FileRecord record) {
        offer(record);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void offer(FileRecord record) {
        offered.add(record);
        records.put(record.id(), record);
    }

    @Override
    public InstanceId instance() {
        return TestIds.INSTANCE;
    }

    @Override
    public Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(records.get(id));
    }

    /** The record of a path, whatever its bucket (the tests here give a path one bucket). */
    public Optional<FileRecord> get(String path) {
        return records.values().stream().filter(r -> r.path().equals(path)).findFirst();
    }

    /** The next {@code count} lookups of several records fail as a state store that cannot be reached does. */
    public void failNextLookups(int count) {
        failingLookups.set(count);
    }

    @Override
    public Map<RecordId, FileRecord> getAll(Collection<RecordId> ids) {
        if (failingLookups.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new dev.ferry.core.StateStoreException("state store unreachable (test)");
        }
        Map<RecordId, FileRecord> found = new java.util.HashMap<>();
        ids.forEach(id -> get(id).ifPresent(r -> found.put(id, r)));
        return found;
    }

    /** Every record written so far, oldest first. */
    /** Forgets every record: a lost state store. */
    public synchronized void clear() {
        records.clear();
        offered.clear();
    }

    public synchronized List<FileRecord> offered() {
        return List.copyOf(offered);
    }
}
