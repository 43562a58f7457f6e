package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutRequest;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures 1,000 small puts from 16 threads against S3Proxy and prints the time (a measurement, not a limit). */
class S3ObjectStoreThroughputIT {
    private static final int FILES = 1_000;
    private static final int THREADS = 16;

    @TempDir
    Path dir;

    @Test
    void thousandSmallPutsFromSixteenThreads() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            byte[] content = S3ObjectStoreIT.random(1024 + (i % 8) * 1024, i); // 1-8 KiB
            files.add(Files.write(dir.resolve("f" + i + ".bin"), content));
        }
        try (S3ProxyServer server = S3ProxyServer.start();
                S3ObjectStore store = S3ObjectStore.create(S3ObjectStoreIT.settings(server).build())) {
            server.createBucket("bench");
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                putAll(pool, store, files.subList(0, 100), "warmup/");
                long started = System.nanoTime();
                putAll(pool, store, files, "run/");
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("ferry-bench: %d small puts (1-8 KiB) with %d threads against S3Proxy: %d ms"
                        + " (%.0f puts/s)%n", FILES, THREADS, millis, FILES * 1000.0 / Math.max(1, millis));
            } finally {
                pool.shutdown();
            }
            assertThat(server.listKeys("bench").stream().filter(k -> k.startsWith("run/"))).hasSize(FILES);
        }
    }

    private static void putAll(ExecutorService pool, S3ObjectStore store, List<Path> files, String prefix)
            throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (Path file : files) {
            futures.add(pool.submit(() -> {
                try {
                    store.put(new PutRequest("bench", prefix + file.getFileName(), file, Files.size(file), 0));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }
}
