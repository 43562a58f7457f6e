package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetViewTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

    private static FleetMember seen(String id, Instant lastSeen, Duration heartbeat) {
        return new FleetMember(id, id + ".lan", "1.0", NOW.minusSeconds(3600), lastSeen, heartbeat, Optional.empty(),
                Map.of());
    }

    @Test
    void anInstanceIsStaleOnlyOnceMoreThanThreeOfItsHeartbeatsPassedWithoutAReport() {
        Duration beat = Duration.ofSeconds(30);

        assertThat(FleetView.stale(seen("a", NOW, beat), NOW)).isFalse();
        assertThat(FleetView.stale(seen("a", NOW.minusSeconds(89), beat), NOW)).as("two late reports").isFalse();
        assertThat(FleetView.stale(seen("a", NOW.minusSeconds(90), beat), NOW)).as("exactly 3 heartbeats").isFalse();
        assertThat(FleetView.stale(seen("a", NOW.minusSeconds(90).minusMillis(1), beat), NOW)).isTrue();
        // each by its own heartbeat: a 5 s instance is stale after 15 s, whatever the viewer's is
        assertThat(FleetView.stale(seen("fast", NOW.minusSeconds(16), Duration.ofSeconds(5)), NOW)).isTrue();
    }

    @Test
    void theViewIsSortedByIdMarksItselfAndGivesEachAge() {
        FleetView view = FleetView.of(List.of(seen("cam-2", NOW.minusSeconds(400), Duration.ofSeconds(30)),
                seen("cam-1", NOW.minusSeconds(4), Duration.ofSeconds(30)),
                // a clock ahead of the viewer's: age 0, not negative
                seen("cam-3", NOW.plusSeconds(7), Duration.ofSeconds(30))), "cam-1", NOW);

        assertThat(view.instances()).extracting(e -> e.member().id()).containsExactly("cam-1", "cam-2", "cam-3");
        assertThat(view.instances()).extracting(FleetView.Entry::self).containsExactly(true, false, false);
        assertThat(view.instances()).extracting(FleetView.Entry::stale).containsExactly(false, true, false);
        assertThat(view.instances()).extracting(FleetView.Entry::age)
                .containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(400), Duration.ZERO);
        assertThat(view.staleCount()).isEqualTo(1);
    }

    @Test
    void countsAddUpOverBucketsAndAHeartbeatMustBePositive() {
        FleetMember m = new FleetMember("a", "h", "1", NOW, NOW, Duration.ofSeconds(1), Optional.empty(),
                Map.of("x", new FleetMember.Counts(1, 2, 3, 4), "y", new FleetMember.Counts(10, 20, 30, 40)));

        assertThat(m.total()).isEqualTo(new FleetMember.Counts(11, 22, 33, 44));
        assertThat(m.buckets().keySet()).containsExactly("x", "y");
        assertThatThrownBy(() -> new FleetMember("a", "h", "1", NOW, NOW, Duration.ZERO, Optional.empty(), Map.of()))
                .hasMessageContaining("heartbeat");
    }
}
