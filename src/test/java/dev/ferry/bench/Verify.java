package dev.ferry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checks that a bucket holds exactly the files under {@code --root} with their content: the listing has
 * every key and no other (a filesystem backend's "dir/" entries aside), sizes agree, a single-part
 * object's ETag equals the local file's MD5, and every multipart object (whose ETag is not an MD5) is
 * downloaded and its MD5 compared, or {@code --multipart-sample N} of them. {@code --download-sample N}
 * single-part objects are also downloaded, so the server's ETag is not taken on trust.
 *
 * <p>Prints one line; exits 1 with the first problems listed when anything is wrong.
 */
public final class Verify {
    private Verify() {
    }

    private record Remote(long size, String etag) {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        Path root = args.path("root");
        String bucket = args.get("bucket");
        int multipartSample = args.integer("multipart-sample", Integer.MAX_VALUE);
        int downloadSample = args.integer("download-sample", 10);
        int threads = args.integer("threads", 4);
        Map<String, Path> local = new TreeMap<>();
        for (Path p : RawPut.list(root)) {
            local.put(RawPut.keyOf(root, p), p);
        }
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger byEtag = new AtomicInteger();
        AtomicInteger downloaded = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (S3Client s3 = BenchS3.client(args.get("endpoint"), threads)) {
            Map<String, Remote> remote = new TreeMap<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                if (!o.key().endsWith("/")) {
                    remote.put(o.key(), new Remote(o.size(), o.eTag().replace("\"", "")));
                }
            }
            local.keySet().stream().filter(k -> !remote.containsKey(k)).limit(20)
                    .forEach(k -> problems.add(k + ": missing"));
            remote.keySet().stream().filter(k -> !local.containsKey(k)).limit(20)
                    .forEach(k -> problems.add(k + ": not a local file"));
            int[] multipartLeft = {multipartSample};
            int singleEvery = Math.max(1, local.size() / Math.max(1, downloadSample));
            int index = 0;
            List<Future<?>> checks = new ArrayList<>();
            for (Map.Entry<String, Path> e : local.entrySet()) {
                Remote r = remote.get(e.getKey());
                int i = index++;
                if (r == null) {
                    continue;
                }
                boolean multipart = r.etag().contains("-");
                boolean download = multipart ? multipartLeft[0]-- > 0 : downloadSample > 0 && i % singleEvery == 0;
                checks.add(pool.submit(() -> {
                    String key = e.getKey();
                    try {
                        long size = Files.size(e.getValue());
                        if (size != r.size()) {
                            problems.add(key + ": size " + r.size() + " in S3, " + size + " on disk");
                            return;
                        }
                        String md5 = md5(Files.newInputStream(e.getValue()));
                        if (!multipart) {
                            byEtag.incrementAndGet();
                            if (!md5.equals(r.etag())) {
                                problems.add(key + ": ETag " + r.etag() + " but local MD5 " + md5);
                            }
                        }
                        if (download) {
                            downloaded.incrementAndGet();
                            String got = md5(s3.getObject(b -> b.bucket(bucket).key(key)));
                            if (!got.equals(md5)) {
                                problems.add(key + ": downloaded content has MD5 " + got + ", local " + md5);
                            }
                        }
                    } catch (IOException | RuntimeException ex) {
                        problems.add(key + ": cannot check: " + ex);
                    }
                }));
            }
            for (Future<?> f : checks) {
                f.get();
            }
            if (!problems.isEmpty()) {
                System.out.printf("FAILED %s: %d local files, %d objects; problems:%n", bucket, local.size(),
                        remote.size());
                problems.stream().limit(20).forEach(p -> System.out.println("  " + p));
                System.exit(1);
            }
            System.out.printf("verified %d objects in %s (%d by ETag = MD5, %d downloaded and compared)%n",
                    remote.size(), bucket, byEtag.get(), downloaded.get());
        } finally {
            pool.shutdownNow();
        }
    }

    static String md5(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
