package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void subSecondDelaysAreNotZeroSeconds() {
        assertThat(Durations.text(Duration.ofMillis(400))).isEqualTo("400 ms");
        assertThat(Durations.text(Duration.ZERO)).isEqualTo("0 ms");
    }

    @Test
    void longerOnesReadAsAPersonWouldSayThem() {
        assertThat(Durations.text(Duration.ofMillis(2_500))).isEqualTo("2 s");
        assertThat(Durations.text(Duration.ofSeconds(48))).isEqualTo("48 s");
        assertThat(Durations.text(Duration.ofSeconds(365))).isEqualTo("6 min 5 s");
        assertThat(Durations.text(Duration.ofMinutes(200))).isEqualTo("3 h 20 min");
    }
}
