package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

class CachedEndpointsTest {
    private static final S3EndpointProvider RULES = S3EndpointProvider.defaultProvider();

    /** Counts how often the SDK's rules really run. */
    private static final class Counting implements S3EndpointProvider {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
            calls.incrementAndGet();
            return RULES.resolveEndpoint(params);
        }
    }

    private static S3EndpointParams.Builder custom(String bucket) {
        return S3EndpointParams.builder().region(Region.US_EAST_1).endpoint("http://127.0.0.1:9000")
                .forcePathStyle(true).bucket(bucket);
    }

    private static S3EndpointParams.Builder aws(String bucket) {
        return S3EndpointParams.builder().region(Region.EU_WEST_1).bucket(bucket);
    }

    @Test
    void theRulesRunOncePerBucketAndGiveWhatTheyGiveUncached() {
        Counting counting = new Counting();
        CachedEndpoints cached = new CachedEndpoints(counting);
        List<S3EndpointParams> requests = List.of(
                custom("photos").key("a/b.jpg").build(),
                custom("photos").key("other key with spaces").build(),
                custom("photos").prefix("a/").build(),
                custom("scans").key("a/b.jpg").build(),
                aws("photos").key("x").build(),
                aws("photos").key("y").copySource("src/k").build(),
                aws("arn:aws:s3:eu-west-1:123456789012:accesspoint/ap").key("k").build(),
                aws("mybucket--euw1-az1--x-s3").key("k").build(),
                aws("mybucket--euw1-az1--x-s3").key("k2").build());

        for (S3EndpointParams params : requests) {
            Endpoint expected = RULES.resolveEndpoint(params).join();
            Endpoint actual = cached.resolveEndpoint(params).join();
            assertThat(actual.url()).as(params.toString()).isEqualTo(expected.url());
            assertThat(actual.headers()).isEqualTo(expected.headers());
            assertThat(actual.attribute(software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute.AUTH_SCHEMES))
                    .usingRecursiveComparison()
                    .isEqualTo(expected.attribute(
                            software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute.AUTH_SCHEMES));
        }
        // photos (custom), scans, photos (AWS), the access point, the directory bucket
        assertThat(counting.calls).hasValue(5);
        assertThat(cached.size()).isEqualTo(5);
    }

    @Test
    void aResolutionThatFailsIsNotKeptAndFailsAgainWithTheSdksReason() {
        Counting counting = new Counting();
        CachedEndpoints cached = new CachedEndpoints(counting);
        // an access point ARN cannot be used with path-style addressing
        S3EndpointParams bad = aws("arn:aws:s3:eu-west-1:123456789012:accesspoint/ap").forcePathStyle(true).build();

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cached.resolveEndpoint(bad).join()).hasMessageContaining("Path-style");
        }
        assertThat(counting.calls).hasValue(2);
        assertThat(cached.size()).isZero();
    }

    @Test
    void theCacheStartsOverWhenFull() {
        CachedEndpoints cached = new CachedEndpoints(RULES);
        for (int i = 0; i <= CachedEndpoints.MAX_ENTRIES; i++) {
            cached.resolveEndpoint(custom("bucket-" + i).build()).join();
        }
        assertThat(cached.size()).isEqualTo(1);
    }

    /**
     * The key must hold every parameter the rules may read. When an SDK upgrade adds one, this fails: decide then
     * whether it varies per request (and check the rules do not read it) or belongs in the key.
     */
    @Test
    void theKeyHoldsEveryEndpointParameterButThePerRequestOnes() {
        Set<String> parameters = Arrays.stream(S3EndpointParams.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 0)
                .map(Method::getName)
                .filter(n -> !Set.of("toBuilder", "region", "hashCode", "toString").contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> covered = Arrays.stream(CachedEndpoints.Key.class.getRecordComponents())
                .map(RecordComponent::getName)
                .map(n -> n.equals("region") ? "regionId" : n)
                .collect(Collectors.toCollection(TreeSet::new));
        covered.addAll(CachedEndpoints.Key.PER_REQUEST);

        assertThat(covered).isEqualTo(parameters);
    }
}
