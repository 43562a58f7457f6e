package dev.ferry.core;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a local file needs uploading, given what the state store says and, where S3 is asked, what the
 * object is. The one place this is decided (rclone's needsTransfer): the worker, the sweep and the
 * reconciliation all ask here.
 *
 * <p>A file whose size and mtime match its UPLOADED record but whose inode change time or inode moved is
 * <em>suspect</em>: its content may have been rewritten with the old mtime put back, or only its metadata
 * changed (chmod, chown, a hard link, the same bytes copied back). Sweeps hand it to a worker like a changed
 * file; the worker compares the content's MD5 with the recorded checksum and uploads only when they differ.
 * A ctime or inode the record does not know (written before Ferry kept them) counts as not moved.
 */
public final class UploadDecision {
    /** Why a suspect file is handed to a worker. */
    public static final String SUSPECT = "ctime or inode changed with the same size and mtime: checking the content";
    /** Why a touched file (same size, another mtime, the uploaded MD5 recorded) is handed to a worker. */
    public static final String TOUCHED = "modification time changed with the same size: checking the content";
    /** Why a file the state store does not know is handed over (no record, or one that knows no version). */
    public static final String NEW_FILE = "new file";

    private UploadDecision() {
    }

    /** Why a file needs uploading, or empty when it does not. */
    public static Optional<String> needsUpload(Optional<FileRecord> record, Destination destination, FileStat stat) {
        if (unknown(record)) {
            return Optional.of(NEW_FILE);
        }
        FileRecord r = record.get();
        boolean sameVersion = r.describes(stat.size(), stat.mtimeMillis());
        if (movedDestination(record, destination)) {
            return Optional.of("new destination");
        }
        if (!sameVersion) {
            return Optional.of(r.status() == FileStatus.UPLOADED ? "changed" : "new version");
        }
        return switch (r.status()) {
            case UPLOADED -> stat.identityMovedFrom(r.stat()) ? Optional.of(SUSPECT) : Optional.empty();
            case FAILED -> r.permanent() ? Optional.empty() : Optional.of("retry after failure");
            case IGNORED -> Optional.of("no longer ignored");
            case PENDING, UPLOADING -> Optional.of("unfinished upload");
        };
    }

    /**
     * True when the record knows the file but names another key or bucket than {@code destination} (the site's
     * prefix or a rewrite changed, perhaps back to an earlier one): the record says nothing of the object at the
     * new key, which may hold the content already.
     */
    public static boolean movedDestination(Optional<FileRecord> record, Destination destination) {
        return !unknown(record) && !(record.get().bucket().equals(destination.bucket())
                && record.get().key().equals(destination.key()));
    }

    /**
     * True when the record says this version of the file (its size and mtime) was uploaded, to whichever
     * destination.
     */
    public static boolean uploaded(Optional<FileRecord> record, FileStat stat) {
        return record.isPresent() && record.get().status() == FileStatus.UPLOADED
                && record.get().describes(stat.size(), stat.mtimeMillis());
    }

    /** Why an object of {@code remoteSize} bytes cannot hold the file: its size differs; empty when it may. */
    public static Optional<String> sizeDiffers(long remoteSize, FileStat stat) {
        return remoteSize == stat.size() ? Optional.empty()
                : Optional.of("size " + stat.size() + " locally, " + remoteSize + " in S3");
    }

    /** True when the object holds this version by size and the mtime metadata Ferry and rclone write. */
    public static boolean sameSizeAndMtime(RemoteObject remote, FileStat stat) {
        return remote.size() == stat.size() && remote.mtimeMillis().map(m -> m == stat.mtimeMillis()).orElse(false);
    }

    /**
     * Why a listed object does not hold this version of the file when compared by size and modification time
     * (rclone's default), or empty when it does. A listing has no mtime: when the record cannot vouch for the
     * object (this version uploaded, and the object's ETag the one recorded), {@code head} is asked for the
     * object's mtime metadata. A suspect file (the record's ctime or inode moved) is handed on: size and mtime
     * cannot see a rewrite that kept them.
     */
    public static Optional<String> bySizeAndMtime(Optional<FileRecord> record, Destination destination,
            FileStat stat, RemoteEntry remote, Supplier<Optional<RemoteObject>> head) {
        Optional<String> size = sizeDiffers(remote.size(), stat);
        if (size.isPresent()) {
            return size;
        }
        if (suspect(record, destination, stat)) {
            return Optional.of(SUSPECT);
        }
        if (uploaded(record, stat) && remote.etag().equals(record.get().etag())) {
            return Optional.empty();
        }
        boolean sameTime = head.get().flatMap(RemoteObject::mtimeMillis).map(m -> m == stat.mtimeMillis())
                .orElse(false);
        return sameTime ? Optional.empty() : Optional.of("modification time differs");
    }

    /**
     * True when the state store does not know which version of the file, if any, is in S3: no record, or a
     * record that knows no size and modification time (one imported from the earlier image-sync daemon's
     * collection, which kept only {@code uploaded: true}). Such a file is compared with S3 before it is uploaded, where a listing
     * is at hand.
     */
    public static boolean unknown(Optional<FileRecord> record) {
        return record.isEmpty() || record.get().size() < 0 && record.get().mtimeMillis() < 0;
    }

    /**
     * True when the record says this very version (size, mtime, destination) is uploaded while its ctime or
     * inode moved: only its content's MD5 can tell whether it needs uploading again.
     */
    public static boolean suspect(Optional<FileRecord> record, Destination destination, FileStat stat) {
        return uploadedVersion(record, destination, stat) && stat.identityMovedFrom(record.get().stat());
    }

    /**
     * True when the record says the file was uploaded to this destination with this size and the MD5 of what was
     * sent, and only the modification time differs (a {@code touch}, a copy that did not keep times, or a
     * rewrite of the same size): the worker compares the content's MD5 with the recorded one and, when they
     * agree, records the new mtime instead of uploading the same bytes again.
     */
    public static boolean touched(Optional<FileRecord> record, Destination destination, FileStat stat) {
        return record.isPresent() && record.get().status() == FileStatus.UPLOADED
                && record.get().size() == stat.size() && record.get().mtimeMillis() != stat.mtimeMillis()
                && !record.get().checksum().isEmpty()
                && record.get().bucket().equals(destination.bucket()) && record.get().key().equals(destination.key());
    }

    /**
     * The record to write when it says this version is uploaded but does not know the ctime and inode that
     * {@code stat} has (a record from before Ferry kept them): the same record with them filled in, so a later
     * rewrite that keeps size and mtime is seen. Empty when nothing needs writing.
     */
    public static Optional<FileRecord> identityToFill(Optional<FileRecord> record, Destination destination,
            FileStat stat, Instant now) {
        if (!uploadedVersion(record, destination, stat) || record.get().stat().knowsIdentity()
                || !stat.knowsIdentity()) {
            return Optional.empty();
        }
        return Optional.of(record.get().withIdentity(stat, "", now));
    }

    private static boolean uploadedVersion(Optional<FileRecord> record, Destination destination, FileStat stat) {
        return record.isPresent() && record.get().status() == FileStatus.UPLOADED
                && record.get().describes(stat.size(), stat.mtimeMillis())
                && record.get().bucket().equals(destination.bucket()) && record.get().key().equals(destination.key());
    }

    /** True when the record already says this rejection for this version, so nothing needs writing. */
    public static boolean alreadyRecorded(Optional<FileRecord> record, FileStatus status, String reason,
            FileStat stat) {
        return record.isPresent()
                && record.get().status() == status
                && record.get().reason().equals(reason)
                && record.get().describes(stat.size(), stat.mtimeMillis());
    }
}
