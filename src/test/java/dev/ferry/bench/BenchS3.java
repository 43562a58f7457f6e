package dev.ferry.bench;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import dev.ferry.transfer.Md5GuardedSigner;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The plainest synchronous SDK client for the benchmark server: path style, static keys, the HTTP client Ferry
 * uses (the SDK's Apache 5 client) sized to the threads that share it, and no checksum work beyond what S3
 * requires (no CRC; over plain HTTP the SDK hashes every body into the signature unless the client is
 * md5Guarded). The keys come from the environment (BENCH_ACCESS_KEY, BENCH_SECRET_KEY), never from the command line.
 */
final class BenchS3 {
    private BenchS3() {
    }

    static S3Client client(String endpoint, int connections) {
        return client(endpoint, connections, false);
    }

    /**
     * With {@code md5Guarded}, a request that carries Content-MD5 leaves its body out of the signature, as Ferry's
     * PutObject and UploadPart do ({@link Md5GuardedSigner}).
     */
    static S3Client client(String endpoint, int connections, boolean md5Guarded) {
        String key = System.getenv().getOrDefault("BENCH_ACCESS_KEY", "bench-access-key");
        String secret = System.getenv().getOrDefault("BENCH_SECRET_KEY", "bench-secret-key");
        var builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(connections)
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofMinutes(5)))
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (md5Guarded) {
            Md5GuardedSigner.applyTo(builder);
        }
        return builder.build();
    }
}
