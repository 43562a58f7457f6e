package dev.ferry.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetView;
import dev.ferry.core.InstanceId;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetServiceTest {
    private static final Instant STARTED = Instant.parse("2026-12-06T07:00:00Z");
    private final ManualClock clock = new ManualClock(STARTED.plusSeconds(600));
    private static final DaemonStatus STATUS = new DaemonStatus("1.2.3", STARTED, 600, true, false,
            new DaemonStatus.StoreHealth("sqlite", "/s", true, 0, Optional.empty()),
            new DaemonStatus.WatcherHealth("/w", "native", true, 0, Optional.empty(), Optional.empty()),
            Map.of("photos", new DaemonStatus.BucketStatus(3, 1, 40, 4096, 2, Optional.empty(), Optional.empty())));

    private FleetService service(Optional<dev.ferry.core.FleetRegistry> registry) {
        return new FleetService(new InstanceId("cam-1"), "cam-1.lan", "1.2.3", () -> Optional.of("http://cam-1.lan:5000"),
                Duration.ofSeconds(30), () -> STATUS, registry, clock, new FleetMember.Run("run-1", 4242, false));
    }

    @Test
    void withoutARegistryTheFleetIsThisDaemonWithItsLiveCounts() {
        FleetView view = service(Optional.empty()).view();

        assertThat(view.instances()).singleElement().satisfies(e -> {
            assertThat(e.self()).isTrue();
            assertThat(e.stale()).isFalse();
            assertThat(e.member().id()).isEqualTo("cam-1");
            assertThat(e.member().host()).isEqualTo("cam-1.lan");
            assertThat(e.member().startedAt()).isEqualTo(STARTED);
            assertThat(e.member().lastSeen()).isEqualTo(clock.instant());
            assertThat(e.member().buckets()).containsEntry("photos", new FleetMember.Counts(3, 40, 2, 4096));
        });
    }

    @Test
    void withARegistryItsOwnEntryIsTheLiveOneAndTheOthersAreAsTheyReported() {
        HeartbeatTest.Registry registry = new HeartbeatTest.Registry();
        registry.report(new FleetMember("cam-1", "old", "0.9", STARTED, STARTED, Duration.ofSeconds(30),
                Optional.empty(), Map.of()));
        registry.report(new FleetMember("cam-2", "cam-2.lan", "1.2.3", STARTED, clock.instant().minusSeconds(91),
                Duration.ofSeconds(30), Optional.empty(), Map.of()));

        FleetView view = service(Optional.of(registry)).view();

        assertThat(view.instances()).extracting(e -> e.member().id() + " " + e.member().version() + " " + e.stale())
                .containsExactly("cam-1 1.2.3 false", "cam-2 1.2.3 true");
    }

    @Test
    void theUrlNamesTheHostForAWildcardAddressAndTheAddressOtherwise() {
        assertThat(FleetService.urlOf("0.0.0.0", "cam-1.lan", 5000)).isEqualTo("http://cam-1.lan:5000");
        assertThat(FleetService.urlOf("10.0.0.7", "cam-1.lan", 5000)).isEqualTo("http://10.0.0.7:5000");
        assertThat(FleetService.urlOf("fe80::1", "cam-1.lan", 80)).isEqualTo("http://[fe80::1]:80");
    }
}
