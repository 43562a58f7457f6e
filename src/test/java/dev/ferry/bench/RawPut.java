package dev.ferry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Base64;
import dev.ferry.core.Checksums;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The raw ceiling: PUTs every file under {@code --root} to {@code --bucket} (key = path under the root,
 * '/'-separated), one request a file, from {@code --threads} threads sharing one synchronous client. No
 * state, no listing, no metadata, no multipart; one MD5 per file for the Content-MD5 that integrity needs (the body
 * is then left out of the signature, as Ferry does): the least work a safe client must do.
 *
 * <p>Prints {@code files=N bytes=B startup_s=S put_s=P}: S from JVM start to the first request, P for the
 * PUTs. Exits 1 if any PUT failed (after the SDK's own retries).
 */
public final class RawPut {
    private static final long IN_MEMORY = 1 << 20;

    private RawPut() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        Path root = args.path("root");
        String bucket = args.get("bucket");
        int threads = args.integer("threads", 16);
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

    static List<Path> list(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static String keyOf(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
