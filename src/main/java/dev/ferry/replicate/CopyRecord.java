package dev.ferry.replicate;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The state store's record of one source object carried (or not) to one destination: written alike by full syncs
 * and by event mode, so {@code ferry failed}, {@code /status} and the next run read one shape whichever copied it.
 */
final class CopyRecord {
    private CopyRecord() {
    }

    /**
     * @param sourceEtag the source object's ETag: its MD5 becomes the record's checksum when it is a plain one
     * @param etag       the copy's ETag ("" when it failed)
     * @param attempts   attempts this time: added to those of a record that failed before, 0 once copied
     * @param before     the record before this one, if any (its creation and upload times carry over)
     */
    static FileRecord of(RecordId id, String destinationKey, FileStatus status, long size, long mtimeMillis,
            String sourceEtag, String etag, int attempts, String reason, boolean permanent,
            Optional<FileRecord> before, Instant now) {
        int tries = status == FileStatus.FAILED ? before.filter(b -> b.status() == FileStatus.FAILED)
                .map(FileRecord::attempts).orElse(0) + attempts : 0;
        String md5 = CopyMetadata.isPlainMd5(sourceEtag) ? sourceEtag.toLowerCase(Locale.ROOT) : "";
        return new FileRecord(id.source(), id.item(), id.destination(), destinationKey, status, size, mtimeMillis,
                md5, etag, tries, reason, permanent, before.map(FileRecord::createdAt).orElse(now), now,
                status == FileStatus.UPLOADED ? Optional.of(now) : before.flatMap(FileRecord::uploadedAt));
    }
}
