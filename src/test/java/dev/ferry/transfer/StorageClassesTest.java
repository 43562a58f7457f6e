package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageClassesTest {

    @Test
    void knowsTheS3StorageClasses() {
        assertThat(StorageClasses.names()).contains("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY").doesNotContain("UNKNOWN_TO_SDK_VERSION");
    }

    @Test
    void acceptsAnyCaseAndReturnsTheCanonicalName() {
        assertThat(StorageClasses.requireKnown("STANDARD_IA")).isEqualTo("STANDARD_IA");
        assertThat(StorageClasses.requireKnown("standard_ia")).isEqualTo("STANDARD_IA");
        assertThat(StorageClasses.requireKnown(" Glacier ")).isEqualTo("GLACIER");
    }

    @Test
    void anUnknownNameIsAnErrorNamingItAndTheValidOnes() {
        assertThatThrownBy(() -> StorageClasses.requireKnown("STANDARD-IA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown storage class 'STANDARD-IA': expected one of ")
                .hasMessageContaining("STANDARD_IA");
        assertThatThrownBy(() -> StorageClasses.requireKnown("")).hasMessageContaining("unknown storage class ''");
    }
}
