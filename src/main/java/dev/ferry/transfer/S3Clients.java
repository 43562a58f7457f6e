package dev.ferry.transfer;

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
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/** Builds the synchronous SDK client of one store from {@link S3Settings}. */
final class S3Clients {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);

    private S3Clients() {
    }

    static S3Client build(S3Settings settings) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                // the SDK's standard strategy: 3 attempts with jittered backoff; the engine retries forever above it
                .retryStrategy(RetryMode.STANDARD);
        settings.attemptTimeout().ifPresent(override::apiCallAttemptTimeout);

        S3ClientBuilder builder = S3Client.builder()
                // Apache HttpClient 5: the SDK's default since 2.46 (the 4.x client is deprecated); it also sends
                // no "Expect: 100-continue", which cost every PUT a round trip
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(settings.maxConnections()))
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
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
                .endpointProvider(new CachedEndpoints(S3EndpointProvider.defaultProvider()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        if (md5GuardedBodies(settings)) {
            // PutObject, UploadPart and DeleteObjects carry Content-MD5: their bodies stay out of the signature
            Md5GuardedSigner.applyTo(builder);
        }
        return builder.build();
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
