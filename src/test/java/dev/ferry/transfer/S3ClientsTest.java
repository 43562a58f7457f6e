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

    @Test
    void temporaryKeysSignWithTheirSessionTokenAndNeverShowIt() {
        var temporary = S3Clients.credentials(S3Settings.builder()
                .credentials("ASIATEMP", "temp-secret", java.util.Optional.of("the-session-token")).build())
                .resolveCredentials();
        assertThat(temporary).isInstanceOfSatisfying(
                software.amazon.awssdk.auth.credentials.AwsSessionCredentials.class,
                c -> assertThat(c.sessionToken()).isEqualTo("the-session-token"));
        assertThat(temporary.accessKeyId()).isEqualTo("ASIATEMP");
        assertThat(S3Clients.credentials(settings().build()).resolveCredentials())
                .isNotInstanceOf(software.amazon.awssdk.auth.credentials.AwsSessionCredentials.class);
        assertThat(S3Settings.builder().credentials("ASIATEMP", "temp-secret",
                java.util.Optional.of("the-session-token")).build().toString())
                .contains("sessionToken=***").doesNotContain("the-session-token").doesNotContain("temp-secret");
    }
}
