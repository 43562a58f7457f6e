package dev.ferry.core;

/** Where a file stands on its way to S3. Stored by name, so renaming a constant is a schema change. */
public enum FileStatus {
    /** Seen and queued, not yet attempted. */
    PENDING,
    /** An upload was started. After a crash, a record left in this state is checked against S3 before uploading again. */
    UPLOADING,
    /** The object in S3 holds the content described by the record's size, mtime and checksum. */
    UPLOADED,
    /** The last attempt failed; {@link FileRecord#reason()} says why. */
    FAILED,
    /** Deliberately not uploaded (for example a file directly under the watch root); the reason says why. */
    IGNORED
}
