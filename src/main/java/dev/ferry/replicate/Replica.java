package dev.ferry.replicate;

import dev.ferry.config.ReplicaDestination;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.UploadOptions;
import java.util.Objects;

/**
 * One destination of a job as a full sync uses it: where it is, the store that lists, heads and deletes there,
 * and the copier that reaches it from the job's source.
 *
 * @param serverSide whether {@code copier} copies on the server (for logs and the docs' promise)
 */
public record Replica(ReplicaDestination destination, ObjectStore store, Copier copier, boolean serverSide) {
    public Replica {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(copier, "copier");
    }

    public String bucket() {
        return destination.location().bucket();
    }

    public String prefix() {
        return destination.location().prefix();
    }

    /** The storage class and encryption of each copy (empty: the source's class, the bucket's encryption). */
    public UploadOptions options() {
        return new UploadOptions(destination.storageClass(), destination.sse(), destination.kmsKeyId());
    }
}
