package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOptions;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads through one process-wide bandwidth limit, shared by two stores, against a real S3Proxy process. */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class S3BandwidthLimitIT {
    private static final long MIB = 1024 * 1024;
    private static final long LIMIT = 4 * MIB;

    @TempDir
    Path dir;

    @Test
    void twoStoresShareOneLimitAndEveryUploadStillArrivesIntact() throws Exception {
        byte[] big = S3ObjectStoreIT.random(6 * MIB + 7, 11);
        byte[] medium = S3ObjectStoreIT.random(2 * MIB, 12);
        byte[] marker = S3ObjectStoreIT.random(512 * 1024, 13);
        Path bigFile = Files.write(dir.resolve("big.bin"), big);
        Path mediumFile = Files.write(dir.resolve("medium.bin"), medium);
        BandwidthLimiter limiter = BandwidthLimiter.of(LIMIT);

        try (S3ProxyServer server = S3ProxyServer.start();
                // a 1 s attempt timeout: a throttled 5 MiB part needs more, and must get it
                S3ObjectStore siteA = S3ObjectStore.create(settings(server, limiter));
                S3ObjectStore siteB = S3ObjectStore.create(settings(server, limiter))) {
            server.createBucket("site-a");
            server.createBucket("site-b");
            long started = System.nanoTime();

            CompletableFuture<PutResult> a = CompletableFuture.supplyAsync(() ->
                    siteA.put(new PutRequest("site-a", "big.bin", new LocalFileContent(bigFile), big.length, 0)));
            CompletableFuture<PutResult> b = CompletableFuture.supplyAsync(() -> {
                siteB.put(new PutRequest("site-b", "medium.bin", new LocalFileContent(mediumFile), medium.length, 0));
                return siteB.putBytes("site-b", "marker", marker, "application/octet-stream", UploadOptions.NONE);
            });
            PutResult multipart = a.get();
            b.get();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(multipart.multipart()).isTrue();
            assertThat(server.readObjectBytes("site-a", "big.bin")).hasValueSatisfying(c -> assertThat(c).isEqualTo(big));
            assertThat(server.readObjectBytes("site-b", "medium.bin"))
                    .hasValueSatisfying(c -> assertThat(c).isEqualTo(medium));
            assertThat(server.readObjectBytes("site-b", "marker")).hasValueSatisfying(c -> assertThat(c).isEqualTo(marker));
            // all bytes together, less one burst, at 4 MiB/s: a lower bound that holds however slow the machine
            long total = big.length + medium.length + marker.length;
            double atLeast = (total - limiter.burstBytes()) / (double) LIMIT;
            assertThat(took.toMillis() / 1000.0).as("seconds for %d bytes at %d bytes/s", total, LIMIT)
                    .isGreaterThanOrEqualTo(atLeast * 0.98);
        }
    }

    private static S3Settings settings(S3ProxyServer server, BandwidthLimiter limiter) throws IOException {
        return S3ObjectStoreIT.settings(server).bandwidthLimiter(limiter).attemptTimeout(Duration.ofSeconds(1))
                .multipartThreshold(5 * MIB).partSize(5 * MIB).build();
    }
}
