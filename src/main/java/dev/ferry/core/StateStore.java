package dev.ferry.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of what was uploaded and why something failed, one {@link FileRecord} per local path.
 * The filesystem is the source of truth; this store only spares a restart from uploading again what is
 * already in S3. Implementations are thread-safe. Every method may throw {@link StateStoreException}
 * when the store cannot be reached.
 */
public interface StateStore extends AutoCloseable {

    /** Short name for logs and /status: "sqlite", "mongodb". */
    String kind();

    /** Where the store is, for logs and /status: a file path, or MongoDB hosts and database. Never a credential. */
    String location();

    Optional<FileRecord> get(String path);

    /** Batch lookup for sweeps: the records that exist among {@code paths}, keyed by path. */
    Map<String, FileRecord> getAll(Collection<String> paths);

    /** Inserts or replaces each record (keyed by path), all in one transaction or bulk write where possible. */
    void putAll(Collection<FileRecord> records);

    default void put(FileRecord record) {
        putAll(List.of(record));
    }

    /** Removes the records of these paths; missing ones are ignored. */
    void deleteAll(Collection<String> paths);

    /** Records with the given status, ordered by path, for paging through "all failed files". */
    List<FileRecord> list(FileStatus status, int offset, int limit);

    /** Number of records per bucket and status. */
    Map<String, Map<FileStatus, Long>> countByBucket();

    /** Throws {@link StateStoreException} unless the store answers now. */
    void ping();

    /**
     * Throws {@link StateStoreException} when the store answers but would refuse writes (a read-only file or
     * user), without writing anything: cheap enough for start-up and readiness checks. Stores that cannot
     * tell without writing only check that they answer.
     */
    default void checkWritable() {
        ping();
    }

    @Override
    void close();
}
