package dev.ferry.core;

import java.util.Map;
import java.util.Optional;

/**
 * What HEAD says about an object.
 *
 * @param bucket       bucket
 * @param key          key
 * @param size         content length
 * @param etag         ETag without quotes
 * @param mtimeMillis  modification time from {@code X-Amz-Meta-Mtime}, when present and parseable
 * @param md5Hex       content MD5: from {@code X-Amz-Meta-Md5chksum} or a single-part ETag, when known
 * @param storageClass storage class, "STANDARD" when the server does not say
 * @param metadata     user metadata, keys lower-case without the {@code x-amz-meta-} prefix
 * @param lastModified when S3 wrote the object, when the server says
 */
public record RemoteObject(String bucket, String key, long size, String etag, Optional<Long> mtimeMillis,
        Optional<String> md5Hex, String storageClass, Map<String, String> metadata,
        Optional<java.time.Instant> lastModified) {

    /** An object whose write time is not known (tests, stores that do not say). */
    public RemoteObject(String bucket, String key, long size, String etag, Optional<Long> mtimeMillis,
            Optional<String> md5Hex, String storageClass, Map<String, String> metadata) {
        this(bucket, key, size, etag, mtimeMillis, md5Hex, storageClass, metadata, Optional.empty());
    }
}
