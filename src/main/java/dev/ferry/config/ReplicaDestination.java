package dev.ferry.config;

import java.util.Optional;

/**
 * One destination of a {@link ReplicateJob}: where copies go, and the storage class and encryption they get
 * (empty: the source object's class, the destination bucket's default encryption).
 */
public record ReplicaDestination(BucketLocation location, Optional<String> storageClass, Optional<String> sse,
        Optional<String> kmsKeyId) {
}
