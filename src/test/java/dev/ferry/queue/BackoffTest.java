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
    void withoutJitterWaitsTheWholeDelay() {
        Backoff steady = Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(steady.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(steady.delay(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(steady.delay(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(steady.delay(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void awaitHandsTheDelayToTheSleeperAndSaysWhetherItWasCutShort() throws Exception {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> 0.0);
        java.util.List<Duration> slept = new java.util.ArrayList<>();
        assertThat(b.await(3, d -> slept.add(d))).isTrue();
        assertThat(b.await(1, d -> false)).isFalse();
        assertThat(slept).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Math::random))
                .hasMessageContaining("base");
    }
}
