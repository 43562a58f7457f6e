package dev.ferry.config;

import java.net.URI;
import java.util.Optional;

/**
 * A bucket and key prefix on one S3 endpoint with the credentials that reach it: the source or a destination
 * of a {@link ReplicateJob}. Values not set on it come from the global keys. {@link #toString()} never shows
 * the secret.
 *
 * @param bucket          bucket name
 * @param prefix          key prefix, "" or ending in "/"
 * @param region          region (else global aws_region, else the SDK's chain)
 * @param endpoint        S3-compatible endpoint; empty for AWS
 * @param pathStyle       path-style addressing
 * @param accessKey       static access key id; empty for the SDK's default chain
 * @param secretAccessKey static secret key, present exactly when accessKey is
 */
public record BucketLocation(String bucket, String prefix, Optional<String> region, Optional<URI> endpoint,
        boolean pathStyle, Optional<String> accessKey, Optional<Secret> secretAccessKey) {

    /** Same bucket on the same endpoint (the region does not matter: a bucket name is unique per endpoint). */
    public boolean sameBucket(BucketLocation other) {
        return bucket.equals(other.bucket) && sameEndpoint(endpoint, other.endpoint);
    }

    /**
     * Whether two endpoints name one server however they are written: scheme and host in any case, the default
     * port given or not, a trailing slash or not, and the loopback host by any of its names
     * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, {@code [::ffff:127.0.0.1]}); an IPv4 address written as
     * IPv6 ({@code [::ffff:a.b.c.d]}) is that IPv4 address.
     */
    static boolean sameEndpoint(Optional<URI> a, Optional<URI> b) {
        return a.map(BucketLocation::canonical).equals(b.map(BucketLocation::canonical));
    }

    private static String canonical(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = u.getHost() == null ? String.valueOf(u.getRawAuthority()) : u.getHost().toLowerCase(java.util.Locale.ROOT);
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.startsWith("::ffff:")) { // an IPv4 address written as IPv6 ([::ffff:10.0.0.1])
            bare = bare.substring("::ffff:".length());
            host = bare;
        }
        if (bare.equals("localhost") || bare.equals("::1") || bare.equals("0:0:0:0:0:0:0:1") || bare.startsWith("127.")) {
            host = "loopback";
        }
        int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + host + ":" + port + path;
    }

    /** Same bucket, and one prefix is a prefix of the other: writing to one may touch keys of the other. */
    public boolean overlaps(BucketLocation other) {
        return sameBucket(other) && (prefix.startsWith(other.prefix) || other.prefix.startsWith(prefix));
    }

    /** Whether one set of credentials on one endpoint reaches both (a server-side copy may then be used). */
    public boolean sameAccount(BucketLocation other) {
        return sameEndpoint(endpoint, other.endpoint) && accessKey.equals(other.accessKey)
                && secretAccessKey.equals(other.secretAccessKey);
    }

    /** {@code s3://bucket/prefix}, with the endpoint when one is set. */
    public String url() {
        return "s3://" + bucket + "/" + prefix + endpoint.map(e -> " at " + e).orElse("");
    }

    @Override
    public String toString() {
        return "BucketLocation[" + url() + region.map(r -> ", " + r).orElse("")
                + accessKey.map(k -> ", key " + k + ", secret " + Secret.MASK).orElse("") + "]";
    }
}
