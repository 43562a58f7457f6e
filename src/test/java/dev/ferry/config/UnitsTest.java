package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({"60000, 60000", "500ms, 500", "2s, 2000", "15m, 900000", "1h, 3600000", "1d, 86400000",
            "1.5s, 1500", "2 S, 2000", "0, 0"})
    void durationsAreMillisecondsOrANumberWithAUnit(String text, long millis) throws BadValue {
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "-1", "1.0001s", "3 fortnights", "1e3"})
    void badDurationsAreRejected(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(BadValue.class);
    }

    @ParameterizedTest
    @CsvSource({"1048576, 1048576", "16MiB, 16777216", "5MB, 5000000", "1KB, 1000", "1kib, 1024", "2 GiB, 2147483648",
            "10B, 10", "1.5KiB, 1536"})
    void sizesAreBytesOrANumberWithAUnit(String text, long bytes) throws BadValue {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "-5", "5 XB", "99999999999TiB"})
    void badSizesAreRejected(String text) {
        assertThatThrownBy(() -> Units.parseSize(text)).isInstanceOf(BadValue.class);
    }

    @Test
    void valuesAreWrittenBackWithTheLargestExactUnit() {
        assertThat(Units.formatDuration(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatDuration(Duration.ZERO)).isEqualTo("0");
        assertThat(Units.formatSize(16L << 20)).isEqualTo("16MiB");
        assertThat(Units.formatSize(5_000_000)).isEqualTo("5MB");
        assertThat(Units.formatSize(1234)).isEqualTo("1234B");
    }
}
