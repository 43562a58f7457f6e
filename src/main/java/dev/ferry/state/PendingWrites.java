package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The records waiting to be written, one per {@link RecordId}, oldest first, with the capacity policy of
 * {@link StateWriter}. Not thread-safe: the writer guards it with its lock. An entry stays here while it
 * is being written, so reads see it until it is in the store; a newer record with the same id takes the
 * entry's place in line and inherits its futures.
 */
final class PendingWrites {

    /** One record id's latest record and everyone waiting for it. */
    static final class Entry {
        final RecordId id;
        FileRecord record;
        long version;
        final List<CompletableFuture<Void>> futures = new ArrayList<>(1);

        Entry(RecordId id) {
            this.id = id;
        }
    }

    /** The record of an id as it was when a batch was taken, to tell later whether it was replaced. */
    record Taken(RecordId id, FileRecord record, long version) {
    }

    /** What {@link #add} did: replaced a pending record of the same path, and/or dropped an entry. */
    record Added(boolean coalesced, Optional<Entry> dropped) {
    }

    private final int capacity;
    private final LinkedHashMap<RecordId, Entry> entries = new LinkedHashMap<>();
    /** Ids whose pending record is not UPLOADED, oldest first: the ones dropped first when full. */
    private final LinkedHashSet<RecordId> expendable = new LinkedHashSet<>();
    private long versions;

    PendingWrites(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Adds a record (the latest for its id wins), with a future to complete when it is written, or null.
     * When full and the id is new, makes room by dropping the oldest pending record that is not UPLOADED;
     * when every pending record is UPLOADED, the new record is refused instead (and returned as the dropped
     * entry).
     */
    Added add(FileRecord record, CompletableFuture<Void> future) {
        Entry entry = entries.get(record.id());
        boolean coalesced = entry != null;
        Optional<Entry> dropped = Optional.empty();
        if (entry == null) {
            if (entries.size() >= capacity) {
                if (expendable.isEmpty()) {
                    Entry refused = new Entry(record.id());
                    refused.record = record;
                    if (future != null) {
                        refused.futures.add(future);
                    }
                    return new Added(false, Optional.of(refused));
                }
                dropped = Optional.of(remove(expendable.iterator().next()));
            }
            entry = new Entry(record.id());
            entries.put(entry.id, entry);
        }
        entry.record = record;
        entry.version = ++versions;
        if (future != null) {
            entry.futures.add(future);
        }
        if (record.status() == FileStatus.UPLOADED) {
            expendable.remove(entry.id);
        } else {
            expendable.add(entry.id);
        }
        return new Added(coalesced, dropped);
    }

    /** Up to {@code max} of the oldest entries, left in place. */
    List<Taken> take(int max) {
        List<Taken> batch = new ArrayList<>(Math.min(max, entries.size()));
        Iterator<Entry> it = entries.values().iterator();
        while (batch.size() < max && it.hasNext()) {
            Entry e = it.next();
            batch.add(new Taken(e.id, e.record, e.version));
        }
        return batch;
    }

    /**
     * Removes the entry of a written (or refused) record unless a newer record replaced it meanwhile, and
     * returns its futures to complete; an empty list when it was replaced or is gone.
     */
    List<CompletableFuture<Void>> settle(Taken taken) {
        Entry e = entries.get(taken.id());
        if (e == null || e.version != taken.version()) {
            return List.of();
        }
        return remove(taken.id()).futures;
    }

    /** Moves the entry to the back of the line, unless a newer record replaced it meanwhile. */
    void toBack(Taken taken) {
        Entry e = entries.get(taken.id());
        if (e == null || e.version != taken.version()) {
            return;
        }
        entries.remove(taken.id());
        entries.put(taken.id(), e);
        if (expendable.remove(taken.id())) {
            expendable.add(taken.id());
        }
    }

    Optional<FileRecord> get(RecordId id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.record);
    }

    /** The pending records that match, oldest first (a scan: for rare lookups, such as an admin's). */
    List<FileRecord> matching(java.util.function.Predicate<FileRecord> which) {
        List<FileRecord> found = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (which.test(e.record)) {
                found.add(e.record);
            }
        }
        return found;
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A new future on every entry, each completing when that id's latest record is written. */
    List<CompletableFuture<Void>> watchAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            e.futures.add(f);
            all.add(f);
        }
        return all;
    }

    /** Removes everything and returns the futures that were waiting. */
    List<CompletableFuture<Void>> clear() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            all.addAll(e.futures);
        }
        entries.clear();
        expendable.clear();
        return all;
    }

    private Entry remove(RecordId id) {
        expendable.remove(id);
        return entries.remove(id);
    }
}
