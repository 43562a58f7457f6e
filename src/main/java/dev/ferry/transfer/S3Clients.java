package dev.ferry.transfer;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/** Builds the synchronous SDK client of one store from {@link S3Settings}. */
final class S3Clients {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);

    /** The SDK's default socket (read) timeout. */
    static final java.time.Duration SOCKET_TIMEOUT = java.time.Duration.ofSeconds(30);

    private S3Clients() {
    }

    static S3Client build(S3Settings settings) {
        return builder(settings, credentials(settings), new CachedEndpoints(S3EndpointProvider.defaultProvider()))
                .httpClientBuilder(http(settings))
                .build();
    }

    /**
     * A store's SDK client and, when its uploads may take it, the {@link DirectPut} that shares its HTTP client,
     * credentials and resolved endpoints. The caller closes the connection, which closes both.
     */
    static Connection connect(S3Settings settings) {
        return connect(settings, http(settings).build());
    }

    /** {@link #connect(S3Settings)} over the given HTTP client, which the connection closes. */
    static Connection connect(S3Settings settings, SdkHttpClient http) {
        AwsCredentialsProvider credentials = credentials(settings);
        CachedEndpoints endpoints = new CachedEndpoints(S3EndpointProvider.defaultProvider());
        S3Client s3 = builder(settings, credentials, endpoints).httpClient(http).build();
        return new Connection(s3, http, directPuts(settings)
                ? Optional.of(new DirectPut(http, credentials, endpoints)) : Optional.empty());
    }

    /** The SDK client of a store, and the HTTP client it was given (the SDK does not close a client it was given). */
    record Connection(S3Client s3, SdkHttpClient http, Optional<DirectPut> direct) implements AutoCloseable {
        @Override
        public void close() {
            s3.close();
            http.close();
        }
    }

    private static Apache5HttpClient.Builder http(S3Settings settings) {
        // Apache HttpClient 5: the SDK's default since 2.46 (the 4.x client is deprecated); it also sends
        // no "Expect: 100-continue", which cost every PUT a round trip
        Apache5HttpClient.Builder http = Apache5HttpClient.builder().maxConnections(settings.maxConnections());
        // a read that waits longer than an attempt may last fails the attempt anyway; a direct PUT, which the SDK's
        // attempt timeout does not cover, then fails as soon
        settings.attemptTimeout().filter(t -> t.compareTo(SOCKET_TIMEOUT) < 0).ifPresent(http::socketTimeout);
        return http;
    }

    private static S3ClientBuilder builder(S3Settings settings, AwsCredentialsProvider credentials,
            CachedEndpoints endpoints) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                // the SDK's standard strategy: 3 attempts with jittered backoff; the engine retries forever above it
                .retryStrategy(RetryMode.STANDARD);
        settings.attemptTimeout().ifPresent(override::apiCallAttemptTimeout);

        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials)
                .overrideConfiguration(override.build())
                // S3-compatible stores may reject the SDK's default CRC checksums; integrity comes from the
                // Content-MD5 that every PutObject and UploadPart carries instead, unless asked for (AWS).
                .requestChecksumCalculation(settings.sdkDefaultChecksums()
                        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(settings.sdkDefaultChecksums()
                        ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED)
                // operations that require a checksum (DeleteObjects) also get Content-MD5, as before SDK 2.30:
                // many S3-compatible stores (older MinIO, Ceph, B2) accept nothing else there
                .addPlugin(LegacyMd5Plugin.create())
                .endpointProvider(endpoints);
        settings.endpoint().ifPresent(builder::endpointOverride);
        if (md5GuardedBodies(settings)) {
            // PutObject, UploadPart and DeleteObjects carry Content-MD5: their bodies stay out of the signature
            Md5GuardedSigner.applyTo(builder);
        }
        return builder;
    }

    /**
     * Whether small files go up as {@link DirectPut}s: only where the SDK signs their bodies as a direct PUT does
     * ({@link #md5GuardedBodies}), and without a bandwidth limit, whose longer attempt timeout only the SDK applies.
     */
    static boolean directPuts(S3Settings settings) {
        return md5GuardedBodies(settings) && settings.bandwidthLimiter().isEmpty();
    }

    /**
     * Whether bodies that carry Content-MD5 (PutObject, UploadPart, DeleteObjects) go unsigned, guarded by that
     * signed header (this matters over plain HTTP only: over HTTPS the SDK signs no body anyway). Not when the SDK's
     * own checksums are on: they travel as aws-chunked trailers, and then the SDK signs as it always does.
     */
    static boolean md5GuardedBodies(S3Settings settings) {
        return !settings.sdkDefaultChecksums();
    }

    /** The static keys (with their session token when temporary), else the SDK's default chain. */
    static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.hasStaticCredentials()) {
            String id = settings.accessKey().orElseThrow();
            String secret = settings.secretKey().orElseThrow();
            return StaticCredentialsProvider.create(settings.sessionToken()
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(id, secret, token))
                    .orElseGet(() -> AwsBasicCredentials.create(id, secret)));
        }
        if (settings.accessKey().isPresent() || settings.secretKey().isPresent()) {
            log.warn("s3: only one of access key and secret key is set; using the default AWS credential chain");
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
