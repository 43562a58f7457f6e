package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.DaemonStatus.StoreHealth;
import dev.ferry.core.DaemonStatus.WatcherHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static DaemonStatus status(Map<String, Long> uploaded) {
        Map<String, BucketStatus> buckets = new java.util.TreeMap<>();
        uploaded.forEach((name, n) -> buckets.put(name,
                new BucketStatus(1, 0, n, n * 1000, 0, Optional.empty(), Optional.empty())));
        return new DaemonStatus("1", T0, 0, true, false, new StoreHealth("sqlite", "/x", true, 0, Optional.empty()),
                new WatcherHealth("/w", "native", true, 0, Optional.empty(), Optional.empty()), buckets);
    }

    @Test
    void eachSampleCarriesTheRateSinceTheOneBefore() {
        StatusHistory h = new StatusHistory(Duration.ofSeconds(5), 10);
        h.record(T0, status(Map.of("a", 10L)));
        h.record(T0.plusSeconds(5), status(Map.of("a", 20L, "b", 5L)));

        var samples = h.samples();
        assertThat(samples).hasSize(2);
        assertThat(samples.get(0).buckets().get("a").filesPerSecond()).as("no earlier sample").isZero();
        assertThat(samples.get(1).buckets().get("a").filesPerSecond()).isEqualTo(2.0);
        assertThat(samples.get(1).buckets().get("a").bytesPerSecond()).isEqualTo(2000.0);
        assertThat(samples.get(1).buckets().get("b").filesPerSecond()).as("a new bucket counts from 0").isEqualTo(1.0);
    }

    @Test
    void keepsTheNewestSamplesUpToItsCapacityAndIgnoresOnesOutOfOrder() {
        StatusHistory h = new StatusHistory(Duration.ofSeconds(5), 3);
        for (int i = 0; i < 5; i++) {
            h.record(T0.plusSeconds(5L * i), status(Map.of("a", (long) i)));
        }
        h.record(T0, status(Map.of("a", 99L)));

        assertThat(h.samples()).extracting(StatusHistory.Sample::at)
                .containsExactly(T0.plusSeconds(10), T0.plusSeconds(15), T0.plusSeconds(20));
    }
}
