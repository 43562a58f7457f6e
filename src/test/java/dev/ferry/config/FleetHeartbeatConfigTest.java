package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet_heartbeat: 30 s by default, from each source, from 1 s to 1 h. */
class FleetHeartbeatConfigTest {
    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("WATCH_PATH", Files.createDirectory(tmp.resolve("drop")).toString());
    }

    @Test
    void defaultsToThirtySecondsAndComesFromEachSource() throws IOException {
        assertThat(FerryConfig.load(env, Map.of(), Optional.empty()).fleetHeartbeat()).isEqualTo(Duration.ofSeconds(30));
        assertThat(FerryConfig.load(env, Map.of("--heartbeat", "2m"), Optional.empty()).fleetHeartbeat())
                .isEqualTo(Duration.ofMinutes(2));
        Path file = Files.writeString(tmp.resolve("config.yml"), "fleet_heartbeat: 1500ms\n");
        assertThat(FerryConfig.load(env, Map.of(), Optional.of(file)).fleetHeartbeat()).isEqualTo(Duration.ofMillis(1500));
        env.put("FLEET_HEARTBEAT", "1s");
        assertThat(FerryConfig.load(env, Map.of(), Optional.empty()).fleetHeartbeat()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void tooShortOrTooLongIsRefusedNamingTheKey() {
        for (String bad : new String[] {"0", "500ms", "2h", "soon"}) {
            env.put("FLEET_HEARTBEAT", bad);
            assertThatThrownBy(() -> FerryConfig.load(env, Map.of(), Optional.empty())).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("FLEET_HEARTBEAT");
        }
    }
}
