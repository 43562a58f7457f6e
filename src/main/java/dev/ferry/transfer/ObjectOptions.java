package dev.ferry.transfer;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Puts {@link UploadOptions} on the requests that create objects: storage class and server-side encryption
 * headers ({@code x-amz-storage-class}, {@code x-amz-server-side-encryption},
 * {@code x-amz-server-side-encryption-aws-kms-key-id}).
 */
final class ObjectOptions {
    private ObjectOptions() {
    }

    /** The options with a canonical storage class name; an unknown one fails (retryably: it is configuration). */
    static UploadOptions checked(String subject, UploadOptions options) {
        if (options.storageClass().isEmpty()) {
            return options;
        }
        try {
            String canonical = StorageClasses.requireKnown(options.storageClass().get());
            return new UploadOptions(java.util.Optional.of(canonical), options.serverSideEncryption(),
                    options.kmsKeyId());
        } catch (IllegalArgumentException e) {
            throw new TransferException(FailureKind.RETRYABLE, subject + ": " + e.getMessage());
        }
    }

    static PutObjectRequest.Builder apply(UploadOptions options, PutObjectRequest.Builder b) {
        options.storageClass().ifPresent(b::storageClass);
        options.serverSideEncryption().ifPresent(b::serverSideEncryption);
        options.kmsKeyId().ifPresent(b::ssekmsKeyId);
        return b;
    }

    static CreateMultipartUploadRequest.Builder apply(UploadOptions options, CreateMultipartUploadRequest.Builder b) {
        options.storageClass().ifPresent(b::storageClass);
        options.serverSideEncryption().ifPresent(b::serverSideEncryption);
        options.kmsKeyId().ifPresent(b::ssekmsKeyId);
        return b;
    }
}
