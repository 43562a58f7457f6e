package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.InstanceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** instance_id from each source, the host name by default, and an invalid one refused naming the key. */
class InstanceIdConfigTest {
    private static final String RULE = "must be letters, digits, '.', '_' and '-', at most 64 characters";

    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("WATCH_PATH", Files.createDirectory(tmp.resolve("drop")).toString());
    }

    private FerryConfig load(Map<String, String> cli, Optional<Path> file) {
        return FerryConfig.load(env, cli, file);
    }

    @Test
    void defaultsToTheHostName() {
        assertThat(load(Map.of(), Optional.empty()).instanceId()).isEqualTo(InstanceId.ofHost());
    }

    @Test
    void comesFromTheEnvironmentTheFileOrTheCommandLine() throws IOException {
        env.put("INSTANCE_ID", "from-env");
        assertThat(load(Map.of(), Optional.empty()).instanceId().value()).isEqualTo("from-env");
        assertThat(load(Map.of("--instance-id", "from.cli_1"), Optional.empty()).instanceId().value())
                .isEqualTo("from.cli_1");
        env.remove("INSTANCE_ID");
        Path file = Files.writeString(tmp.resolve("config.yml"), "instance_id: camera-7\n");
        assertThat(load(Map.of(), Optional.of(file)).instanceId().value()).isEqualTo("camera-7");
    }

    @Test
    void anInvalidInstanceIdIsAConfigErrorNamingTheKey() throws IOException {
        env.put("INSTANCE_ID", "web 1");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(Map.of(), Optional.empty()));
        assertThat(e.problems()).containsExactly("INSTANCE_ID (environment): " + RULE + ", got 'web 1'");
        env.remove("INSTANCE_ID");

        e = catchThrowableOfType(ConfigException.class,
                () -> load(Map.of("--instance-id", "x".repeat(65)), Optional.empty()));
        assertThat(e.problems()).singleElement().asString().startsWith("--instance-id: " + RULE);

        Path file = Files.writeString(tmp.resolve("config.yml"), "instance_id: host/1\n");
        e = catchThrowableOfType(ConfigException.class, () -> load(Map.of(), Optional.of(file)));
        assertThat(e.problems()).singleElement().asString().startsWith("instance_id (" + file + " line 1): " + RULE);

        // seed 004's key=value form reads the same key
        Path kv = Files.writeString(tmp.resolve("config.txt"), "instance_id=host/1\n");
        e = catchThrowableOfType(ConfigException.class, () -> load(Map.of(), Optional.of(kv)));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("instance_id (" + kv + " line 1): " + RULE));
    }
}
