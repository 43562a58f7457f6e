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
     * The file is moved under {@code folder}, at the path its key is made from: its path relative to the site's
     * folder, spelled as a seed 003 policy's pattern spells it and without {@code input_remove_prefix}, as seed 003
     * moved it (a site of Ferry's YAML without those: its relative path).
     *
     * @param folder       absolute; outside the site's folder (checked when the configuration is loaded)
     * @param pathPrefix   how the policy's pattern spells the site's folder ("data/" for "data/**"); "" for sites
     * @param removePrefix input_remove_prefix; "" for none
     */
    record MoveTo(Path folder, String pathPrefix, String removePrefix) implements AfterUpload {
        public MoveTo {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(pathPrefix, "pathPrefix");
            Objects.requireNonNull(removePrefix, "removePrefix");
        }

        /** Under {@code folder} at the file's path relative to the site's folder. */
        public MoveTo(Path folder) {
            this(folder, "", "");
        }

        /**
         * Where a file at {@code relative} ('/'-separated, under the site's folder) goes under {@link #folder}: its
         * spelled path without the remove prefix, or {@code relative} when that leaves nothing.
         */
        public String subPath(String relative) {
            String spelled = pathPrefix + relative;
            String rest = !removePrefix.isEmpty() && spelled.startsWith(removePrefix)
                    ? spelled.substring(removePrefix.length()) : spelled;
            while (rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            return rest.isEmpty() ? relative : rest;
        }
    }

    /** Whether anything happens to the file at all. */
    default boolean keeps() {
        return this instanceof Keep;
    }

    /**
     * Why {@code now} is not the version {@code uploaded} (size, modification time, inode or inode change time where
     * both know them), or empty when it is. A moved ctime keeps the file too: it is what a rewrite in place that
     * kept the size and put the old mtime back (cp -p, a restore) leaves, and deleting that file would lose its new
     * bytes; a chmod keeps a file it need not have kept, which costs only disk.
     */
    static Optional<String> changedSince(FileStat uploaded, FileStat now) {
        if (now.size() != uploaded.size()) {
            return Optional.of("its size changed since the upload (" + uploaded.size() + " -> " + now.size()
                    + " bytes)");
        }
        if (now.mtimeMillis() != uploaded.mtimeMillis()) {
            return Optional.of("its modification time changed since the upload");
        }
        boolean inodesKnown = now.inode() != FileStat.UNKNOWN && uploaded.inode() != FileStat.UNKNOWN;
        if (inodesKnown && now.inode() != uploaded.inode()) {
            return Optional.of("it was replaced by another file (inode " + uploaded.inode() + " -> " + now.inode()
                    + ")");
        }
        if (now.ctimeNanos() != FileStat.UNKNOWN && uploaded.ctimeNanos() != FileStat.UNKNOWN
                && now.ctimeNanos() != uploaded.ctimeNanos()) {
            return Optional.of("its status changed since the upload (ctime: a chmod, or a rewrite that kept its size "
                    + "and modification time)");
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
