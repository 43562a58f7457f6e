package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class UploadBodiesTest {
    private final BandwidthLimiter limiter = BandwidthLimiter.create(1024 * 1024, 64 * 1024, () -> 0L, n -> { });

    @Test
    void withoutALimitBodiesAreTheSdksOwnAndTimeoutsUnchanged() throws IOException {
        UploadBodies plain = new UploadBodies(Optional.empty(), Optional.of(Duration.ofSeconds(60)));

        RequestBody body = plain.of(new byte[10], "text/plain");

        try (InputStream in = body.contentStreamProvider().newStream()) {
            assertThat(in).isNotInstanceOf(ThrottledInputStream.class);
        }
        assertThat(plain.attemptTimeoutFor(100 * 1024 * 1024)).isEmpty();
        assertThat(plain.override(100)).isEmpty();
    }

    @Test
    void withALimitEveryNewStreamIsThrottled() throws IOException {
        UploadBodies limited = new UploadBodies(Optional.of(limiter), Optional.empty());

        RequestBody body = limited.of(new byte[] {1, 2, 3}, "text/plain");

        assertThat(body.optionalContentLength()).contains(3L);
        for (int attempt = 0; attempt < 2; attempt++) {
            try (InputStream in = body.contentStreamProvider().newStream()) {
                assertThat(in).isInstanceOf(ThrottledInputStream.class);
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void withALimitAttemptsMayTakeTheirShareOfTheBandwidth() {
        UploadBodies limited = new UploadBodies(Optional.of(limiter), Optional.of(Duration.ofSeconds(60)));

        // 8 MiB at 1 MiB/s shared by up to 100 uploads: 800 s on top of the configured 60 s
        assertThat(limited.attemptTimeoutFor(8L * 1024 * 1024)).contains(Duration.ofSeconds(860));
        assertThat(limited.attemptTimeoutFor(0)).contains(Duration.ofSeconds(61));
        assertThat(limited.override(1).orElseThrow().apiCallAttemptTimeout()).contains(Duration.ofSeconds(61));
        assertThat(new UploadBodies(Optional.of(limiter), Optional.empty()).attemptTimeoutFor(1000)).isEmpty();
    }
}
