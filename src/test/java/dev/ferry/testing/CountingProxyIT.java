package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.FaultPlan.Fault;
import dev.ferry.testing.S3Request.Operation;
import dev.ferry.testing.Traffic.Injected;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The fault proxy between the SDK and a real S3Proxy: each fault does what it says, and is counted. */
class CountingProxyIT {
    private static final String BUCKET = "faults";
    private static S3ProxyServer s3;
    private static CountingProxy proxy;
    private static S3Client client;

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        proxy = CountingProxy.start(s3.port());
        client = S3Client.builder().endpointOverride(proxy.endpoint()).region(Region.of(s3.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))
                        .apiCallAttemptTimeout(Duration.ofSeconds(2)))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        proxy.close();
        s3.close();
    }

    private static void put(String key, String content) {
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    private static Set<Operation> puts() {
        return Set.of(Operation.PUT_OBJECT);
    }

    @Test
    void passesRequestsThroughAndCountsThem() {
        proxy.faults(FaultPlan.NONE);
        put("plain/a", "a");
        put("plain/a", "a2");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("plain/a")).asUtf8String()).isEqualTo("a2");
        client.headObject(b -> b.bucket(BUCKET).key("plain/a"));
        assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("plain/")).contents()).hasSize(1);
        Traffic t = proxy.traffic();
        assertThat(t.requests(Operation.PUT_OBJECT, BUCKET + "/plain/a")).isEqualTo(2);
        assertThat(t.stores(BUCKET + "/plain/a")).isEqualTo(2);
        assertThat(t.requests(Operation.HEAD_OBJECT, BUCKET + "/plain/a")).isEqualTo(1);
        assertThat(t.requests(Operation.LIST, BUCKET)).isGreaterThanOrEqualTo(1);
        assertThat(t.faults(BUCKET + "/plain/a")).isEmpty();
    }

    @Test
    void errorsAreS3sAndNeverReachTheServer() {
        proxy.faults(FaultPlan.seeded(1).withErrors(0, 1).onlyFor(puts()));
        assertThatThrownBy(() -> put("err/a", "a")).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
        });
        proxy.faults(FaultPlan.NONE);
        assertThat(s3.readObject(BUCKET, "err/a")).isEmpty();
        assertThat(proxy.traffic().stores(BUCKET + "/err/a")).isZero();
        assertThat(proxy.traffic().faults(BUCKET + "/err/a"))
                .containsExactly(new Injected(Operation.PUT_OBJECT, 0, Fault.SLOW_DOWN_503));
    }

    @Test
    void aResetInTheBodyStoresNothing() {
        proxy.faults(FaultPlan.seeded(1).withResets(1).onlyFor(puts()));
        assertThatThrownBy(() -> put("reset/a", "x".repeat(10_000))).isInstanceOf(SdkClientException.class);
        proxy.faults(FaultPlan.NONE);
        assertThat(s3.readObject(BUCKET, "reset/a")).isEmpty();
        assertThat(proxy.traffic().stores(BUCKET + "/reset/a")).isZero();
        put("reset/a", "after");
        assertThat(s3.readObject(BUCKET, "reset/a")).contains("after");
    }

    @Test
    void aLostResponseLeavesTheObjectStoredAndTheClientInTheDark() {
        proxy.faults(FaultPlan.seeded(1).withLostResponses(1).onlyFor(puts()));
        assertThatThrownBy(() -> put("lost/a", "stored")).isInstanceOf(SdkClientException.class);
        proxy.faults(FaultPlan.NONE);
        assertThat(s3.readObject(BUCKET, "lost/a")).contains("stored");
        assertThat(proxy.traffic().stores(BUCKET + "/lost/a")).isEqualTo(1);
        assertThat(proxy.traffic().faults(BUCKET + "/lost/a"))
                .containsExactly(new Injected(Operation.PUT_OBJECT, 0, Fault.LOST_RESPONSE));
    }

    @Test
    void aBlackHoleAndAnOutageFailUntilLifted() {
        proxy.blackHole(true);
        try {
            assertThatThrownBy(() -> put("hole/a", "a")).isInstanceOf(SdkClientException.class);
        } finally {
            proxy.blackHole(false);
        }
        assertThat(proxy.traffic().faults(BUCKET + "/hole/a"))
                .containsExactly(new Injected(Operation.PUT_OBJECT, 0, Fault.BLACK_HOLE));
        proxy.outage(true);
        try {
            assertThatThrownBy(() -> put("down/a", "a")).isInstanceOf(SdkClientException.class)
                    .hasStackTraceContaining("Connection refused");
        } finally {
            proxy.outage(false);
        }
        put("down/a", "back");
        assertThat(s3.readObject(BUCKET, "down/a")).contains("back");
        assertThat(s3.readObject(BUCKET, "hole/a")).isEmpty();
    }
}
