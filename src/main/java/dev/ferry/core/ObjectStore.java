package dev.ferry.core;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Moves bytes to an S3-compatible store. It decides nothing about <em>whether</em> to upload: that is the
 * engine's job. Implementations are thread-safe. Failures are thrown as {@link TransferException}, already
 * classified, with a reason fit for a log line and the state store (never a credential).
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Uploads one local file (single PUT below the multipart threshold, parallel parts above it), with
     * content type from the file name, an integrity checksum the server verifies, the file's
     * modification time in {@code X-Amz-Meta-Mtime}, and the request's {@link UploadOptions}.
     */
    PutResult put(PutRequest request);

    /**
     * Uploads a small object from memory (sync markers, for example) in one PUT with Content-MD5. It carries no
     * {@code X-Amz-Meta-Mtime}: it is not a copy of a file.
     */
    PutResult putBytes(String bucket, String key, byte[] content, String contentType, UploadOptions options);

    /** The object's size, ETag and metadata, or empty when there is no such object. */
    Optional<RemoteObject> head(String bucket, String key);

    /**
     * The objects whose keys start with {@code prefix} ("" for all), in the order the server lists them (S3:
     * {@link RemoteEntry#KEY_ORDER}), fetched a page at a time as the stream is consumed, so memory does not
     * grow with the bucket. Zero-byte keys ending in "/" (folder placeholders) are left out: no file has such a
     * name. A failure while fetching a page is thrown from the stream's terminal operation as a
     * {@link TransferException}; closing the stream is allowed but not required.
     */
    Stream<RemoteEntry> list(String bucket, String prefix);

    /**
     * Deletes the keys (batched, 1,000 a request). Keys that do not exist count as deleted. Returns the keys the
     * server refused one by one (an empty list when all went); throws a {@link TransferException} only when a
     * whole request fails, in which case earlier batches may already be deleted (deleting again is harmless).
     */
    List<DeleteFailure> delete(String bucket, Collection<String> keys);

    /**
     * Makes sure the bucket exists, creating it when {@code create} is true and it is missing.
     * Throws a PERMANENT {@link TransferException} when it is missing and may not be created.
     */
    void ensureBucket(String bucket, boolean create);

    /**
     * The endpoint this store talks to, fit for logs and /status (no credentials): stores with the same endpoint
     * share its outages.
     */
    default String endpoint() {
        return "S3";
    }

    /**
     * Asks the endpoint one cheap question about {@code bucket} (a HEAD), bounded by a short timeout: returns when
     * the endpoint answered, whatever the answer (a missing object, a refusal); throws an
     * {@link FailureKind#UNREACHABLE} {@link TransferException} when it did not.
     */
    default void probe(String bucket) {
        try {
            head(bucket, PROBE_KEY);
        } catch (TransferException e) {
            if (e.kind() == FailureKind.UNREACHABLE) {
                throw e;
            }
        }
    }

    /** The key a probe asks about; no file maps to it, and its absence is the expected answer. */
    String PROBE_KEY = ".ferry-probe";

    @Override
    void close();
}
