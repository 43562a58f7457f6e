package dev.ferry.transfer;

import dev.ferry.core.UploadOptions;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One object to copy from a source bucket to a destination bucket (replication, issue 14).
 *
 * @param sourceBucket      bucket read
 * @param sourceKey         key read
 * @param destinationBucket bucket written
 * @param destinationKey    key written
 * @param addedMetadata     user metadata added to the source's on the copy (Ferry's copy metadata: the source
 *                          ETag and MD5), keys without the {@code x-amz-meta-} prefix
 * @param options           storage class and encryption of the copy; {@link UploadOptions#NONE}: the source
 *                          object's storage class, the destination bucket's default encryption
 * @param sourceEtag        the version to copy (its ETag, as the caller listed or headed it); another version
 *                          found at the source fails the copy with {@link SourceChangedException}, so the copy's
 *                          metadata, which names that ETag, always tells the truth. Empty: whatever is there.
 */
public record CopyRequest(String sourceBucket, String sourceKey, String destinationBucket, String destinationKey,
        Map<String, String> addedMetadata, UploadOptions options, Optional<String> sourceEtag) {

    /** A copy of whatever version the source holds when the copy starts. */
    public CopyRequest(String sourceBucket, String sourceKey, String destinationBucket, String destinationKey,
            Map<String, String> addedMetadata, UploadOptions options) {
        this(sourceBucket, sourceKey, destinationBucket, destinationKey, addedMetadata, options, Optional.empty());
    }

    public CopyRequest {
        Objects.requireNonNull(sourceBucket, "sourceBucket");
        Objects.requireNonNull(sourceKey, "sourceKey");
        Objects.requireNonNull(destinationBucket, "destinationBucket");
        Objects.requireNonNull(destinationKey, "destinationKey");
        addedMetadata = Map.copyOf(addedMetadata);
        Objects.requireNonNull(options, "options");
        sourceEtag = sourceEtag.map(S3ObjectStore::unquote);
    }

    /**
     * Throws {@link SourceChangedException} when the source's ETag as headed ({@code headed}) is not the version
     * asked for.
     */
    void expect(String headed) {
        if (sourceEtag.isPresent() && !sourceEtag.get().equalsIgnoreCase(S3ObjectStore.unquote(headed))) {
            throw new SourceChangedException(subject() + ": the source object changed since it was listed (ETag "
                    + headed + ", listed " + sourceEtag.get() + ")", null);
        }
    }

    String subject() {
        return "s3://" + sourceBucket + "/" + sourceKey + " -> s3://" + destinationBucket + "/" + destinationKey;
    }
}
