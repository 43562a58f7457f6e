package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MtimeTest {

    @Test
    void formatsLikeRcloneWithTrailingZerosDropped() {
        assertThat(Mtime.format(Instant.ofEpochSecond(1_700_000_000L, 123_456_789))).isEqualTo("1700000000.123456789");
        assertThat(Mtime.format(Instant.ofEpochSecond(1_700_000_000L, 500_000_000))).isEqualTo("1700000000.5");
        assertThat(Mtime.format(Instant.ofEpochSecond(1_700_000_000L, 1))).isEqualTo("1700000000.000000001");
        assertThat(Mtime.format(Instant.ofEpochSecond(1_700_000_000L))).isEqualTo("1700000000");
        assertThat(Mtime.format(Instant.EPOCH)).isEqualTo("0");
        assertThat(Mtime.format(Instant.ofEpochSecond(0, 250_000_000))).isEqualTo("0.25");
    }

    @Test
    void formatsMillisecondsAndTimesBeforeTheEpoch() {
        assertThat(Mtime.formatMillis(1_700_000_000_123L)).isEqualTo("1700000000.123");
        assertThat(Mtime.formatMillis(1_700_000_000_100L)).isEqualTo("1700000000.1");
        assertThat(Mtime.formatMillis(-1_500L)).isEqualTo("-1.5");
        assertThat(Mtime.formatMillis(-2_000L)).isEqualTo("-2");
    }

    @Test
    void parsesTheDecimalFormExactly() {
        assertThat(Mtime.parse("1700000000.123456789")).contains(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        assertThat(Mtime.parse("1700000000")).contains(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(Mtime.parse("1700000000.5")).contains(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
        assertThat(Mtime.parse(" 1700000000.1234567891234 ")).contains(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        assertThat(Mtime.parse("-1.5")).contains(Instant.ofEpochMilli(-1_500));
        assertThat(Mtime.parse("1.7e9")).contains(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void parsesRfc3339() {
        assertThat(Mtime.parse("2023-11-14T22:13:20.123456789Z"))
                .contains(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        assertThat(Mtime.parse("2023-11-15T00:13:20+02:00")).contains(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(Mtime.parseMillis("2023-11-14T22:13:20.123999Z")).contains(1_700_000_000_123L);
    }

    @Test
    void roundTripsEveryMillisecondValue() {
        for (long millis : new long[] {0, 1, 999, 1_000, 1_700_000_000_001L, 1_700_000_000_999L, -1, -999, 253_402_300_799_999L}) {
            assertThat(Mtime.parseMillis(Mtime.formatMillis(millis))).as("%d", millis).contains(millis);
        }
    }

    @Test
    void rejectsMalformedValues() {
        assertThat(Mtime.parse(null)).isEmpty();
        assertThat(Mtime.parse("")).isEmpty();
        assertThat(Mtime.parse("yesterday")).isEmpty();
        assertThat(Mtime.parse("NaN")).isEmpty();
        assertThat(Mtime.parse("1e999")).isEmpty();
        assertThat(Mtime.parse("2023-13-45T99:00:00Z")).isEmpty();
        assertThat(Mtime.parse("12.34.56")).isEmpty();
    }
}
