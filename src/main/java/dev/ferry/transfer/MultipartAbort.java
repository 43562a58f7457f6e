package dev.ferry.transfer;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one way a multipart upload that did not complete is given up, for uploads and both kinds of copy: its parts
 * must not linger (and cost storage) in the bucket. When the upload failed because its thread was interrupted (a
 * shutdown after its grace period, or a replication job stopped), the interrupt is set aside for the abort, which
 * the SDK would otherwise refuse at once, and the abort is bounded by {@link #TIMEOUT}; the interrupt is then set
 * again for the caller.
 */
final class MultipartAbort {
    private static final Logger log = LoggerFactory.getLogger(MultipartAbort.class);

    /** Longest an abort may take when the upload was interrupted. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private MultipartAbort() {
    }

    /** Aborts the upload; a failing abort is logged (the bucket's lifecycle rule cleans up), never thrown. */
    static void abort(S3Client s3, String bucket, String key, String uploadId, String subject, Failures failures) {
        boolean interrupted = Thread.interrupted();
        try {
            s3.abortMultipartUpload(b -> {
                b.bucket(bucket).key(key).uploadId(uploadId);
                if (interrupted) {
                    b.overrideConfiguration(o -> o.apiCallTimeout(TIMEOUT));
                }
            });
            log.debug("{}: multipart upload {} aborted", subject, uploadId);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // NoSuchUpload, also from servers that send no error code with it
                // completed after all (its answer was what went missing), or aborted already: no part lingers
                log.debug("{}: multipart upload {} is no longer open: nothing to abort", subject, uploadId);
            } else {
                warn(subject, uploadId, e, failures);
            }
        } catch (RuntimeException e) {
            warn(subject, uploadId, e, failures);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void warn(String subject, String uploadId, RuntimeException e, Failures failures) {
        log.warn("{}: could not abort multipart upload {} (parts may linger until a lifecycle rule removes"
                + " them, see docs/operations.md): {}", subject, uploadId, failures.redact(String.valueOf(e.getMessage())));
    }
}
