package dev.ferry.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of what was uploaded and why something failed, one {@link FileRecord} per {@link RecordId} (source,
 * item, destination). A store is opened for one {@link InstanceId}: the queries that list ({@link #list},
 * {@link #countByBucket}, {@link #recordsOf}) see only the records whose source is that instance, so hosts
 * sharing one MongoDB each see their own.
 * The filesystem is the source of truth; this store only spares a restart from uploading again what is
 * already in S3. Implementations are thread-safe. Every method may throw {@link StateStoreException}
 * when the store cannot be reached.
 */
public interface StateStore extends AutoCloseable {

    /** Short name for logs and /status: "sqlite", "mongodb". */
    String kind();

    /** Where the store is, for logs and /status: a file path, or MongoDB hosts and database. Never a credential. */
    String location();

    /** The instance this store was opened for: the source of this daemon's local records. */
    InstanceId instance();

    default Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(getAll(List.of(id)).get(id));
    }

    /** Batch lookup for sweeps: the records that exist among {@code ids}, keyed by id. */
    Map<RecordId, FileRecord> getAll(Collection<RecordId> ids);

    /** The records of one item of one source, any destination (e.g. {@code ferry retry PATH}), by bucket. */
    List<FileRecord> recordsOf(String source, String item);

    /** Inserts or replaces each record (keyed by its id), all in one transaction or bulk write where possible. */
    void putAll(Collection<FileRecord> records);

    default void put(FileRecord record) {
        putAll(List.of(record));
    }

    /** Removes these records; missing ones are ignored. */
    void deleteAll(Collection<RecordId> ids);

    /**
     * This instance's records with the given status, ordered by path (then bucket), for paging through "all
     * failed files".
     */
    List<FileRecord> list(FileStatus status, int offset, int limit);

    /** Number of this instance's records per bucket and status. */
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

    /**
     * The registry of the daemons sharing this store (MongoDB); empty for a store only this daemon uses
     * (SQLite), whose fleet is the daemon itself.
     */
    default Optional<FleetRegistry> fleetRegistry() {
        return Optional.empty();
    }

    /**
     * What happened to the store while this process used it that an operator should know, and what Ferry did
     * about it (SQLite: its file deleted or replaced, and written again); empty while nothing did.
     */
    default Optional<String> notice() {
        return Optional.empty();
    }

    @Override
    void close();
}
