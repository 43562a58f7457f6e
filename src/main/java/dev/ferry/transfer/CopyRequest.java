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
 * @param version           the version to copy (its ETag and size, as the caller listed or headed it); another
 *                          version found at the source fails the copy with {@link SourceChangedException}, so the
 *                          copy's metadata, which names that ETag, always tells the truth. Empty: whatever is there.
 *                          With a version and no metadata to add, a server-side copy keeps the source's metadata as
 *                          it is and needs no HEAD of the source first ({@link ServerSideCopier}).
 */
public record CopyRequest(String sourceBucket, String sourceKey, String destinationBucket, String destinationKey,
        Map<String, String> addedMetadata, UploadOptions options, Optional<Version> version) {

    /** A version of the source object: its ETag (without quotes) and size. */
    public record Version(String etag, long size) {
        public Version {
            etag = S3ObjectStore.unquote(Objects.requireNonNull(etag, "etag"));
        }
    }

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
        Objects.requireNonNull(version, "version");
    }

    /**
     * Throws {@link SourceChangedException} when the source's ETag as headed ({@code headed}) is not the version
     * asked for.
     */
    void expect(String headed) {
        if (version.isPresent() && !version.get().etag().equalsIgnoreCase(S3ObjectStore.unquote(headed))) {
            throw new SourceChangedException(subject() + ": the source object changed since it was listed (ETag "
                    + headed + ", listed " + version.get().etag() + ")", null);
        }
    }

    String subject() {
        return "s3://" + sourceBucket + "/" + sourceKey + " -> s3://" + destinationBucket + "/" + destinationKey;
    }
}
