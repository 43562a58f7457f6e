package dev.ferry.testing;

import dev.ferry.core.FileRecord;
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
    private final Map<String, FileRecord> records = new ConcurrentHashMap<>();
    private final List<FileRecord> offered = new ArrayList<>();

    @Override
    public CompletableFuture<Void> submit(FileRecord record) {
        offer(record);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void offer(FileRecord record) {
        offered.add(record);
        records.put(record.path(), record);
    }

    @Override
    public Optional<FileRecord> get(String path) {
        return Optional.ofNullable(records.get(path));
    }

    @Override
    public Map<String, FileRecord> getAll(Collection<String> paths) {
        Map<String, FileRecord> found = new java.util.HashMap<>();
        paths.forEach(p -> get(p).ifPresent(r -> found.put(p, r)));
        return found;
    }

    /** Every record written so far, oldest first. */
    public synchronized List<FileRecord> offered() {
        return List.copyOf(offered);
    }
}
