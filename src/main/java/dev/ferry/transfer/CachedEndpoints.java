package dev.ferry.transfer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * S3's endpoint rules, evaluated once per bucket rather than twice per request.
 *
 * <p>The SDK runs its S3 endpoint rule set (a few hundred conditions) on every request, once to find the URL and
 * once more to find the auth scheme; profiles of a small-file backfill put about a tenth of the upload workers' CPU
 * there. The rules are a pure function of their parameters, and of those only the object key, prefix, copy source
 * and the keys of a DeleteObjects vary per request, which the rules of this SDK version never read (checked in
 * {@code CachedEndpointsTest}, which fails when an SDK upgrade adds a parameter). So the result is kept per value of
 * every other parameter: in practice one entry per bucket. Resolutions that fail are not kept: they fail again each
 * time, with the SDK's own message.
 */
final class CachedEndpoints implements S3EndpointProvider {
    /** Entries kept before the cache starts over; a store has a handful of buckets. */
    static final int MAX_ENTRIES = 1024;

    private final S3EndpointProvider rules;
    private final Map<Key, Endpoint> cache = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> dataPlane = new ConcurrentHashMap<>();

    CachedEndpoints(S3EndpointProvider rules) {
        this.rules = rules;
    }

    @Override
    public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
        Key key = Key.of(params);
        Endpoint known = cache.get(key);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Endpoint> resolved = rules.resolveEndpoint(params);
        if (resolved.isDone() && !resolved.isCompletedExceptionally()) {
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(key, resolved.join());
            if (!Boolean.TRUE.equals(params.useS3ExpressControlEndpoint())
                    && !Boolean.TRUE.equals(params.useObjectLambdaEndpoint()) && params.bucket() != null) {
                if (dataPlane.size() >= MAX_ENTRIES) {
                    dataPlane.clear();
                }
                dataPlane.put(params.bucket(), resolved.join());
            }
        }
        return resolved;
    }

    /**
     * The endpoint the SDK resolved for object requests to {@code bucket} (PutObject, GetObject, listings: not the
     * control-plane calls of S3 Express nor Object Lambda); empty until the SDK has sent one. For one client these
     * requests differ only in the per-request parameters the rules do not read, so they share one endpoint.
     */
    Optional<Endpoint> dataPlane(String bucket) {
        return Optional.ofNullable(dataPlane.get(bucket));
    }

    int size() {
        return cache.size();
    }

    /** Every parameter of {@link S3EndpointParams} but the per-request ones named in {@link #PER_REQUEST}. */
    record Key(String bucket, String region, Boolean useFips, Boolean useDualStack, String endpoint,
            Boolean forcePathStyle, Boolean accelerate, Boolean useGlobalEndpoint, Boolean useObjectLambdaEndpoint,
            Boolean disableAccessPoints, Boolean disableMultiRegionAccessPoints, Boolean useArnRegion,
            Boolean useS3ExpressControlEndpoint, Boolean disableS3ExpressSessionAuth) {
        /** The parameters left out of the key: they change with every request and the rules do not read them. */
        static final List<String> PER_REQUEST = List.of("key", "prefix", "copySource", "deleteObjectKeys");

        static Key of(S3EndpointParams p) {
            return new Key(p.bucket(), p.regionId(), p.useFips(), p.useDualStack(), p.endpoint(), p.forcePathStyle(),
                    p.accelerate(), p.useGlobalEndpoint(), p.useObjectLambdaEndpoint(), p.disableAccessPoints(),
                    p.disableMultiRegionAccessPoints(), p.useArnRegion(), p.useS3ExpressControlEndpoint(),
                    p.disableS3ExpressSessionAuth());
        }
    }
}
