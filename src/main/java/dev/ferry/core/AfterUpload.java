package dev.ferry.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What becomes of a local item once its upload is verified in S3 and its record is durable (seed 003's
 * {@code delete_after_upload} and {@code move_after_upload}): machines that take photos or scans free their disk
 * this way. The engine decides when (never before the object is verified and recorded, never for a version other
 * than the one uploaded); the item's {@link Source} does it ({@link Source#release}), since only the source touches
 * the filesystem.
 */
public sealed interface AfterUpload {
    /** The file stays where it is: the default. */
    AfterUpload KEEP = new Keep();

    /** The file stays where it is. */
    record Keep() implements AfterUpload {
    }

    /** The file is deleted. */
    record Delete() implements AfterUpload {
    }

    /**
     * The file is moved under {@code folder}, keeping its path relative to its site's folder.
     *
     * @param folder absolute; outside the site's folder (checked when the configuration is loaded)
     */
    record MoveTo(Path folder) implements AfterUpload {
        public MoveTo {
            Objects.requireNonNull(folder, "folder");
        }
    }

    /** Whether anything happens to the file at all. */
    default boolean keeps() {
        return this instanceof Keep;
    }

    /**
     * Why {@code now} is not the version {@code uploaded} (size, modification time, or inode where both know it),
     * or empty when it is. The inode change time is not compared: a chmod after the upload changes no byte.
     */
    static Optional<String> changedSince(FileStat uploaded, FileStat now) {
        if (now.size() != uploaded.size()) {
            return Optional.of("its size changed since the upload (" + uploaded.size() + " -> " + now.size() + " bytes)");
        }
        if (now.mtimeMillis() != uploaded.mtimeMillis()) {
            return Optional.of("its modification time changed since the upload");
        }
        if (now.inode() != FileStat.UNKNOWN && uploaded.inode() != FileStat.UNKNOWN && now.inode() != uploaded.inode()) {
            return Optional.of("it was replaced by another file (inode " + uploaded.inode() + " -> " + now.inode() + ")");
        }
        return Optional.empty();
    }

    /** What a source answers when asked to {@link Source#release} an item. */
    sealed interface Result {
    }

    /** Done: {@code what} says it for the log ("deleted", "moved to /archive/a/b.jpg"). */
    record Done(String what) implements Result {
    }

    /** Not done, and rightly so: the item is no longer the version that was uploaded (or is gone). */
    record Changed(String why) implements Result {
    }

    /** Not done: it failed (permission denied, a full disk, a name taken); the item stays where it is. */
    record Failed(String reason) implements Result {
    }
}
