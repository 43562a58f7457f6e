package dev.ferry.state;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry's reads and writes against mongo-java-server, a MongoDB wire-protocol server in memory. */
class MongoFleetRegistryIT {
    private static final Instant AT = Instant.parse("2026-12-06T08:00:00Z");
    private MongoServer server;
    private MongoStateStore store;
    private FleetRegistry registry;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        store = MongoStateStore.open("mongodb://127.0.0.1:" + server.bind().getPort() + "/fleet", "unused");
        registry = store.fleetRegistry().orElseThrow();
    }

    @AfterEach
    void stop() {
        store.close();
        server.shutdownNow();
    }

    private static FleetMember entry(String token, String host) {
        return new FleetMember("cam-1", host, "1.5.0", AT, AT, Duration.ofSeconds(30), Optional.empty(), Map.of(),
                Optional.of(new FleetMember.Run(token, 42, false)));
    }

    @Test
    void aReportReturnsTheEntryItReplaced() {
        assertThat(registry.member("cam-1")).isEmpty();
        assertThat(registry.report(entry("first", "cam-1"))).isEmpty();

        assertThat(registry.report(entry("second", "cam-2"))).hasValue(entry("first", "cam-1"));
        assertThat(registry.member("cam-1")).hasValue(entry("second", "cam-2"));
        assertThat(registry.members()).hasSize(1);
    }

    @Test
    void onlyTheRunThatWroteTheEntryLastMarksItStopped() {
        registry.report(entry("first", "cam-1"));

        registry.stopped("cam-1", "other");
        assertThat(registry.member("cam-1").flatMap(FleetMember::run)).hasValueSatisfying(r ->
                assertThat(r.stopped()).isFalse());

        registry.stopped("cam-1", "first");
        assertThat(registry.member("cam-1").flatMap(FleetMember::run)).hasValueSatisfying(r ->
                assertThat(r.stopped()).isTrue());
        assertThat(registry.members()).extracting(FleetMember::id).isEqualTo(List.of("cam-1"));
    }
}
