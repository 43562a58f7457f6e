package dev.ferry.transfer;

import dev.ferry.core.UploadOptions;
import java.util.Map;
import java.util.Objects;

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
 */
public record CopyRequest(String sourceBucket, String sourceKey, String destinationBucket, String destinationKey,
        Map<String, String> addedMetadata, UploadOptions options) {

    public CopyRequest {
        Objects.requireNonNull(sourceBucket, "sourceBucket");
        Objects.requireNonNull(sourceKey, "sourceKey");
        Objects.requireNonNull(destinationBucket, "destinationBucket");
        Objects.requireNonNull(destinationKey, "destinationKey");
        addedMetadata = Map.copyOf(addedMetadata);
        Objects.requireNonNull(options, "options");
    }

    String subject() {
        return "s3://" + sourceBucket + "/" + sourceKey + " -> s3://" + destinationBucket + "/" + destinationKey;
    }
}
