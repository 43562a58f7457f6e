package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Files shipped in the distribution archive. The systemd files: the example environment file is copied as is to
 * /etc/ferry/ferry.env, which both units read, and systemd lets a variable set there override the template's
 * {@code Environment=} lines, so anything ferry@.service sets per instance must stay out of the example.
 */
class PackagingFilesTest {

    private static final Path SYSTEMD = Path.of("packaging", "systemd");

    @Test
    void theExampleEnvironmentFileSetsNothingTheTemplateSetsPerInstance() throws IOException {
        Set<String> perInstance = Files.readAllLines(SYSTEMD.resolve("ferry@.service"), StandardCharsets.UTF_8)
                .stream()
                .filter(line -> line.startsWith("Environment="))
                .flatMap(line -> Arrays.stream(line.substring("Environment=".length()).trim().split("\\s+")))
                .map(assignment -> assignment.substring(0, assignment.indexOf('=')))
                .collect(Collectors.toSet());
        assertThat(perInstance).contains("PORT", "INSTANCE_ID");

        Set<String> set = setVariables();
        assertThat(set).as("variables set (uncommented) in ferry.env.example").doesNotContain("PORT", "STATE_DIR");
        for (String name : perInstance) {
            assertThat(set).as("ferry.env.example sets %s, which would override ferry@.service's per-instance value",
                    name).doesNotContain(name);
        }
    }

    @Test
    void everyVariableTheExampleSetsIsOneFerryReads() throws IOException {
        Set<String> known = Arrays.stream(ConfigKey.values())
                .flatMap(key -> key.envNames().stream())
                .collect(Collectors.toSet());
        assertThat(known).containsAll(setVariables());
    }

    @Test
    void theArchivesReadmeAndExampleConfigRunTheLauncherNotTheCheckoutsJar() throws IOException {
        // both are shipped in the archive (src/assembly/dist.xml), which has bin/ferry and lib/, and no target/
        for (String file : List.of("config.example.yml", "README.md")) {
            List<String> commands = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.matches("^\\s*(#\\s*)?java -jar target/.*"))
                    .toList();
            assertThat(commands).as("%s: command lines with target/ferry.jar (say bin/ferry)", file).isEmpty();
        }
    }

    private static Set<String> setVariables() throws IOException {
        List<String> lines = Files.readAllLines(SYSTEMD.resolve("ferry.env.example"), StandardCharsets.UTF_8);
        return lines.stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.substring(0, line.indexOf('=')).trim())
                .collect(Collectors.toSet());
    }
}
