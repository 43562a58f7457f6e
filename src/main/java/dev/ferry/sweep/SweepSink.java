package dev.ferry.sweep;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.filter.RouteDecision;
import java.nio.file.Path;
import java.util.Optional;

/** Where a sweep sends what it finds. */
public interface SweepSink {

    /**
     * The file needs uploading, for {@code reason} ("new file", "changed"...: see UploadDecision). May wait for
     * queue room; false means stop sweeping (shutting down).
     */
    boolean upload(Path path, Destination destination, FileStat stat, String reason) throws InterruptedException;

    /**
     * The file's UPLOADED record describes this very version: nothing to upload. A sink whose site deletes or
     * moves its files after upload takes it back to release it (the release after its upload did not happen);
     * others ignore it. May wait for queue room; false means stop sweeping.
     */
    default boolean uploaded(Path path, Destination destination, FileStat stat) throws InterruptedException {
        return true;
    }

    /** The file is rejected and its record does not say so yet. */
    void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing);
}
