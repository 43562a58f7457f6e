package dev.ferry.bench;

import dev.ferry.app.NativeCrypto;
import dev.ferry.core.Checksums;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The raw ceiling: PUTs every file under {@code --root} to {@code --bucket} (key = path under the root,
 * '/'-separated), one request a file, from {@code --threads} threads sharing one synchronous client. No
 * state, no listing, no metadata, no multipart; one MD5 per file for the Content-MD5 that integrity needs (the body
 * is then left out of the signature, as Ferry does): the least work a safe client must do.
 *
 * <p>With {@code --part-size B}, files larger than B go up as multipart uploads instead, in parts of B bytes sent one
 * after the other (the threads work on different files), each with its Content-MD5 and nothing else: the least work a
 * safe multipart client must do, so the ceiling of the multipart tools on a server where multipart costs more than
 * one PUT.
 *
 * <p>Prints {@code files=N bytes=B startup_s=S put_s=P}: S from JVM start to the first request, P for the
 * PUTs. Exits 1 if any PUT failed (after the SDK's own retries).
 */
public final class RawPut {
    private static final long IN_MEMORY = 1 << 20;

    private RawPut() {
    }

    public static void main(String[] argv) throws Exception {
        NativeCrypto.install(); // as Ferry's main does: its MD5 is native too
        BenchArgs args = new BenchArgs(argv);
        Path root = args.path("root");
        String bucket = args.get("bucket");
        int threads = args.integer("threads", 16);
        long partSize = Long.parseLong(args.get("part-size", "0"));
        List<Path> files = list(root);
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // bodies signed as Ferry signs them: left out of the signature, guarded by their Content-MD5
        try (S3Client s3 = BenchS3.client(args.get("endpoint"), threads, true)) {
            long first = System.currentTimeMillis();
            long began = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                        Path file = files.get(i);
                        String key = keyOf(root, file);
                        try {
                            long size = Files.size(file);
                            if (partSize > 0 && size > partSize) {
                                putMultipart(s3, bucket, key, file, (int) partSize);
                                bytes.addAndGet(size);
                                continue;
                            }
                            MessageDigest md5 = Checksums.newMd5();
                            RequestBody body;
                            if (size <= IN_MEMORY) {
                                byte[] content = Files.readAllBytes(file);
                                md5.update(content);
                                body = RequestBody.fromBytes(content);
                            } else {
                                try (InputStream in = new DigestInputStream(Files.newInputStream(file), md5)) {
                                    in.transferTo(OutputStream.nullOutputStream());
                                }
                                body = RequestBody.fromFile(file);
                            }
                            String contentMd5 = Base64.getEncoder().encodeToString(md5.digest());
                            s3.putObject(b -> b.bucket(bucket).key(key).contentMD5(contentMd5), body);
                            bytes.addAndGet(size);
                        } catch (RuntimeException | IOException e) {
                            failures.incrementAndGet();
                            System.err.println(bucket + "/" + key + ": PUT failed: " + e);
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            double putSeconds = (System.nanoTime() - began) / 1e9;
            double startup = (first - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
            System.out.printf("files=%d bytes=%d startup_s=%.3f put_s=%.3f%n", files.size() - failures.get(),
                    bytes.get(), startup, putSeconds);
        } finally {
            pool.shutdownNow();
        }
        System.exit(failures.get() == 0 ? 0 : 1);
    }

    private static void putMultipart(S3Client s3, String bucket, String key, Path file, int partSize)
            throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        byte[] buffer = new byte[partSize];
        try (InputStream in = Files.newInputStream(file)) {
            for (int number = 1;; number++) {
                int length = in.readNBytes(buffer, 0, partSize);
                if (length == 0) {
                    break;
                }
                MessageDigest md5 = Checksums.newMd5();
                md5.update(buffer, 0, length);
                String contentMd5 = Base64.getEncoder().encodeToString(md5.digest());
                int partNumber = number;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length).contentMD5(contentMd5),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                                "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            throw e;
        }
    }

    static List<Path> list(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static String keyOf(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
