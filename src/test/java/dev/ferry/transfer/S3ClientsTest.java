package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3ClientsTest {
    private static S3Settings.Builder settings() {
        return S3Settings.builder().endpoint(URI.create("http://127.0.0.1:9000")).credentials("a", "s");
    }

    @Test
    void bodiesGoUnsignedUnlessTheSdkChecksumsNeedTheSdksSigning() {
        assertThat(S3Clients.md5GuardedBodies(settings().build())).isTrue();
        assertThat(S3Clients.md5GuardedBodies(settings().bandwidthLimiter(BandwidthLimiter.of(1_000_000)).build()))
                .isTrue();
        assertThat(S3Clients.md5GuardedBodies(settings().sdkDefaultChecksums(true).build())).isFalse();
    }
}
