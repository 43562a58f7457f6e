package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenFileLimitTest {
    @Test
    void aLimitBelow4096IsWarnedAboutWithTheWayToRaiseIt() {
        assertThat(OpenFileLimit.warning(1024)).hasValueSatisfying(w -> assertThat(w)
                .startsWith("open files: the limit is 1024 (ulimit -n)")
                .contains("LimitNOFILE=65536", "--ulimit nofile=65536:65536"));
        assertThat(OpenFileLimit.warning(4095)).isPresent();
    }

    @Test
    void aLimitOf4096OrMoreIsNot() {
        assertThat(OpenFileLimit.warning(4096)).isEmpty();
        assertThat(OpenFileLimit.warning(1_048_576)).isEmpty();
    }
}
