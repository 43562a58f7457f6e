package dev.ferry.transfer;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * DeleteObjects in batches of up to 1,000 keys, in quiet mode (the answer lists only the keys that failed); a key
 * that XML cannot carry goes in a DeleteObject of its own.
 * The request needs an integrity header: the client adds Content-MD5 (see {@link S3Clients}), which every
 * S3-compatible store accepts, on top of the SDK's CRC32.
 */
final class ObjectDeleter {
    static final int BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(ObjectDeleter.class);

    private final S3Client s3;
    private final Failures failures;

    ObjectDeleter(S3Client s3, Failures failures) {
        this.s3 = s3;
        this.failures = failures;
    }

    List<DeleteFailure> delete(String bucket, Collection<String> keys, int batchSize) {
        List<DeleteFailure> refused = new ArrayList<>();
        List<ObjectIdentifier> batch = new ArrayList<>(Math.min(batchSize, keys.size()));
        for (String key : keys) {
            String invalid = invalid(key);
            if (invalid != null) {
                refused.add(new DeleteFailure(String.valueOf(key), invalid));
                continue;
            }
            if (!xmlWritable(key)) {
                deleteAlone(bucket, key, refused);
                continue;
            }
            batch.add(ObjectIdentifier.builder().key(key).build());
            if (batch.size() == batchSize) {
                send(bucket, batch, refused);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) {
            send(bucket, batch, refused);
        }
        return List.copyOf(refused);
    }

    private void send(String bucket, List<ObjectIdentifier> batch, List<DeleteFailure> refused) {
        DeleteObjectsResponse response;
        try {
            response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
        } catch (RuntimeException e) {
            throw failures.remote(bucket, "cannot delete " + objects(batch.size()), e);
        }
        List<DeleteFailure> failed = refusals(response.errors(), failures);
        refused.addAll(failed);
        // each deletion is said by whoever asked for it (a lane logs every object it deleted)
        log.debug("{}: deleted {}{}", bucket, objects(batch.size() - failed.size()),
                failed.isEmpty() ? "" : " (" + failed.size() + " refused, e.g. " + failed.get(0) + ")");
    }

    private static String objects(int n) {
        return n + (n == 1 ? " object" : " objects");
    }

    /**
     * A key with a character XML 1.0 cannot carry (a control character: a file name may hold any but '/' and NUL)
     * would make the server refuse the whole batch as MalformedXML; it goes in a DeleteObject of its own, its key
     * in the URL. A missing key counts as deleted there too.
     */
    private void deleteAlone(String bucket, String key, List<DeleteFailure> refused) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (RuntimeException e) {
            TransferException failure = failures.remote(bucket + "/" + key, "cannot delete object", e);
            if (failure.kind() != FailureKind.PERMANENT && failure.kind() != FailureKind.RETRYABLE) {
                throw failure; // the whole store or bucket is the problem, as when a batch fails
            }
            refused.add(new DeleteFailure(key, failure.getMessage()));
        }
    }

    /** Whether every character of the key is allowed in an XML 1.0 document. */
    static boolean xmlWritable(String key) {
        for (int i = 0; i < key.length(); ) {
            int c = key.codePointAt(i);
            boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            if (!allowed) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** The per-key errors of a DeleteObjects answer, as "Code: message" reasons. */
    static List<DeleteFailure> refusals(List<S3Error> errors, Failures failures) {
        List<DeleteFailure> result = new ArrayList<>(errors.size());
        for (S3Error error : errors) {
            String code = error.code() == null || error.code().isBlank() ? "refused" : error.code();
            String message = error.message() == null || error.message().isBlank() ? "" : ": " + error.message();
            result.add(new DeleteFailure(error.key() == null ? "" : error.key(), failures.redact(code + message)));
        }
        return result;
    }

    private static String invalid(String key) {
        if (key == null || key.isEmpty()) {
            return "the key is empty";
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > S3ObjectStore.MAX_KEY_BYTES) {
            return "key too long: " + bytes + " bytes in UTF-8, S3 allows at most " + S3ObjectStore.MAX_KEY_BYTES;
        }
        return null;
    }
}
