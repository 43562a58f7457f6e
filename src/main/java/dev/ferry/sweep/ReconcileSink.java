package dev.ferry.sweep;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.filter.RouteDecision;
import java.nio.file.Path;
import java.util.Optional;

/** Where a sweep sends what it finds: with a listing (a reconciliation) or against the state store alone. */
public interface ReconcileSink {

    /**
     * The file needs uploading, for {@code reason} ("new file", "changed", "missing in S3"...: see UploadDecision).
     * May wait for queue room; false means stop (shutting down).
     */
    boolean upload(Path path, Destination destination, FileStat stat, String reason) throws InterruptedException;

    /**
     * The file's UPLOADED record describes this very version: nothing to upload (a sweep against the state store
     * alone). A sink whose site deletes or moves its files after upload takes it back to release it (the release
     * after its upload did not happen); others ignore it. May wait for queue room; false means stop sweeping.
     */
    default boolean uploaded(Path path, Destination destination, FileStat stat) throws InterruptedException {
        return true;
    }

    /**
     * S3 already holds this version (a reconciliation); {@code record} is what the state store knew (empty or stale
     * when the object came from elsewhere, e.g. another tool or an earlier run without a state store).
     */
    default void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
            Optional<FileRecord> record) {
    }

    /** An object planned for deletion (retire_deleted); the guard may still refuse the whole set. */
    default void plannedDelete(String key) {
    }

    /**
     * Deletes {@code object}, which the run found without its local file {@code path} (retire_deleted), once the
     * run's guard allowed all of its deletions. Every write to S3 goes through the engine's lanes: the engine queues
     * it there, and deletes it only while the file is still absent. May wait for queue room; false means stop
     * (shutting down). Only a run that deletes (a dry run never does) calls it.
     */
    default boolean delete(Path path, Destination object) throws InterruptedException {
        throw new UnsupportedOperationException("this run deletes nothing, but was asked to delete " + object);
    }

    /**
     * Writes the sync marker of a folder the run found complete in S3, at {@code object}; {@code marker} is its path
     * in the local folder, where the text is written too with {@code localCopy}. The engine queues it on its bucket's
     * lane like every write to S3; never waits for queue room. False when it was not taken (this sink writes no
     * markers, as {@code verify}'s, which writes nothing; or the queue is full: the next full sweep writes it).
     */
    default boolean mark(Path marker, Destination object, boolean localCopy, dev.ferry.core.UploadOptions options) {
        return false;
    }

    /**
     * A file the router rejects (its key is too long, say): never uploaded as it stands, and counted in the
     * report's {@code ignored}; {@code record} is what the state store knows of it.
     */
    default void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> record) {
    }

    /** A file the site's filters leave out (an exclude or ignore pattern): never uploaded nor deleted. */
    /**
     * The walk found {@code path} (by name) but could not read it ({@code reason}: a folder without search
     * permission, an I/O error): whatever it is, it is not uploaded while that lasts.
     */
    default void unreadable(Path path, Destination destination, String reason) {
    }

    default void skipped(Path path, String reason) {
    }

    /** Differences as they are found (for verify and dry runs). */
    default void difference(Difference difference) {
    }
}
