package dev.ferry.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;

/** Builds the synchronous SDK clients of one store from {@link S3Settings}. */
public final class S3Clients {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);

    private S3Clients() {
    }

    /**
     * The largest body signed whole. S3 takes up to 5 GiB so, but S3Proxy, for one, holds a body signed whole in
     * memory to check it and refuses more than 128 MiB; larger bodies (parts of a raised part size, single PUTs of
     * a raised multipart threshold) keep the SDK's aws-chunked signing. The defaults (8 MiB parts, 16 MiB
     * threshold) stay under it.
     */
    public static final long WHOLE_BODY_LIMIT = 16 * S3Settings.MIB;

    /** The clients of one store: one for every request, one that signs bodies whole; they share the HTTP pool. */
    record SdkClients(S3Client standard, S3Client wholeBody, SdkHttpClient http) implements AutoCloseable {
        /** The client for a request that carries a body of {@code length} bytes. */
        S3Client forBody(long length) {
            return length <= WHOLE_BODY_LIMIT ? wholeBody : standard;
        }

        @Override
        public void close() {
            if (wholeBody != standard) {
                wholeBody.close();
            }
            standard.close();
            http.close();
        }
    }

    static SdkClients build(S3Settings settings) {
        // Apache HttpClient 5: the SDK's default since 2.46 (the 4.x client is deprecated); it also sends no
        // "Expect: 100-continue", which cost every PUT a round trip. Shared by both clients, closed by SdkClients.
        SdkHttpClient http = Apache5HttpClient.builder().maxConnections(settings.maxConnections()).build();
        AwsCredentialsProvider credentials = credentials(settings);
        S3Client standard = builder(settings, http, credentials).build();
        if (!signWholeBody(settings)) {
            return new SdkClients(standard, standard, http);
        }
        S3Client wholeBody = builder(settings, http, credentials)
                .authSchemeProvider(wholeBodySigning(S3AuthSchemeProvider.defaultProvider())).build();
        return new SdkClients(standard, wholeBody, http);
    }

    private static S3ClientBuilder builder(S3Settings settings, SdkHttpClient http,
            AwsCredentialsProvider credentials) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                // the SDK's standard strategy: 3 attempts with jittered backoff; the engine retries forever above it
                .retryStrategy(RetryMode.STANDARD);
        settings.attemptTimeout().ifPresent(override::apiCallAttemptTimeout);

        S3ClientBuilder builder = S3Client.builder()
                .httpClient(http)
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
                .addPlugin(LegacyMd5Plugin.create());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * Whether bodies are signed whole rather than in aws-chunked frames. Over plain HTTP the SDK signs every body
     * (over HTTPS it signs none); by default it does so in aws-chunked encoding, a signature per 64 KiB frame and a
     * stream of wrappers that cost more CPU on both sides than the one SHA-256 of a body signed whole, and that some
     * S3-compatible stores do not understand. Signing whole reads a streamed body twice (hash, then send), so it is
     * kept to bodies up to {@link #WHOLE_BODY_LIMIT}, and left to the SDK when a bandwidth limit is set (the hash pass would spend the limit too) and when the SDK's
     * checksums are on (they travel as aws-chunked trailers).
     */
    static boolean signWholeBody(S3Settings settings) {
        return !settings.sdkDefaultChecksums() && settings.bandwidthLimiter().isEmpty();
    }

    /**
     * The SDK's auth scheme options for each request, with aws-chunked signing turned off. Public for the
     * benchmark's raw client, which must sign as Ferry does to remain its ceiling.
     */
    public static S3AuthSchemeProvider wholeBodySigning(S3AuthSchemeProvider resolver) {
        return params -> resolver.resolveAuthScheme(params).stream()
                .map(option -> option.toBuilder()
                        .putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                        .build())
                .toList();
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().orElseThrow(), settings.secretKey().orElseThrow()));
        }
        if (settings.accessKey().isPresent() || settings.secretKey().isPresent()) {
            log.warn("s3: only one of access key and secret key is set; using the default AWS credential chain");
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
