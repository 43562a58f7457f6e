package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InstanceIdTest {

    @Test
    void takesLettersDigitsDotsUnderscoresAndDashesUpTo64() {
        assertThat(new InstanceId("cam-7.site_2").value()).isEqualTo("cam-7.site_2");
        assertThat(new InstanceId("a".repeat(64)).value()).hasSize(64);
        assertThatThrownBy(() -> new InstanceId("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> new InstanceId("a".repeat(65))).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> new InstanceId("a b")).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> new InstanceId("s3://bucket")).hasMessageContaining("letters, digits");
    }

    @Test
    void aHostNameIsMadeValid() {
        assertThat(InstanceId.fromName(" web 1 ").value()).isEqualTo("web-1");
        assertThat(InstanceId.fromName("x".repeat(80)).value()).hasSize(64);
        assertThat(InstanceId.fromName("").value()).isEqualTo("localhost");
        assertThat(InstanceId.problem(InstanceId.ofHost().value())).isNull();
    }
}
