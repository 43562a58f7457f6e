package dev.ferry.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import dev.ferry.core.StateStoreException;
import dev.ferry.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
    private static final Instant AT = Instant.parse("2026-12-06T08:00:00Z");
    private final ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();

    /** Records reports; fails them while {@code down}. */
    static class Registry implements FleetRegistry {
        final List<FleetMember> reports = new ArrayList<>();
        volatile boolean down;

        @Override
        public synchronized Optional<FleetMember> report(FleetMember self) {
            if (down) {
                throw new StateStoreException("mongodb mongodb://db1/ferry: report of instance cam-1 failed: timed out");
            }
            Optional<FleetMember> before = member(self.id());
            reports.add(self);
            return before;
        }

        @Override
        public synchronized Optional<FleetMember> member(String id) {
            if (down) {
                throw new StateStoreException("mongodb mongodb://db1/ferry: read of instance " + id + " failed: timed out");
            }
            Optional<FleetMember> last = Optional.empty();
            for (FleetMember m : reports) {
                if (m.id().equals(id)) {
                    last = Optional.of(m);
                }
            }
            return last;
        }

        @Override
        public synchronized void stopped(String id, String token) {
            member(id).filter(m -> m.run().map(r -> r.token().equals(token)).orElse(false)).ifPresent(m ->
                    reports.add(new FleetMember(m.id(), m.host(), m.version(), m.startedAt(), m.lastSeen(),
                            m.heartbeat(), m.url(), m.buckets(), m.run().map(FleetMember.Run::stoppedNow))));
        }

        @Override
        public synchronized List<FleetMember> members() {
            return List.copyOf(reports);
        }
    }

    @AfterEach
    void stop() {
        unused.shutdownNow();
    }

    private static FleetMember self() {
        return new FleetMember("cam-1", "cam-1", "1.0", AT, AT, Duration.ofSeconds(30), Optional.empty(), Map.of());
    }

    @Test
    void aRegistryThatIsAwayIsLoggedOnceThenOnceWhenItIsBackAndNeverThrows() {
        Registry registry = new Registry();
        Heartbeat heartbeat = new Heartbeat(registry, HeartbeatTest::self, before -> { }, unused);
        try (LogCapture log = LogCapture.of(Heartbeat.class.getName())) {
            heartbeat.beat();
            registry.down = true;
            for (int i = 0; i < 5; i++) {
                heartbeat.beat();
            }
            registry.down = false;
            heartbeat.beat();
            heartbeat.beat();

            assertThat(registry.reports).hasSize(3);
            assertThat(log.lines().stream().filter(l -> l.startsWith("WARN"))).singleElement().asString()
                    .contains("fleet heartbeat failed", "uploads go on", "mongodb mongodb://db1/ferry: report of instance cam-1 failed: timed out");
            assertThat(log.lines().stream().filter(l -> l.startsWith("INFO"))).singleElement().asString()
                    .contains("fleet heartbeat written again");
        }
    }

    @Test
    void eachWriteHandsOnTheEntryItReplacedAndAFailingListenerEndsNothing() {
        Registry registry = new Registry();
        List<Optional<FleetMember>> replaced = new ArrayList<>();
        Heartbeat heartbeat = new Heartbeat(registry, HeartbeatTest::self, before -> {
            replaced.add(before);
            throw new IllegalStateException("listener broke");
        }, unused);
        try (LogCapture log = LogCapture.of(Heartbeat.class.getName())) {
            heartbeat.beat();
            heartbeat.beat();
            registry.down = true;
            heartbeat.beat();

            assertThat(replaced).containsExactly(Optional.empty(), Optional.of(self()));
            assertThat(log.lines().stream().filter(l -> l.contains("listener broke"))).hasSize(2);
        }
    }

    @Test
    void startReportsAtOnceOnItsOwnThreadAndCloseStopsIt() throws Exception {
        Registry registry = new Registry();
        Heartbeat heartbeat = Heartbeat.start(registry, HeartbeatTest::self, Duration.ofHours(1));
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.members().size() == 1);
        } finally {
            heartbeat.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("fleet-heartbeat") && t.isAlive());
    }
}
