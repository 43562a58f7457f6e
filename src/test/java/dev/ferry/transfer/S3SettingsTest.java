package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    @Test
    void defaults() {
        S3Settings s = S3Settings.defaults();

        assertThat(s.endpoint()).isEmpty();
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.attemptTimeout()).isEmpty();
        assertThat(s.multipartThreshold()).isEqualTo(16L * 1024 * 1024);
        assertThat(s.partSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(s.partConcurrency()).isEqualTo(4);
        assertThat(s.maxConnections()).isEqualTo(64);
        assertThat(s.hasStaticCredentials()).isFalse();
        assertThat(s.bandwidthLimiter()).isEmpty();
        assertThat(s.sdkDefaultChecksums()).isFalse();
    }

    @Test
    void bandwidthLimitAndChecksumModeAreKeptAndShown() {
        BandwidthLimiter limit = BandwidthLimiter.of(1_000_000);
        S3Settings s = S3Settings.builder().bandwidthLimiter(limit).sdkDefaultChecksums(true).build();

        assertThat(s.bandwidthLimiter()).containsSame(limit);
        assertThat(s.sdkDefaultChecksums()).isTrue();
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s.toString()).contains("bandwidthLimit=1000000 bytes/s").contains("sdkDefaultChecksums=true");
        assertThat(S3Settings.defaults().toString()).contains("bandwidthLimit=(none)");
    }

    @Test
    void toStringHidesTheSecretKey() {
        S3Settings s = S3Settings.builder().endpoint(URI.create("http://127.0.0.1:9000")).pathStyle(true)
                .credentials("AKIDEXAMPLE", "very-secret-value").attemptTimeout(Duration.ofSeconds(30)).build();

        assertThat(s.toString()).doesNotContain("very-secret-value").contains("secretKey=***")
                .contains("AKIDEXAMPLE").contains("http://127.0.0.1:9000");
        assertThat(s.hasStaticCredentials()).isTrue();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void rejectsContradictionsNamingTheSetting() {
        assertThatThrownBy(() -> S3Settings.builder().partSize(1024).build()).hasMessageContaining("partSize");
        assertThatThrownBy(() -> S3Settings.builder().partConcurrency(0).build())
                .hasMessageContaining("partConcurrency");
        assertThatThrownBy(() -> S3Settings.builder().multipartThreshold(0).build())
                .hasMessageContaining("multipartThreshold");
        assertThatThrownBy(() -> S3Settings.builder().attemptTimeout(Duration.ZERO).build())
                .hasMessageContaining("attemptTimeout");
        assertThatThrownBy(() -> S3Settings.builder().endpoint(URI.create("localhost:9000")).build())
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> S3Settings.builder().endpoint(URI.create("http://u:pw@localhost:9000")).build())
                .hasMessageContaining("endpoint").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> S3Settings.builder().region(" ").build()).hasMessageContaining("region");
    }
}
