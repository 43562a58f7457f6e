package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.TransferException;

/**
 * Makes sure a bucket exists before its first upload (creating it when allowed), once, and again after S3
 * said it does not exist. A bucket that cannot be made ready fails the attempt as retryable: an operator
 * may create it or fix the permissions, and the files go then. Refused credentials keep their kind, so a
 * one-shot run can tell them apart. A server that cannot be reached is not recorded as the bucket's problem.
 */
final class BucketGate {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BucketGate.class);
    private final String bucket;
    private final ObjectStore store;
    private final boolean create;
    private final BucketStats stats;
    private volatile boolean ready;

    private final DeleteGuard deleteGuard;

    BucketGate(String bucket, ObjectStore store, boolean create, BucketStats stats, DeleteGuard deleteGuard) {
        this.deleteGuard = deleteGuard;
        this.bucket = bucket;
        this.store = store;
        this.create = create;
        this.stats = stats;
    }

    void ensureBucket() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            try {
                store.ensureBucket(bucket, create);
                ready = true;
                stats.problem(null);
            } catch (TransferException e) {
                // An outage is not a problem of this bucket: it shows as the failures and lastError of its files,
                // and an alert on ferry_bucket_problem must not fire for every bucket whenever the network drops.
                if (e.kind() != FailureKind.UNREACHABLE) {
                    stats.problem(e.getMessage());
                }
                FailureKind kind = e.kind() == FailureKind.CREDENTIALS_REFUSED || e.kind() == FailureKind.UNREACHABLE
                        ? e.kind() : FailureKind.RETRYABLE;
                throw new TransferException(kind, e.getMessage(), e);
            }
        }
    }

    /**
     * S3 refused the upload of {@code path} to this bucket with access denied (valid keys, but a bucket policy or the
     * keys' permissions do not allow the write): the bucket's problem while any of its files is so refused (each
     * leaves it once it is uploaded or gone: {@link BucketStats#succeeded}), logged once when it appears. Refused
     * credentials and outages are not this: they are the endpoint's, not the bucket's.
     */
    void uploadRefused(String path, String reason) {
        String text = "uploads to bucket '" + bucket + "' are refused: access denied, check that the bucket policy "
                + "and the permissions of the credentials allow s3:PutObject (" + reason + ")";
        if (stats.uploadRefused(path, text)) {
            log.error("{}", text);
        }
    }

    /** How the problem of refused deletions reads in /status. */
    static final String DELETIONS_STOPPED = "deletions stopped: ";
    /**
     * What a full sweep's refused deletions are called: that sweep deleted nothing, but deletions seen one by one
     * (the watcher's) still go through the site's delete guard, so deletions are not stopped.
     */
    static final String SWEEP_DELETIONS_REFUSED = "a full sweep's deletions were refused (deletions seen one by one "
            + "still go): ";

    /**
     * Deletions of this bucket are refused (a guard tripped): part of its problem, logged once when it appears
     * (several workers may meet the tripped guard at the same moment).
     */
    void deletionsStopped(String why) {
        if (stats.deletionsStopped(why)) {
            log.error("{}: {}", bucket, why);
        }
    }

    /**
     * A full sweep found no deletion to refuse: the refusal it had reported is over, unless the site's delete guard
     * has tripped (that lasts until a restart).
     */
    void deletionsAllowed() {
        if (!deleteGuard.tripped()) {
            stats.deletionsStopped(null);
        }
    }

    /** Runtime deletions pass the site's guard. */
    boolean allowDelete() {
        return deleteGuard.allow();
    }

    void bucketMissing() {
        ready = false;
    }
}
