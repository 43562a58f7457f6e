package dev.ferry.core;

import java.util.Optional;

/**
 * Whether a local file needs uploading, given what the state store says. The one place this is decided
 * (rclone's needsTransfer): sweeps and workers both ask here.
 */
public final class UploadDecision {
    private UploadDecision() {
    }

    /** Why a file needs uploading, or empty when it does not. */
    public static Optional<String> needsUpload(Optional<FileRecord> record, Destination destination, FileStat stat) {
        if (record.isEmpty()) {
            return Optional.of("new file");
        }
        FileRecord r = record.get();
        boolean sameVersion = r.describes(stat.size(), stat.mtimeMillis());
        boolean sameDestination = r.bucket().equals(destination.bucket()) && r.key().equals(destination.key());
        if (!sameDestination) {
            return Optional.of("new destination");
        }
        if (!sameVersion) {
            return Optional.of(r.status() == FileStatus.UPLOADED ? "changed" : "new version");
        }
        return switch (r.status()) {
            case UPLOADED -> Optional.empty();
            case FAILED -> r.permanent() ? Optional.empty() : Optional.of("retry after failure");
            case IGNORED -> Optional.of("no longer ignored");
            case PENDING, UPLOADING -> Optional.of("unfinished upload");
        };
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
