package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.InstanceIdClash.Verdict;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision whether the registry's entry of this instance id is another live daemon's, on a fake clock. */
class InstanceIdClashTest {
    private static final Instant STARTED = Instant.parse("2026-12-06T08:00:00Z");
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    private static final FleetMember.Run SELF = new FleetMember.Run("self-token", 100, false);
    private final ManualClock clock = new ManualClock(STARTED.plusSeconds(3600));
    /** The pids that run on this host, each started at {@link #STARTED}. */
    private Set<Long> running = Set.of(100L, 200L);
    private final InstanceIdClash clash = new InstanceIdClash(SELF, "cam-1", (pid, startedAt) ->
            running.contains(pid) && !STARTED.isAfter(startedAt));

    private FleetMember entry(String host, FleetMember.Run run, Duration silentFor) {
        return new FleetMember("cam-1", host, "1.5.0", STARTED, clock.instant().minus(silentFor), HEARTBEAT,
                Optional.of("http://" + host + ":5000"), Map.of(), Optional.ofNullable(run));
    }

    private Verdict atStart(FleetMember e) {
        return clash.judge(Optional.of(e), clock.instant(), false);
    }

    @Test
    void noEntryOrOurOwnIsNoClash() {
        assertThat(clash.judge(Optional.empty(), clock.instant(), false)).isEqualTo(Verdict.NONE);
        assertThat(atStart(entry("cam-1", SELF, Duration.ZERO))).isEqualTo(Verdict.OURS);
    }

    @Test
    void aLiveProcessOfAnotherRunOnThisHostIsAClash() {
        assertThat(atStart(entry("cam-1", new FleetMember.Run("other", 200, false), Duration.ofSeconds(5))))
                .isEqualTo(Verdict.CLASH);
        assertThat(atStart(entry("CAM-1", new FleetMember.Run("other", 200, false), Duration.ofSeconds(5))))
                .as("host names are case-insensitive").isEqualTo(Verdict.CLASH);
    }

    @Test
    void aRunOnThisHostWhoseProcessIsGoneIsOurPredecessor() {
        assertThat(atStart(entry("cam-1", new FleetMember.Run("before", 300, false), Duration.ofSeconds(5))))
                .as("killed: its pid no longer runs").isEqualTo(Verdict.PREDECESSOR);
        assertThat(atStart(entry("cam-1", new FleetMember.Run("before", 100, false), Duration.ofSeconds(5))))
                .as("its pid is ours: a container started again, the daemon pid 1 each time")
                .isEqualTo(Verdict.PREDECESSOR);
    }

    @Test
    void aPidTakenOverByAProcessStartedAfterTheRunIsNotThatRun() {
        FleetMember e = new FleetMember("cam-1", "cam-1", "1.5.0", STARTED.minusSeconds(60),
                clock.instant().minusSeconds(5), HEARTBEAT, Optional.empty(), Map.of(),
                Optional.of(new FleetMember.Run("before", 200, false)));

        assertThat(atStart(e)).as("pid 200 started after the run that wrote the entry").isEqualTo(Verdict.PREDECESSOR);
    }

    @Test
    void anotherHostCannotBeCheckedSoItsFreshEntryIsAClashUntilStale() {
        FleetMember.Run other = new FleetMember.Run("other", 300, false);
        Duration staleAfter = HEARTBEAT.multipliedBy(FleetView.STALE_AFTER_HEARTBEATS);

        assertThat(atStart(entry("cam-2", other, Duration.ZERO))).isEqualTo(Verdict.CLASH);
        assertThat(atStart(entry("cam-2", other, staleAfter))).as("3 heartbeats late: not yet stale")
                .isEqualTo(Verdict.CLASH);
        assertThat(atStart(entry("cam-2", other, staleAfter.plusMillis(1)))).isEqualTo(Verdict.STALE);
        assertThat(atStart(entry("cam-1", new FleetMember.Run("other", 200, false), staleAfter.plusSeconds(1))))
                .as("a live process whose entry is stale is not looked at").isEqualTo(Verdict.STALE);
    }

    @Test
    void aRunThatStoppedCleanlyLeavesTheIdFreeOnAnyHost() {
        assertThat(atStart(entry("cam-2", new FleetMember.Run("other", 300, true), Duration.ZERO)))
                .isEqualTo(Verdict.STOPPED);
    }

    @Test
    void anEntryThatNamesNoRunIsTakenOverAtStartButIsAClashOnceOursWasWritten() {
        FleetMember old = entry("cam-1", null, Duration.ofSeconds(2));

        assertThat(atStart(old)).as("an upgrade: the version before wrote it").isEqualTo(Verdict.UNNAMED_RUN);
        assertThat(clash.judge(Optional.of(old), clock.instant(), true))
                .as("written after ours: an older daemon writes under this id").isEqualTo(Verdict.CLASH);
    }

    @Test
    void timePassingTurnsAClashStale() {
        FleetMember e = entry("cam-2", new FleetMember.Run("other", 300, false), Duration.ZERO);
        assertThat(atStart(e)).isEqualTo(Verdict.CLASH);

        clock.advance(Duration.ofSeconds(91));

        assertThat(atStart(e)).isEqualTo(Verdict.STALE);
    }

    @Test
    void theDescriptionNamesHostPidUrlAndStart() {
        FleetMember e = entry("cam-2", new FleetMember.Run("other", 4711, false), Duration.ofSeconds(7));

        assertThat(InstanceIdClash.describe(e, clock.instant())).isEqualTo(
                "host cam-2, pid 4711, http://cam-2:5000, started 2026-12-06T08:00:00Z, last seen 7 s ago");
    }

    @Test
    void tokensComeFromTheRandomnessGivenAndDiffer() {
        String a = FleetMember.Run.token(new Random(1));
        assertThat(a).matches("[0-9a-f]{32}").isEqualTo(FleetMember.Run.token(new Random(1)))
                .isNotEqualTo(FleetMember.Run.token(new Random(2)));
    }

    @Test
    void thisProcessRunsAndOneStartedLaterIsNotIt() {
        InstanceIdClash.Processes here = InstanceIdClash.Processes.ofThisHost();
        long pid = ProcessHandle.current().pid();

        assertThat(here.runs(pid, Instant.now())).isTrue();
        assertThat(here.runs(pid, Instant.parse("2000-01-01T00:00:00Z"))).isFalse();
    }
}
