package dev.ferry.transfer;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Copies an object between two buckets no one set of credentials reaches (two accounts, two endpoints, AWS and
 * AWS China): GET from the source, PUT to the destination, with bounded memory. An object below the
 * destination's multipart threshold goes as one PutObject; a larger one as a multipart upload whose parts are
 * ranged GETs of the source, each read into a buffer drawn from a byte budget shared by every copy of this
 * copier, hashed, and sent with its Content-MD5 so the destination verifies every part. The part size is the
 * upload path's rule ({@link CopyPartPlan}); each GET is conditional on the source ETag, so a source rewritten
 * during the copy fails it (412) instead of mixing two versions. Content type, user metadata, cache headers
 * and tags travel; Ferry's copy metadata is added.
 *
 * <p>A small object whose version the request names (its listed ETag and size) is read by one GET, which
 * answers with everything a HEAD would: no HEAD first, and its tags are read only when the GET says it has some,
 * so such a copy is two requests, a GET and a PUT.
 */
public final class StreamingCopier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamingCopier.class);

    private final S3Client source;
    private final S3Client destination;
    private final Failures failures;
    private final long multipartThreshold;
    private final long partSize;
    private final int budget;
    private final Semaphore bufferBytes;
    /** The PUT bodies, drawing from the daemon's bandwidth limit when there is one (bwlimit). */
    private final UploadBodies bodies;

    /** The small copies' PUTs that go without the SDK's pipeline, as small files' uploads do ({@link DirectPut}). */
    private final Optional<DirectPut> direct;
    /** What closes with the copier: the clients it owns (the destination's as its connection), none it was given. */
    private final List<AutoCloseable> owned;

    StreamingCopier(S3Client source, S3Client destination, boolean ownsClients, Failures failures,
            long multipartThreshold, long partSize, int budget) {
        this(source, destination, failures, multipartThreshold, partSize, budget,
                new UploadBodies(Optional.empty(), Optional.empty()), Optional.empty(),
                ownsClients ? List.of(source, destination) : List.of());
    }

    private StreamingCopier(S3Client source, S3Client destination, Failures failures, long multipartThreshold,
            long partSize, int budget, UploadBodies bodies, Optional<DirectPut> direct, List<AutoCloseable> owned) {
        this.bodies = bodies;
        this.direct = direct;
        this.owned = owned;
        this.source = source;
        this.destination = destination;
        this.failures = failures;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.budget = budget;
        this.bufferBytes = new Semaphore(budget, true);
    }

    /**
     * A copier with a client for each side; the buffer budget is the upload path's (two rounds of parts of the
     * destination's part size), the threshold and part size the destination's.
     */
    public static StreamingCopier create(S3Settings sourceSettings, S3Settings destinationSettings) {
        List<String> secrets = new ArrayList<>();
        sourceSettings.secretKey().ifPresent(secrets::add);
        destinationSettings.secretKey().ifPresent(secrets::add);
        S3Client from = S3Clients.build(sourceSettings);
        S3Clients.Connection to = S3Clients.connect(destinationSettings);
        return new StreamingCopier(from, to.s3(), new Failures(secrets), destinationSettings.multipartThreshold(),
                destinationSettings.partSize(), MultipartUploader.budgetFor(destinationSettings),
                new UploadBodies(destinationSettings.bandwidthLimiter(), destinationSettings.attemptTimeout()),
                to.direct(), List.of(from, to));
    }

    /** Bytes currently free in the buffer budget (for tests and status). */
    int freeBufferBytes() {
        return bufferBytes.availablePermits();
    }

    /** Copies one object; throws {@link TransferException} classified as uploads are. */
    public CopyResult copy(CopyRequest r) {
        String subject = r.subject();
        UploadOptions options = ObjectOptions.checked(subject, r.options());
        if (r.version().isPresent() && oneRequest(r.version().get().size())) {
            return named(subject, r, r.version().get(), options);
        }
        SourceObject src;
        try {
            src = SourceObject.of(source.headObject(b -> b.bucket(r.sourceBucket()).key(r.sourceKey())));
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot read the source object", e);
        }
        r.expect(src.etag());
        Map<String, String> tags = Tags.read(source, r.sourceBucket(), r.sourceKey(), subject, failures);
        if (oneRequest(src.size())) {
            return single(subject, r, src, options, tags);
        }
        return multipart(subject, r, src, options, tags);
    }

    /** Whether an object of {@code size} bytes is copied with one PutObject. */
    private boolean oneRequest(long size) {
        return size < multipartThreshold && size <= budget;
    }

    private CopyResult single(String subject, CopyRequest r, SourceObject src, UploadOptions options,
            Map<String, String> tags) {
        int length = (int) src.size();
        byte[] buffer = take(subject, length);
        try {
            if (length > 0) {
                read(subject, r, src, "bytes=0-" + (length - 1), buffer, length);
            }
            return put(subject, r, src, options, tags, buffer, length);
        } finally {
            bufferBytes.release(length);
        }
    }

    /**
     * A small object of a named version: one GET, conditional on its ETag, gives its bytes and what travels with
     * them; its tags are read only when the GET counts some.
     */
    private CopyResult named(String subject, CopyRequest r, CopyRequest.Version v, UploadOptions options) {
        int length = (int) v.size();
        byte[] buffer = take(subject, length);
        try {
            SourceObject src;
            Integer tagCount;
            try (ResponseInputStream<GetObjectResponse> in = source.getObject(b -> b.bucket(r.sourceBucket())
                    .key(r.sourceKey()).ifMatch(ServerSideCopier.quoted(v.etag())))) {
                src = SourceObject.of(in.response());
                tagCount = in.response().tagCount();
                if (src.size() != length) {
                    throw new SourceChangedException(subject + ": the source holds " + src.size() + " bytes, listed "
                            + length, null);
                }
                readFully(subject, in, buffer, length, "the object");
            } catch (IOException | RuntimeException e) {
                throw readFailed(subject, e);
            }
            Map<String, String> tags = tagCount != null && tagCount > 0
                    ? Tags.read(source, r.sourceBucket(), r.sourceKey(), subject, failures) : Map.of();
            return put(subject, r, src, options, tags, buffer, length);
        } finally {
            bufferBytes.release(length);
        }
    }

    /** The PutObject of a small copy whose bytes are in {@code buffer}, sent with their Content-MD5. */
    private CopyResult put(String subject, CopyRequest r, SourceObject src, UploadOptions options,
            Map<String, String> tags, byte[] buffer, int length) {
        try {
            PutObjectRequest.Builder b = src.copyTo(PutObjectRequest.builder(), r, options, tags)
                    .contentMD5(LocalFiles.base64(LocalFiles.md5(buffer, length))).contentLength((long) length);
            bodies.override(length).ifPresent(b::overrideConfiguration);
            PutObjectRequest put = b.build();
            byte[] content = bytes(buffer, length);
            Optional<String> sent = direct.isPresent() ? direct.get().put(put, content) : Optional.empty();
            String etag = sent.isPresent() ? sent.get() : destination.putObject(put, body(content)).eTag();
            log.debug("{}: streamed {} bytes in one request", subject, length);
            return new CopyResult(src.etag(), S3ObjectStore.unquote(etag), length, 1, false);
        } catch (TransferException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failures.remote(subject, "streaming copy failed", e);
        }
    }

    private CopyResult multipart(String subject, CopyRequest r, SourceObject src, UploadOptions options,
            Map<String, String> tags) {
        List<CopyPartPlan.Part> plan = CopyPartPlan.parts(src.size(), partSize);
        long largest = plan.get(0).length();
        if (largest > budget) {
            throw new TransferException(FailureKind.PERMANENT, subject + ": parts of " + largest + " bytes do not fit "
                    + "the copy buffer budget of " + budget + " bytes; raise multipart_part_size or the budget");
        }
        String uploadId;
        try {
            uploadId = destination.createMultipartUpload(b -> src.copyTo(b, r, options, tags)).uploadId();
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot start multipart upload", e);
        }
        try {
            List<CompletedPart> done = new ArrayList<>();
            for (CopyPartPlan.Part p : plan) {
                done.add(part(subject, r, src, uploadId, p));
            }
            String etag = destination.completeMultipartUpload(b -> b.bucket(r.destinationBucket())
                    .key(r.destinationKey()).uploadId(uploadId).multipartUpload(m -> m.parts(done))).eTag();
            log.debug("{}: streamed {} bytes in {} parts", subject, src.size(), done.size());
            return new CopyResult(src.etag(), S3ObjectStore.unquote(etag), src.size(), done.size(), false);
        } catch (RuntimeException e) {
            MultipartAbort.abort(destination, r.destinationBucket(), r.destinationKey(), uploadId, subject, failures);
            throw e instanceof TransferException t ? t : failures.remote(subject, "streaming multipart copy failed", e);
        }
    }

    private CompletedPart part(String subject, CopyRequest r, SourceObject src, String uploadId, CopyPartPlan.Part p) {
        int length = (int) p.length();
        byte[] buffer = take(subject, length);
        try {
            read(subject, r, src, p.range(), buffer, length);
            String md5 = LocalFiles.base64(LocalFiles.md5(buffer, length));
            String etag = destination.uploadPart(b -> {
                b.bucket(r.destinationBucket()).key(r.destinationKey()).uploadId(uploadId).partNumber(p.number())
                        .contentLength((long) length).contentMD5(md5);
                bodies.override(length).ifPresent(b::overrideConfiguration);
            }, body(bytes(buffer, length))).eTag();
            return CompletedPart.builder().partNumber(p.number()).eTag(etag).build();
        } finally {
            bufferBytes.release(length);
        }
    }

    /** The first {@code length} bytes of {@code buffer}. */
    private static byte[] bytes(byte[] buffer, int length) {
        return length == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, length);
    }

    /** {@code content} as a request body, drawn from the bandwidth limit if any. */
    private RequestBody body(byte[] content) {
        return bodies.of(content, "application/octet-stream"); // as RequestBody.fromBytes: the request's own wins
    }

    /** Reads {@code length} bytes of the source's {@code range} into {@code buffer}, conditional on its ETag. */
    /** A failed read of the source: an I/O error in the body is retried, the rest is what S3 answered. */
    private TransferException readFailed(String subject, Exception e) {
        if (e instanceof IOException) {
            return new TransferException(FailureKind.RETRYABLE, subject + ": reading the source failed ("
                    + e.getClass().getSimpleName() + "); retried", e);
        }
        return failures.remote(subject, "cannot read the source object", e);
    }

    private void read(String subject, CopyRequest r, SourceObject src, String range, byte[] buffer, int length) {
        try (ResponseInputStream<GetObjectResponse> in = source.getObject(b -> b.bucket(r.sourceBucket())
                .key(r.sourceKey()).range(range).ifMatch(ServerSideCopier.quoted(src.etag())))) {
            readFully(subject, in, buffer, length, range);
        } catch (IOException | RuntimeException e) {
            throw readFailed(subject, e);
        }
    }

    /** Reads exactly {@code length} bytes of {@code what} into {@code buffer}: fewer or more is a retryable failure. */
    private static void readFully(String subject, InputStream in, byte[] buffer, int length, String what)
            throws IOException {
        int n = in.readNBytes(buffer, 0, length);
        if (n != length || in.read() != -1) {
            throw new TransferException(FailureKind.RETRYABLE, subject + ": the source sent " + (n == length
                    ? "more" : n + " of " + length) + " bytes for " + what + "; retried");
        }
    }

    /** A buffer of {@code length} bytes, once the budget has them. */
    private byte[] take(String subject, int length) {
        try {
            bufferBytes.acquire(length);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException(FailureKind.RETRYABLE, subject + ": interrupted while waiting for a buffer");
        }
        try {
            return new byte[length];
        } catch (OutOfMemoryError e) {
            bufferBytes.release(length);
            throw e;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable o : owned) {
            try {
                o.close();
            } catch (Exception e) {
                log.debug("closing a client of the copier: {}", e.toString());
            }
        }
    }

    /** Small copies sent as a {@link DirectPut}, for tests. */
    long directPuts() {
        return direct.map(DirectPut::stored).orElse(0L);
    }
}
