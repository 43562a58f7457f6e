package dev.ferry.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's view of the state store: reads that see writes not yet flushed, and writes that never
 * block and survive a store outage (they catch up when it returns).
 */
public interface RecordKeeper {

    /** Queues the record for writing; the future completes once it is durable. Never blocks, never throws. */
    CompletableFuture<Void> submit(FileRecord record);

    /** Like {@link #submit} for a caller that does not wait for the write. */
    void offer(FileRecord record);

    /**
     * Like {@link #offer} for a write that may be skipped because a later sweep makes it again (ctime and inode
     * filled into a record written before Ferry kept them); an implementation skips it when the store is away
     * or busy. False when skipped.
     */
    default boolean offerIfIdle(FileRecord record) {
        offer(record);
        return true;
    }

    /** This daemon's instance: the source id of its local trees' records. */
    InstanceId instance();

    /** The record of a local file of this daemon going to {@code bucket}. */
    default RecordId local(String path, String bucket) {
        return RecordId.local(instance(), path, bucket);
    }

    /** @throws StateStoreException when the store cannot be read */
    default Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(getAll(List.of(id)).get(id));
    }

    /** @throws StateStoreException when the store cannot be read */
    Map<RecordId, FileRecord> getAll(Collection<RecordId> ids);

    /**
     * False while the store is known not to take writes (unreachable, or refusing them: a full disk, a
     * read-only file): a caller that would wait for a write to be durable need not wait for one now.
     */
    default boolean takesWrites() {
        return true;
    }
}
