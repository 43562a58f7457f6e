package dev.ferry.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Per-destination settings applied to every object uploaded (PutObject and CreateMultipartUpload).
 * The storage class name is checked against the S3 client's list by {@code dev.ferry.transfer.StorageClasses},
 * which configuration code should call at start-up.
 *
 * @param storageClass         S3 storage class such as "STANDARD_IA"; empty = the bucket's default (STANDARD)
 * @param serverSideEncryption {@value #SSE_S3} or {@value #SSE_KMS}; empty = the bucket's default
 * @param kmsKeyId             KMS key id or ARN, only with {@value #SSE_KMS}; empty = the account's default key
 */
public record UploadOptions(Optional<String> storageClass, Optional<String> serverSideEncryption,
        Optional<String> kmsKeyId) {

    /**
     * User metadata an upload carries when it asks for a storage class: that class. An object found in another class
     * than the one it carries (a lifecycle rule moved it, or the server keeps one class) is Ferry's own upload in the
     * site's class, which uploading again would not change, also when no state record says so (a lost state store).
     */
    public static final String META_STORAGE_CLASS = "ferry-storage-class";

    /** S3-managed keys (SSE-S3). */
    public static final String SSE_S3 = "AES256";
    /** KMS-managed keys (SSE-KMS). */
    public static final String SSE_KMS = "aws:kms";
    private static final Set<String> SSE_VALUES = Set.of(SSE_S3, SSE_KMS);

    /** No storage class, no encryption header: the bucket's defaults. */
    public static final UploadOptions NONE = new UploadOptions(Optional.empty(), Optional.empty(), Optional.empty());

    public UploadOptions {
        Objects.requireNonNull(storageClass, "storageClass");
        Objects.requireNonNull(serverSideEncryption, "serverSideEncryption");
        Objects.requireNonNull(kmsKeyId, "kmsKeyId");
        storageClass.ifPresent(s -> require(!s.isBlank(), "storage class must not be blank"));
        serverSideEncryption.ifPresent(s -> require(SSE_VALUES.contains(s),
                "server-side encryption must be " + SSE_S3 + " or " + SSE_KMS + ", got '" + s + "'"));
        kmsKeyId.ifPresent(k -> require(!k.isBlank(), "KMS key id must not be blank"));
        require(kmsKeyId.isEmpty() || serverSideEncryption.equals(Optional.of(SSE_KMS)),
                "a KMS key id needs server-side encryption " + SSE_KMS);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
