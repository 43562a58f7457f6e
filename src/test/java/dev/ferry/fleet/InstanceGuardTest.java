package dev.ferry.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import dev.ferry.core.InstanceIdClash;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class InstanceGuardTest {
    private static final Instant STARTED = Instant.parse("2026-12-06T08:00:00Z");
    private static final FleetMember.Run SELF = new FleetMember.Run("self-token", 100, false);
    private final ManualClock clock = new ManualClock(STARTED.plusSeconds(600));
    private final InstanceGuard guard = new InstanceGuard("cam-1",
            new InstanceIdClash(SELF, "cam-1", (pid, at) -> pid == 200), clock);

    private FleetMember entry(String host, FleetMember.Run run) {
        return new FleetMember("cam-1", host, "1.5.0", STARTED, clock.instant().minusSeconds(3), Duration.ofSeconds(30),
                Optional.of("http://" + host + ":5000"), Map.of(), Optional.ofNullable(run));
    }

    @Test
    void aLiveDaemonOfAnotherHostUnderThisIdRefusesTheStartNamingItAndWhatToDo() {
        HeartbeatTest.Registry registry = new HeartbeatTest.Registry();
        registry.report(entry("cam-2", new FleetMember.Run("other", 4711, false)));

        Optional<String> refusal = guard.atStart(registry, Duration.ofSeconds(10));

        assertThat(refusal).hasValueSatisfying(m -> assertThat(m).contains("instance id cam-1", "host cam-2",
                "pid 4711", "http://cam-2:5000", "started 2026-12-06T08:00:00Z", "INSTANCE_ID",
                "overwrite each other's records and upload files again", "90 s after its last heartbeat"));
        assertThat(guard.other()).hasValueSatisfying(o -> assertThat(o.host()).isEqualTo("cam-2"));
    }

    @Test
    void theFreshEntryOfOurKilledPredecessorLetsItStart() {
        HeartbeatTest.Registry registry = new HeartbeatTest.Registry();
        registry.report(entry("cam-1", new FleetMember.Run("before", 300, false)));

        try (LogCapture log = LogCapture.of(InstanceGuard.class.getName())) {
            assertThat(guard.atStart(registry, Duration.ofSeconds(10))).isEmpty();
            guard.replaced(registry.member("cam-1")); // the first heartbeat replaces it

            assertThat(log.lines()).singleElement().asString().startsWith("INFO").contains("pid 300",
                    "ended without stopping");
        }
        assertThat(guard.other()).isEmpty();
    }

    @Test
    void aOneShotRunIsRefusedBesideALiveDaemonAndAFreshUnnamedEntryButTakesOverNothingFromAKilledOne() {
        InstanceGuard run = new InstanceGuard("cam-1", new InstanceIdClash(SELF, "cam-1", (pid, at) -> pid == 200),
                clock, InstanceGuard.Starter.ONE_SHOT);
        HeartbeatTest.Registry registry = new HeartbeatTest.Registry();

        registry.report(entry("cam-1", new FleetMember.Run("other", 200, false)));
        assertThat(run.atStart(registry, Duration.ofSeconds(10))).hasValueSatisfying(m -> assertThat(m).contains(
                "instance id cam-1", "pid 200", "this run does not start beside it", "INSTANCE_ID", "--dry-run"));

        registry.report(entry("cam-2", null)); // a daemon of a version that does not name its run
        assertThat(run.atStart(registry, Duration.ofSeconds(10))).isPresent();

        registry.report(entry("cam-1", new FleetMember.Run("before", 300, false))); // killed on this host
        try (LogCapture log = LogCapture.of(InstanceGuard.class.getName())) {
            assertThat(run.atStart(registry, Duration.ofSeconds(10))).isEmpty();
            assertThat(log.lines()).as("it takes over no entry").isEmpty();
        }
    }

    @Test
    void aLiveProcessOfThisHostUnderThisIdRefusesTheStart() {
        HeartbeatTest.Registry registry = new HeartbeatTest.Registry();
        registry.report(entry("cam-1", new FleetMember.Run("other", 200, false)));

        assertThat(guard.atStart(registry, Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void aRegistryThatIsDownOrSilentAtStartLetsItStart() {
        HeartbeatTest.Registry down = new HeartbeatTest.Registry();
        down.down = true;
        CountDownLatch never = new CountDownLatch(1);
        FleetRegistry silent = new HeartbeatTest.Registry() {
            @Override
            public Optional<FleetMember> member(String id) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            }
        };

        try (LogCapture log = LogCapture.of(InstanceGuard.class.getName())) {
            assertThat(guard.atStart(down, Duration.ofSeconds(10))).isEmpty();
            assertThat(guard.atStart(silent, Duration.ofMillis(50))).isEmpty();

            assertThat(log.lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("WARN")
                    .contains("checked at each heartbeat"));
        } finally {
            never.countDown();
        }
    }

    @Test
    void aHeartbeatThatReplacedAnotherDaemonsEntryLogsOneErrorPerDaemon() {
        FleetMember other = entry("cam-2", new FleetMember.Run("other", 4711, false));
        FleetMember ours = entry("cam-1", SELF);

        try (LogCapture log = LogCapture.of(InstanceGuard.class.getName())) {
            guard.replaced(Optional.empty());
            guard.replaced(Optional.of(ours));
            guard.replaced(Optional.of(other));
            guard.replaced(Optional.of(other));
            guard.replaced(Optional.of(entry("cam-3", new FleetMember.Run("third", 5, false))));

            List<String> errors = log.lines().stream().filter(l -> l.startsWith("ERROR")).toList();
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0)).contains("instance id cam-1", "host cam-2", "pid 4711", "http://cam-2:5000",
                    "started 2026-12-06T08:00:00Z", "Give each daemon its own INSTANCE_ID",
                    "overwrite each other's records and upload files again");
            assertThat(errors.get(1)).contains("host cam-3");
        }
        assertThat(guard.other()).hasValueSatisfying(o -> assertThat(o.host()).isEqualTo("cam-3"));
    }

    @Test
    void anEntryThatNamesNoRunIsAnUpgradeAtStartAndAClashOnceOursWasWritten() {
        FleetMember unnamed = entry("cam-1", null);

        try (LogCapture log = LogCapture.of(InstanceGuard.class.getName())) {
            guard.replaced(Optional.of(unnamed));
            assertThat(log.lines().stream().filter(l -> l.startsWith("ERROR"))).isEmpty();

            guard.replaced(Optional.of(unnamed));
            assertThat(log.lines().stream().filter(l -> l.startsWith("ERROR"))).hasSize(1);
        }
    }
}
