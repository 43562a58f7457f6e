package dev.ferry.transfer;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach S3 and how to upload. Validated once when built; every error names the setting.
 *
 * @param endpoint           endpoint override for S3-compatible stores; empty means AWS for {@code region}
 * @param region             signing region, e.g. "us-east-1"
 * @param pathStyle          path-style addressing (bucket in the path), needed by most S3-compatible stores
 * @param accessKey          static access key id; used only together with {@code secretKey}
 * @param secretKey          static secret key; never shown by {@link #toString()}
 * @param sessionToken       the session token of temporary static keys (STS, as a control plane may send them);
 *                           used only with both keys; never shown by {@link #toString()}
 * @param attemptTimeout     limit for each HTTP attempt (the connection is closed when it passes); empty = none
 * @param multipartThreshold files of this size or larger go up as multipart uploads
 * @param partSize           multipart part size; grown automatically so a file needs at most 10,000 parts
 * @param partConcurrency    parts of one file uploaded in parallel
 * @param maxConnections     HTTP connection pool size
 * @param bandwidthLimiter   process-wide upload bandwidth limit shared by every store given the same limiter;
 *                           empty = no limit
 * @param sdkDefaultChecksums true: the SDK's default CRC checksums on every request that supports them (fine for
 *                           AWS itself); false: only where an operation requires one, for S3-compatible stores
 *                           that reject them (integrity comes from Content-MD5 either way)
 */
public record S3Settings(
        Optional<URI> endpoint,
        String region,
        boolean pathStyle,
        Optional<String> accessKey,
        Optional<String> secretKey,
        Optional<String> sessionToken,
        Optional<Duration> attemptTimeout,
        long multipartThreshold,
        long partSize,
        int partConcurrency,
        int maxConnections,
        Optional<BandwidthLimiter> bandwidthLimiter,
        boolean sdkDefaultChecksums) {

    public static final long MIB = 1024L * 1024L;
    /** S3's smallest part (except the last one). */
    public static final long MIN_PART_SIZE = 5 * MIB;
    /** Largest part this uploader buffers in memory. */
    public static final long MAX_PART_SIZE = 1024 * MIB;
    /** S3's largest single PUT. */
    public static final long MAX_SINGLE_PUT = 5 * 1024 * MIB;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 16 * MIB;
    public static final long DEFAULT_PART_SIZE = 8 * MIB;
    public static final int DEFAULT_PART_CONCURRENCY = 4;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(bandwidthLimiter, "bandwidthLimiter");
        require(!region.isBlank(), "region must not be blank");
        endpoint.ifPresent(uri -> require(uri.getScheme() != null && uri.getHost() != null,
                "endpoint must be an absolute URL like http://host:port, got " + uri.getScheme() + "://..."));
        endpoint.ifPresent(uri -> require(uri.getUserInfo() == null,
                "endpoint must not carry credentials: use accessKey/secretKey"));
        attemptTimeout.ifPresent(t -> require(!t.isNegative() && !t.isZero(),
                "attemptTimeout must be positive, got " + t));
        require(multipartThreshold >= 1 && multipartThreshold <= MAX_SINGLE_PUT,
                "multipartThreshold must be between 1 byte and 5 GiB, got " + multipartThreshold);
        require(partSize >= MIN_PART_SIZE && partSize <= MAX_PART_SIZE,
                "partSize must be between 5 MiB and 1 GiB, got " + partSize);
        require(partConcurrency >= 1 && partConcurrency <= 64,
                "partConcurrency must be between 1 and 64, got " + partConcurrency);
        require(maxConnections >= 1, "maxConnections must be at least 1, got " + maxConnections);
    }

    /** AWS in us-east-1, default credential chain, no attempt timeout, default sizes. */
    public static S3Settings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoint = endpoint;
        b.region = region;
        b.pathStyle = pathStyle;
        b.accessKey = accessKey;
        b.secretKey = secretKey;
        b.sessionToken = sessionToken;
        b.attemptTimeout = attemptTimeout;
        b.multipartThreshold = multipartThreshold;
        b.partSize = partSize;
        b.partConcurrency = partConcurrency;
        b.maxConnections = maxConnections;
        b.bandwidthLimiter = bandwidthLimiter;
        b.sdkDefaultChecksums = sdkDefaultChecksums;
        return b;
    }

    /** True when both static keys are given; otherwise the SDK's default credential chain is used. */
    public boolean hasStaticCredentials() {
        return accessKey.isPresent() && secretKey.isPresent();
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("(AWS)")
                + ", region=" + region
                + ", pathStyle=" + pathStyle
                + ", accessKey=" + accessKey.orElse("(default chain)")
                + ", secretKey=" + (secretKey.isPresent() ? "***" : "(none)")
                + (sessionToken.isPresent() ? ", sessionToken=***" : "")
                + ", attemptTimeout=" + attemptTimeout.map(Duration::toString).orElse("(none)")
                + ", multipartThreshold=" + multipartThreshold
                + ", partSize=" + partSize
                + ", partConcurrency=" + partConcurrency
                + ", maxConnections=" + maxConnections
                + ", bandwidthLimit=" + bandwidthLimiter.map(BandwidthLimiter::toString).orElse("(none)")
                + ", sdkDefaultChecksums=" + sdkDefaultChecksums + "]";
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("s3 settings: " + message);
        }
    }

    /** Mutable builder; starts from the defaults. */
    public static final class Builder {
        private Optional<URI> endpoint = Optional.empty();
        private String region = "us-east-1";
        private boolean pathStyle;
        private Optional<String> accessKey = Optional.empty();
        private Optional<String> secretKey = Optional.empty();
        private Optional<String> sessionToken = Optional.empty();
        private Optional<Duration> attemptTimeout = Optional.empty();
        private long multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
        private long partSize = DEFAULT_PART_SIZE;
        private int partConcurrency = DEFAULT_PART_CONCURRENCY;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Optional<BandwidthLimiter> bandwidthLimiter = Optional.empty();
        private boolean sdkDefaultChecksums;

        private Builder() {
        }

        public Builder endpoint(URI value) {
            endpoint = Optional.ofNullable(value);
            return this;
        }

        public Builder region(String value) {
            region = value;
            return this;
        }

        public Builder pathStyle(boolean value) {
            pathStyle = value;
            return this;
        }

        /** Static credentials; pass nulls to use the default chain. */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            return credentials(accessKeyId, secretAccessKey, Optional.empty());
        }

        /** Static credentials, temporary ones with their session token; pass nulls to use the default chain. */
        public Builder credentials(String accessKeyId, String secretAccessKey, Optional<String> token) {
            accessKey = Optional.ofNullable(accessKeyId);
            secretKey = Optional.ofNullable(secretAccessKey);
            sessionToken = token;
            return this;
        }

        public Builder attemptTimeout(Duration value) {
            attemptTimeout = Optional.ofNullable(value);
            return this;
        }

        public Builder multipartThreshold(long value) {
            multipartThreshold = value;
            return this;
        }

        public Builder partSize(long value) {
            partSize = value;
            return this;
        }

        public Builder partConcurrency(int value) {
            partConcurrency = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        /** The process's shared limiter (create it once with {@link BandwidthLimiter#of}); null = no limit. */
        public Builder bandwidthLimiter(BandwidthLimiter value) {
            bandwidthLimiter = Optional.ofNullable(value);
            return this;
        }

        public Builder sdkDefaultChecksums(boolean value) {
            sdkDefaultChecksums = value;
            return this;
        }

        public S3Settings build() {
            return new S3Settings(endpoint, region, pathStyle, accessKey, secretKey, sessionToken, attemptTimeout,
                    multipartThreshold, partSize, partConcurrency, maxConnections, bandwidthLimiter,
                    sdkDefaultChecksums);
        }
    }
}
