package dev.ferry.transfer;

import dev.ferry.core.Checksums;
import dev.ferry.core.ItemContent;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Multipart upload of one file: one checksum pass first, giving the whole-file MD5 (stored as rclone's
 * {@code md5chksum} metadata) and each part's MD5; then parts read in order into buffers (or, for a part larger
 * than the whole buffer budget, read straight from the file as it is sent) and uploaded in parallel, each with
 * the Content-MD5 of the checksum pass (S3 refuses a part that no longer matches), then Complete.
 * Any failure aborts the upload. Part buffers come from one byte budget shared by all uploads of the store,
 * so memory stays bounded however many big files go up at once.
 */
final class MultipartUploader implements AutoCloseable {
    static final int MAX_PARTS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(MultipartUploader.class);

    private final S3Client s3;
    private final Failures failures;
    private final long configuredPartSize;
    private final int partConcurrency;
    private final int budget;
    private final Semaphore bufferBytes;
    private final ExecutorService pool;
    private final UploadBodies bodies;

    MultipartUploader(S3Client s3, Failures failures, S3Settings settings, UploadBodies bodies) {
        this(s3, failures, settings, bodies, budgetFor(settings));
    }

    /** With a part-buffer budget of {@code budget} bytes instead of the one {@link #budgetFor} the settings. */
    MultipartUploader(S3Client s3, Failures failures, S3Settings settings, UploadBodies bodies, int budget) {
        this.s3 = s3;
        this.failures = failures;
        this.bodies = bodies;
        this.configuredPartSize = settings.partSize();
        this.partConcurrency = settings.partConcurrency();
        this.budget = budget;
        this.bufferBytes = new Semaphore(budget, true);
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(2 * settings.partConcurrency(), r -> {
            Thread t = new Thread(r, "ferry-s3-part-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The part size for a file: the configured one, grown (in whole MiB) so the file needs at most 10,000 parts. */
    static long partSizeFor(long fileSize, long configured) {
        long needed = (fileSize + MAX_PARTS - 1) / MAX_PARTS;
        if (needed <= configured) {
            return configured;
        }
        return (needed + S3Settings.MIB - 1) / S3Settings.MIB * S3Settings.MIB;
    }

    /** Bytes of part buffers all uploads of one store share: two rounds of parts of the configured size. */
    static int budgetFor(S3Settings settings) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * settings.partConcurrency() * settings.partSize());
    }

    /**
     * Whether parts of {@code partSize} bytes are read into memory (ahead of sending, within the budget) or sent
     * straight from the file: a part larger than the whole budget (a file of more than 10,000 parts of the budget,
     * e.g. 525 MiB parts of a 5 TiB file) would take more memory than the budget, and perhaps than the heap.
     */
    static boolean buffered(long partSize, long budget) {
        return partSize <= budget;
    }

    /** Bytes currently free in the shared part-buffer budget (for tests and status). */
    int freeBufferBytes() {
        return bufferBytes.availablePermits();
    }

    PutResult upload(String subject, PutRequest request, long size, String contentType, Map<String, String> metadata,
            UploadOptions options) {
        long partSize = partSizeFor(size, configuredPartSize);
        MessageDigest whole = LocalFiles.newMd5();
        List<byte[]> partMd5s;
        try (InputStream in = LocalFiles.open(request.content(), size)) {
            partMd5s = Checksums.partMd5s(in, partSize, whole);
        } catch (IOException e) {
            throw failures.local(subject, e);
        }
        byte[] wholeMd5 = whole.digest();
        Map<String, String> withChecksum = new HashMap<>(metadata);
        withChecksum.put(S3ObjectStore.META_MD5, LocalFiles.base64(wholeMd5));
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> ObjectOptions.apply(options, b.bucket(request.bucket())
                    .key(request.key()).contentType(contentType).metadata(withChecksum))).uploadId();
        } catch (RuntimeException e) {
            throw failures.remote(subject, "cannot start multipart upload", e);
        }
        try {
            List<CompletedPart> parts = uploadParts(subject, request, uploadId, size, partSize, partMd5s);
            String etag = s3.completeMultipartUpload(b -> b.bucket(request.bucket()).key(request.key())
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts))).eTag();
            log.debug("{}: multipart upload of {} bytes in {} parts complete", subject, size, parts.size());
            return new PutResult(S3ObjectStore.unquote(etag), LocalFiles.hex(wholeMd5), size, true);
        } catch (RuntimeException e) {
            MultipartAbort.abort(s3, request.bucket(), request.key(), uploadId, subject, failures);
            throw failures.remote(subject, "multipart upload failed", e);
        }
    }

    /**
     * Reads and sends the parts, each with the Content-MD5 of the checksum pass, so S3 refuses a part whose
     * content changed since (BadDigest: retried as a file that changed while uploading) and the object stays true
     * to its md5chksum metadata without hashing the file a second time.
     */
    private List<CompletedPart> uploadParts(String subject, PutRequest request, String uploadId, long size,
            long partSize, List<byte[]> partMd5s) {
        int count = partMd5s.size();
        Semaphore inFlight = new Semaphore(partConcurrency);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<CompletedPart>> futures = new ArrayList<>(count);
        boolean interrupted = false;
        boolean inMemory = buffered(partSize, budget);
        try {
            for (int i = 0; i < count && failure.get() == null; i++) {
                long offset = i * partSize;
                int length = (int) Math.min(partSize, size - offset);
                int permits = inMemory ? Math.min(length, budget) : 0;
                inFlight.acquire();
                try {
                    bufferBytes.acquire(permits);
                } catch (InterruptedException e) {
                    inFlight.release();
                    throw e;
                }
                Runnable release = () -> {
                    bufferBytes.release(permits);
                    inFlight.release();
                };
                try {
                    ContentStreamProvider content = inMemory ? bytes(readPart(request.content(), offset, length, size))
                            : new FileRegion(request.content(), offset, length);
                    int partNumber = i + 1;
                    byte[] md5 = partMd5s.get(i);
                    futures.add(pool.submit(() -> sendPart(request, uploadId, partNumber, content, length, md5,
                            failure, release)));
                } catch (IOException | RuntimeException e) {
                    release.run();
                    throw e;
                }
            }
            long now = failure.get() == null ? request.content().currentLength() : size;
            if (now != size) {
                throw new FileChangedException("file is now " + now + " bytes, expected " + size);
            }
        } catch (IOException e) {
            failure.compareAndSet(null, e instanceof FileChangedException ? e : new LocalReadException(e));
        } catch (InterruptedException e) {
            interrupted = true;
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
        List<CompletedPart> parts = awaitAll(futures, failure);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable first = failure.get();
        if (first != null) {
            throw failures.remote(subject, "multipart upload failed", first);
        }
        return parts;
    }

    private static ContentStreamProvider bytes(byte[] buffer) {
        return () -> new ByteArrayInputStream(buffer);
    }

    private CompletedPart sendPart(PutRequest request, String uploadId, int partNumber, ContentStreamProvider content,
            int length, byte[] md5, AtomicReference<Throwable> failure, Runnable release) {
        try {
            if (failure.get() != null) {
                throw new IllegalStateException("skipped: an earlier part failed");
            }
            RequestBody body = bodies.of(content, length, "application/octet-stream");
            String etag = s3.uploadPart(b -> {
                b.bucket(request.bucket()).key(request.key()).uploadId(uploadId)
                        .partNumber(partNumber).contentLength((long) length)
                        .contentMD5(LocalFiles.base64(md5));
                bodies.override(length).ifPresent(b::overrideConfiguration);
            }, body).eTag();
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            throw e;
        } finally {
            release.run();
        }
    }

    /** Waits for every submitted part, even after a failure, so no part lands after the abort. */
    private static List<CompletedPart> awaitAll(List<Future<CompletedPart>> futures,
            AtomicReference<Throwable> failure) {
        List<CompletedPart> parts = new ArrayList<>(futures.size());
        boolean interrupted = false;
        for (Future<CompletedPart> future : futures) {
            while (true) {
                try {
                    parts.add(future.get());
                    break;
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return parts;
    }

    /** Reads one part into a buffer of its own, from a stream of the content's own (parts are read in turn). */
    private static byte[] readPart(ItemContent content, long offset, int length, long size) throws IOException {
        byte[] buffer = new byte[length];
        try (InputStream in = content.open(offset, length)) {
            int read = 0;
            while (read < length) {
                int n = in.read(buffer, read, length - read);
                if (n < 0) {
                    throw new FileChangedException("file is shorter than " + size
                            + " bytes: it changed while uploading");
                }
                read += n;
            }
        }
        return buffer;
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
