package dev.ferry.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void growsExponentiallyWithinJitterBoundsUpToTheCap() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.999999);
        assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delay(1)).isBetween(Duration.ofMillis(999), Duration.ofMillis(1000));
        assertThat(low.delay(4)).isEqualTo(Duration.ofMillis(4000));
        assertThat(high.delay(100)).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(low.delay(100)).isEqualTo(Duration.ofMillis(150_000));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Math::random))
                .hasMessageContaining("base");
    }
}
