package dev.ferry.core;

import java.util.Objects;

/**
 * One item to upload.
 *
 * @param bucket      destination bucket
 * @param key         destination key
 * @param content     the item's content, read by range (whole for one PUT, part by part for a multipart upload)
 * @param size        size the caller saw when it decided to upload (the upload sends what is read)
 * @param mtimeMillis modification time to record in {@code X-Amz-Meta-Mtime}
 * @param options     storage class and server-side encryption for the object
 */
public record PutRequest(String bucket, String key, ItemContent content, long size, long mtimeMillis,
        UploadOptions options) {
    public PutRequest {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
    }

    /** A request with the bucket's defaults ({@link UploadOptions#NONE}). */
    public PutRequest(String bucket, String key, ItemContent content, long size, long mtimeMillis) {
        this(bucket, key, content, size, mtimeMillis, UploadOptions.NONE);
    }
}
