package dev.ferry.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.Secret;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a replication copy may stay on the server. */
class ReplicationJobsTest {
    private static BucketLocation at(String bucket, String region, Optional<URI> endpoint, String key) {
        return new BucketLocation(bucket, "p/", Optional.of(region), endpoint, false, Optional.of(key),
                Optional.of(new Secret(key + "-secret")));
    }

    @Test
    void oneEndpointOneSetOfKeysAndOneRegionCopyOnTheServer() {
        assertThat(ReplicationJobs.serverSide(at("a", "us-west-2", Optional.empty(), "K"),
                at("b", "us-west-2", Optional.empty(), "K"))).isTrue();
    }

    @Test
    void anotherRegionAnotherAccountOrAnotherEndpointStreams() {
        BucketLocation src = at("a", "us-west-2", Optional.empty(), "K");
        assertThat(ReplicationJobs.serverSide(src, at("b", "eu-west-1", Optional.empty(), "K"))).isFalse();
        assertThat(ReplicationJobs.serverSide(src, at("b", "us-west-2", Optional.empty(), "OTHER"))).isFalse();
        assertThat(ReplicationJobs.serverSide(src, at("b", "us-west-2",
                Optional.of(URI.create("https://s3.cn-north-1.amazonaws.com.cn")), "K"))).isFalse();
    }
}
