package dev.ferry.core;

import java.util.Optional;

/**
 * Moves bytes to an S3-compatible store. It decides nothing about <em>whether</em> to upload: that is the
 * engine's job. Implementations are thread-safe. Failures are thrown as {@link TransferException}, already
 * classified, with a reason fit for a log line and the state store (never a credential).
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Uploads one local file (single PUT below the multipart threshold, parallel parts above it), with
     * content type from the file name, an integrity checksum the server verifies, and the file's
     * modification time in {@code X-Amz-Meta-Mtime}.
     */
    PutResult put(PutRequest request);

    /** The object's size, ETag and metadata, or empty when there is no such object. */
    Optional<RemoteObject> head(String bucket, String key);

    /**
     * Makes sure the bucket exists, creating it when {@code create} is true and it is missing.
     * Throws a PERMANENT {@link TransferException} when it is missing and may not be created.
     */
    void ensureBucket(String bucket, boolean create);

    @Override
    void close();
}
