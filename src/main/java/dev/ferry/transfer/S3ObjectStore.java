package dev.ferry.transfer;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UrlCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 {@link ObjectStore}: AWS SDK v2 synchronous client over the Apache HTTP client. Objects carry rclone's
 * metadata ({@code mtime}, and {@code md5chksum} for multipart uploads) and every PutObject/UploadPart carries a
 * Content-MD5 the server verifies. Upload bodies draw from the settings' {@link BandwidthLimiter} when there is
 * one. Thread-safe; one instance per set of credentials and endpoint, shared by all workers.
 */
public final class S3ObjectStore implements ObjectStore {
    static final String META_MTIME = "mtime";
    static final String META_MD5 = "md5chksum";
    public static final int MAX_KEY_BYTES = 1024;
    /** S3's largest object. */
    static final long MAX_OBJECT_SIZE = 5L * 1024 * 1024 * 1024 * 1024;
    /** Largest {@link #putBytes} content: it is held in memory. */
    static final int MAX_PUT_BYTES = 16 * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

    /** How long a probe waits for the endpoint's answer: short, so a black hole's end is seen within seconds. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final S3Settings settings;
    private final S3Client s3;
    private final Failures failures;
    private final SinglePartUploader single;
    private final MultipartUploader multipart;
    private final ObjectDeleter deleter;
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    private final S3Clients.Connection connection;

    private S3ObjectStore(S3Settings settings, S3Clients.Connection connection) {
        this.settings = settings;
        this.connection = connection;
        this.s3 = connection.s3();
        this.failures = new Failures(settings.secretKey().stream().toList());
        UploadBodies bodies = new UploadBodies(settings.bandwidthLimiter(), settings.attemptTimeout());
        this.single = new SinglePartUploader(s3, connection.direct(), failures, bodies);
        this.multipart = new MultipartUploader(s3, failures, settings, bodies);
        this.deleter = new ObjectDeleter(s3, failures);
    }

    public static S3ObjectStore create(S3Settings settings) {
        log.info("s3: connecting with {}", settings);
        return new S3ObjectStore(settings, S3Clients.connect(settings));
    }

    @Override
    public PutResult put(PutRequest request) {
        String subject = subject(request.bucket(), request.key());
        checkKey(subject, request.key());
        long size;
        try {
            size = request.size() >= 0 ? request.size() : request.content().currentLength();
        } catch (IOException e) {
            throw failures.local(subject, e);
        }
        if (size > MAX_OBJECT_SIZE) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": file is " + size
                    + " bytes, larger than S3's limit of 5 TiB per object");
        }
        UploadOptions options = ObjectOptions.checked(subject, request.options());
        String contentType = ContentTypes.forName(request.content().name());
        String mtime = Mtime.formatMillis(request.mtimeMillis());
        Map<String, String> metadata = options.storageClass().isPresent()
                ? Map.of(META_MTIME, mtime, UploadOptions.META_STORAGE_CLASS, options.storageClass().get())
                : Map.of(META_MTIME, mtime);
        try {
            PutResult result = size >= settings.multipartThreshold()
                    ? multipart.upload(subject, request, size, contentType, metadata, options)
                    : single.upload(subject, request, size, contentType, metadata, options);
            log.debug("{}: uploaded {} bytes, etag {}", subject, result.bytes(), result.etag());
            return result;
        } catch (TransferException e) {
            forgetMissingBucket(request.bucket(), e);
            throw e;
        }
    }

    @Override
    public PutResult putBytes(String bucket, String key, byte[] content, String contentType, UploadOptions options) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(contentType, "contentType");
        String subject = subject(bucket, key);
        checkKey(subject, key);
        if (content.length > MAX_PUT_BYTES) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": " + content.length
                    + " bytes is too large for putBytes (at most " + MAX_PUT_BYTES + "): write a file and put it");
        }
        UploadOptions checked = ObjectOptions.checked(subject, options);
        try {
            PutResult result = single.upload(subject, bucket, key, content, contentType, checked);
            log.debug("{}: uploaded {} bytes from memory, etag {}", subject, result.bytes(), result.etag());
            return result;
        } catch (TransferException e) {
            forgetMissingBucket(bucket, e);
            throw e;
        }
    }

    @Override
    public Stream<RemoteEntry> list(String bucket, String prefix) {
        return list(bucket, prefix, ObjectListing.PAGE_SIZE);
    }

    /** {@link #list(String, String)} with a smaller page size, so tests can page over a few keys. */
    Stream<RemoteEntry> list(String bucket, String prefix, int pageSize) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        return ObjectListing.stream(s3, failures, bucket, prefix, pageSize);
    }

    @Override
    public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
        return delete(bucket, keys, ObjectDeleter.BATCH);
    }

    /** {@link #delete(String, Collection)} with a smaller batch size, so tests can batch a few keys. */
    List<DeleteFailure> delete(String bucket, Collection<String> keys, int batchSize) {
        Objects.requireNonNull(bucket, "bucket");
        if (batchSize < 1 || batchSize > ObjectDeleter.BATCH) {
            throw new IllegalArgumentException("batch size must be between 1 and 1000, got " + batchSize);
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        return deleter.delete(bucket, keys, batchSize);
    }

    private void forgetMissingBucket(String bucket, TransferException e) {
        if (e.kind() == FailureKind.NO_SUCH_BUCKET) {
            knownBuckets.remove(bucket);
        }
    }

    @Override
    public Optional<RemoteObject> head(String bucket, String key) {
        String subject = subject(bucket, key);
        checkKey(subject, key);
        HeadObjectResponse response;
        try {
            response = s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failures.remote(subject, "cannot read object metadata", e);
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot read object metadata", e);
        }
        return Optional.of(RemoteObjects.from(bucket, key, response));
    }

    /**
     * {@code length} bytes of the object from {@code offset} (a ranged GET; a zero length opens an empty stream
     * without a request), for an object read as the content of another bucket's item (replication). The caller
     * closes the stream.
     *
     * @throws IOException when the object cannot be read; its message names the object, never a credential
     */
    public java.io.InputStream openRange(String bucket, String key, long offset, long length) throws IOException {
        if (length <= 0) {
            return java.io.InputStream.nullInputStream();
        }
        String subject = subject(bucket, key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (RuntimeException e) {
            TransferException failure = failures.remote(subject, "cannot read the object", e);
            throw new IOException(failure.getMessage(), failure);
        }
    }

    @Override
    public String endpoint() {
        return settings.endpoint().map(uri -> UrlCredentials.maskUrl(uri.toString()))
                .orElse("https://s3." + settings.region() + ".amazonaws.com");
    }

    /** One HEAD of a key that is not there, all of it (the SDK's retries included) within {@link #PROBE_TIMEOUT}. */
    @Override
    public void probe(String bucket) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(PROBE_KEY).overrideConfiguration(o -> o
                    .apiCallTimeout(PROBE_TIMEOUT).apiCallAttemptTimeout(PROBE_TIMEOUT)));
        } catch (RuntimeException e) {
            TransferException failure = failures.remote(endpoint(), "probe of bucket " + bucket, e);
            if (failure.kind() == FailureKind.UNREACHABLE) {
                throw failure;
            }
            // it answered (no such key, no such bucket, access denied...): reachable
        }
    }

    @Override
    public void ensureBucket(String bucket, boolean create) {
        if (knownBuckets.contains(bucket)) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(bucket));
            knownBuckets.add(bucket);
            return;
        } catch (NoSuchBucketException e) {
            // missing: create it below when allowed
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                // A HEAD answer has no body, so its 403 does not say whether the keys or the permission were
                // refused: a GET of one key of the listing does. Refused keys fail here, in one message.
                refusedKeys(bucket);
                // HeadBucket needs s3:ListBucket, which upload-only policies lack: let the uploads find out
                log.warn("{}: not allowed to check that the bucket exists (HTTP 403 AccessDenied); assuming it "
                        + "does", bucket);
                knownBuckets.add(bucket);
                return;
            }
            if (e.statusCode() != 404) {
                throw failures.remote(bucket, "cannot check bucket", e);
            }
        } catch (RuntimeException e) {
            throw failures.remote(bucket, "cannot check bucket", e);
        }
        if (!create) {
            throw new TransferException(FailureKind.PERMANENT,
                    "bucket " + bucket + " does not exist and create_buckets is off");
        }
        createBucket(bucket);
        knownBuckets.add(bucket);
    }

    /** Throws CREDENTIALS_REFUSED when the server refuses the keys themselves; anything else is left to the caller. */
    private void refusedKeys(String bucket) {
        try {
            s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(1));
        } catch (RuntimeException e) {
            TransferException failure = failures.remote(bucket, "cannot check bucket", e);
            if (failure.kind() == FailureKind.CREDENTIALS_REFUSED) {
                throw failure;
            }
        }
    }

    private void createBucket(String bucket) {
        try {
            s3.createBucket(b -> {
                b.bucket(bucket);
                if (!"us-east-1".equals(settings.region())) {
                    b.createBucketConfiguration(c -> c.locationConstraint(settings.region()));
                }
            });
            log.info("{}: created bucket", bucket);
        } catch (BucketAlreadyOwnedByYouException e) {
            log.debug("{}: bucket already exists and is ours", bucket);
        } catch (BucketAlreadyExistsException e) {
            throw new TransferException(FailureKind.PERMANENT,
                    bucket + ": cannot create bucket: the name is taken by another account", e);
        } catch (RuntimeException e) {
            throw failures.remote(bucket, "cannot create bucket", e);
        }
    }

    /** Objects stored by a {@link DirectPut}, for tests. */
    long directPuts() {
        return connection.direct().map(DirectPut::stored).orElse(0L);
    }

    /** Free bytes in the shared multipart buffer budget; equals the whole budget when no part is in flight. */
    int freePartBufferBytes() {
        return multipart.freeBufferBytes();
    }

    @Override
    public void close() {
        multipart.close();
        connection.close();
    }

    /** Refuses, as a permanent failure of {@code subject}, a key S3 would refuse: empty, or over 1024 UTF-8 bytes. */
    public static void checkKey(String subject, String key) {
        if (key.isEmpty()) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": the key is empty");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": key too long: " + bytes
                    + " bytes in UTF-8, S3 allows at most " + MAX_KEY_BYTES);
        }
    }

    /** "bucket/key" for reasons and logs, with very long keys shortened. */
    public static String subject(String bucket, String key) {
        String shown = key.length() <= 200 ? key : key.substring(0, 100) + "..." + key.substring(key.length() - 40);
        return bucket + "/" + shown;
    }

    static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }
}
