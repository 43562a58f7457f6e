package dev.ferry.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the state store knows about one item carried to one destination: for a local tree, one file going to one
 * bucket. Keyed by {@link #id()}: source, item and destination bucket.
 *
 * @param source      the id of the source the item is in: for a local tree, this daemon's {@link InstanceId}
 * @param path        the item's key in its source: for a local tree, the absolute normalized local path
 * @param bucket      destination bucket, part of the identity ("" when the file has none, e.g. ignored at the root)
 * @param key         destination key ("" when the file has none)
 * @param status      where the file stands
 * @param size        size in bytes of the version this record describes
 * @param mtimeMillis modification time (ms since the epoch) of the version this record describes
 * @param ctimeNanos  inode change time of that version (ns since the epoch), {@link FileStat#UNKNOWN} when not
 *                    known (a record written before Ferry kept it, or a platform without it)
 * @param inode       inode number of that version, {@link FileStat#UNKNOWN} when not known
 * @param checksum    lower-case hex MD5 of that version's content, "" when not known
 * @param etag        ETag S3 returned for it, "" when not known
 * @param attempts    failed attempts since the last success (0 after an upload)
 * @param reason      why the last attempt failed, or why the file is ignored; "" otherwise
 * @param permanent   a failure that will not be retried until the file changes
 * @param createdAt   when the record was first written
 * @param updatedAt   when it was last written
 * @param uploadedAt  when this version reached S3, if it did
 * @param storageClass the storage class of the object this record's ETag names, as Ferry asked for it when it
 *                    uploaded the object (or found it when it recorded an object already in S3); "" when not known
 *                    (a record written before Ferry kept it, a copy). An object in S3 found in another class than the
 *                    one Ferry asked for was moved there by a lifecycle rule or kept there by the server: uploading
 *                    it again would not change that
 */
public record FileRecord(
        String source,
        String path,
        String bucket,
        String key,
        FileStatus status,
        long size,
        long mtimeMillis,
        long ctimeNanos,
        long inode,
        String checksum,
        String etag,
        int attempts,
        String reason,
        boolean permanent,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> uploadedAt,
        String storageClass) {

    public FileRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        Objects.requireNonNull(storageClass, "storageClass");
    }

    /** A record that does not know the storage class of its object. */
    public FileRecord(String source, String path, String bucket, String key, FileStatus status, long size,
            long mtimeMillis, long ctimeNanos, long inode, String checksum, String etag, int attempts, String reason,
            boolean permanent, Instant createdAt, Instant updatedAt, Optional<Instant> uploadedAt) {
        this(source, path, bucket, key, status, size, mtimeMillis, ctimeNanos, inode, checksum, etag, attempts, reason,
                permanent, createdAt, updatedAt, uploadedAt, "");
    }

    /** A record whose version is known by size and modification time alone (ctime and inode unknown). */
    public FileRecord(String source, String path, String bucket, String key, FileStatus status, long size,
            long mtimeMillis, String checksum, String etag, int attempts, String reason, boolean permanent,
            Instant createdAt, Instant updatedAt, Optional<Instant> uploadedAt) {
        this(source, path, bucket, key, status, size, mtimeMillis, FileStat.UNKNOWN, FileStat.UNKNOWN, checksum, etag,
                attempts, reason, permanent, createdAt, updatedAt, uploadedAt);
    }

    /** The record's identity: source, item (the path) and destination bucket. */
    public RecordId id() {
        return new RecordId(source, path, bucket);
    }

    /** The version this record describes. */
    public FileStat stat() {
        return new FileStat(size, mtimeMillis, ctimeNanos, inode);
    }

    /** A fresh record for a file seen for the first time. */
    public static FileRecord pending(String source, String path, String bucket, String key, FileStat stat,
            Instant now) {
        return new FileRecord(source, path, bucket, key, FileStatus.PENDING, stat.size(), stat.mtimeMillis(),
                stat.ctimeNanos(), stat.inode(), "", "", 0, "", false, now, now, Optional.empty());
    }

    /** Like {@link #pending(String, String, String, String, FileStat, Instant)}, ctime and inode unknown. */
    public static FileRecord pending(String source, String path, String bucket, String key, long size,
            long mtimeMillis, Instant now) {
        return pending(source, path, bucket, key, new FileStat(size, mtimeMillis), now);
    }

    /** The start of the reason of a file deleted locally whose object's deletion failed (the failure follows). */
    public static final String DELETION_FAILED = "deleted locally; deleting its object from S3 failed: ";

    /**
     * This record, FAILED because its file was deleted locally and the deletion of its object failed ({@code why}):
     * it keeps the version uploaded, so the next attempt still knows the object is Ferry's to delete.
     */
    public FileRecord deletionFailed(String why, Instant now) {
        return failed(bucket, key, stat(), DELETION_FAILED + why, false, now);
    }

    /** True for a record of {@link #deletionFailed}: its file is gone by design, its object is still to delete. */
    public boolean isDeletionFailure() {
        return status == FileStatus.FAILED && reason.startsWith(DELETION_FAILED);
    }

    /** True when this record describes the given version of the file (same size and modification time). */
    public boolean describes(long size, long mtimeMillis) {
        return this.size == size && this.mtimeMillis == mtimeMillis;
    }

    public FileRecord withStatus(FileStatus newStatus, Instant now) {
        return new FileRecord(source, path, bucket, key, newStatus, size, mtimeMillis, ctimeNanos, inode, checksum, etag,
                attempts, reason, permanent, createdAt, now, uploadedAt, storageClass);
    }

    /**
     * The same record for the same content under a moved ctime or inode (a chmod, a hard link, the same bytes
     * copied back), with the checksum found when it was checked; nothing else changes.
     */
    public FileRecord withIdentity(FileStat stat, String contentMd5, Instant now) {
        return new FileRecord(source, path, bucket, key, status, size, mtimeMillis, stat.ctimeNanos(), stat.inode(),
                contentMd5.isEmpty() ? checksum : contentMd5, etag, attempts, reason, permanent, createdAt, now,
                uploadedAt, storageClass);
    }

    public FileRecord uploading(String bucket, String key, FileStat stat, String checksum, Instant now) {
        return new FileRecord(source, path, bucket, key, FileStatus.UPLOADING, stat.size(), stat.mtimeMillis(),
                stat.ctimeNanos(), stat.inode(), checksum, "", attempts, reason, false, createdAt, now, uploadedAt,
                storageClass);
    }

    /**
     * This record, UPLOADED: the object {@code etag} at {@code key} holds {@code stat}'s version, in the storage class
     * {@code objectClass} (the one asked for at the upload, or the one found; "" when not known).
     */
    public FileRecord uploaded(String bucket, String key, FileStat stat, String checksum, String etag,
            String objectClass, Instant now) {
        return new FileRecord(source, path, bucket, key, FileStatus.UPLOADED, stat.size(), stat.mtimeMillis(),
                stat.ctimeNanos(), stat.inode(), checksum, etag, 0, "", false, createdAt, now, Optional.of(now),
                objectClass);
    }

    public FileRecord failed(String bucket, String key, FileStat stat, String why, boolean isPermanent, Instant now) {
        return new FileRecord(source, path, bucket, key, FileStatus.FAILED, stat.size(), stat.mtimeMillis(),
                stat.ctimeNanos(), stat.inode(), checksum, etag, attempts + 1, why, isPermanent, createdAt, now,
                uploadedAt, storageClass);
    }

    /**
     * This record, closed because its file was deleted before it was uploaded (seen by a worker, or found after
     * a sweep), or before the upload of its latest version ended: IGNORED, so it leaves {@code ferry failed}; should the file come back, it does not stop its upload.
     */
    public FileRecord deletedBeforeUpload(Instant now) {
        return ignored(bucket, key, stat(), uploadedAt.isPresent()
                ? "deleted locally before its latest version was uploaded; S3 keeps the version before it"
                : "deleted locally before it was uploaded", now);
    }

    public FileRecord ignored(String bucket, String key, FileStat stat, String why, Instant now) {
        return new FileRecord(source, path, bucket, key, FileStatus.IGNORED, stat.size(), stat.mtimeMillis(),
                stat.ctimeNanos(), stat.inode(), checksum, etag, 0, why, true, createdAt, now, uploadedAt,
                storageClass);
    }

    // The same, for a version known by size and modification time alone (ctime and inode unknown).

    public FileRecord uploading(String bucket, String key, long size, long mtimeMillis, String checksum, Instant now) {
        return uploading(bucket, key, new FileStat(size, mtimeMillis), checksum, now);
    }

    public FileRecord uploaded(String bucket, String key, long size, long mtimeMillis, String checksum, String etag,
            Instant now) {
        return uploaded(bucket, key, new FileStat(size, mtimeMillis), checksum, etag, "", now);
    }

    public FileRecord failed(String bucket, String key, long size, long mtimeMillis, String why, boolean isPermanent,
            Instant now) {
        return failed(bucket, key, new FileStat(size, mtimeMillis), why, isPermanent, now);
    }

    public FileRecord ignored(String bucket, String key, long size, long mtimeMillis, String why, Instant now) {
        return ignored(bucket, key, new FileStat(size, mtimeMillis), why, now);
    }
}
