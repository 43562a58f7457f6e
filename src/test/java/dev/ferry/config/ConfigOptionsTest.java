package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The picocli options generated from the key table, end to end into a FerryConfig. */
class ConfigOptionsTest {
    @TempDir
    Path tmp;

    private final CommandSpec spec = CommandSpec.create().name("ferry");
    private final ConfigOptions options = ConfigOptions.addTo(spec);

    private ParseResult parse(String... args) {
        return new CommandLine(spec).parseArgs(args);
    }

    @Test
    void everyKeyHasAnOptionAndTheHelpShowsEnvironmentAndDefault() {
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(spec.findOption(key.flag())).as(key.flag()).isNotNull();
        }
        String help = new CommandLine(spec).getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help).contains("--config=FILE", "--concurrency=<n>", "Environment: CONCURRENCY. Default: 5.",
                "Default: ${XDG_STATE_HOME:-~/.local/state}/ferry.", "--path-style[=<true|false>]");
    }

    @Test
    void parsedValuesLoadWithTheirSourceAndTheConfigFile() throws IOException {
        Path watch = Files.createDirectory(tmp.resolve("drop"));
        Path file = Files.writeString(tmp.resolve("ferry.yml"), "concurrency: 3\nsettle_time: 1s\n");

        ParseResult parsed = parse("--config", file.toString(), "--watch-path", watch.toString(), "--port=0",
                "--path-style", "--create-buckets=false", "--concurrency", "11");
        FerryConfig c = options.load(parsed, Map.of("HOME", tmp.toString(), "CONCURRENCY", "10"));

        assertThat(options.configFile(parsed)).contains(file);
        assertThat(options.cliValues(parsed)).containsOnlyKeys("--watch-path", "--port", "--path-style",
                "--create-buckets", "--concurrency");
        assertThat(c.watchPath()).contains(watch);
        assertThat(c.port()).isZero();
        assertThat(c.pathStyle()).isTrue();
        assertThat(c.createBuckets()).isFalse();
        assertThat(c.concurrency()).isEqualTo(11);
        assertThat(c.settleTime()).hasSeconds(1);
        assertThat(c.setting(ConfigKey.SETTLE_TIME).source()).isEqualTo(Setting.Source.FILE);
    }

    @Test
    void withoutOptionsNothingComesFromTheCommandLine() {
        ParseResult parsed = parse();

        assertThat(options.cliValues(parsed)).isEmpty();
        assertThat(options.configFile(parsed)).isEmpty();
    }
}
