package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** LOG_FORMAT=json: every line the daemon process writes is one JSON object with a field per value. */
class JsonLogsIT extends DaemonTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : ferry.log().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                out.add(node);
            } catch (JsonProcessingException e) {
                fail("not a JSON line: " + line);
            }
        }
        return out;
    }

    private Optional<JsonNode> event(String outcome, String key) {
        return events().stream().filter(e -> outcome.equals(e.path("outcome").asText())
                && key.equals(e.path("key").asText())).findFirst();
    }

    @Test
    void uploadAndFailureLinesCarryTheirValuesAsFields() throws Exception {
        Path photo = write("photos/2026/a b.jpg", "twelve bytes");
        Path locked = write("private/locked.jpg", "cannot be read");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("LOG_FORMAT", "json");
        ferry = FerryProcess.start("json-logs", env);

        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> event("uploaded", "2026/a b.jpg").isPresent() && event("retry", "locked.jpg").isPresent());

        JsonNode uploaded = event("uploaded", "2026/a b.jpg").orElseThrow();
        assertThat(uploaded.path("level").asText()).isEqualTo("INFO");
        assertThat(uploaded.path("logger").asText()).isEqualTo("dev.ferry.engine.Lane");
        assertThat(uploaded.path("thread").asText()).startsWith("upload-photos-");
        assertThat(OffsetDateTime.parse(uploaded.path("timestamp").asText())).isNotNull();
        assertThat(uploaded.path("bucket").asText()).isEqualTo("photos");
        assertThat(uploaded.path("path").asText()).isEqualTo(photo.toString());
        assertThat(uploaded.path("bytes").isIntegralNumber()).isTrue();
        assertThat(uploaded.path("bytes").asLong()).isEqualTo(12);
        assertThat(uploaded.path("duration_ms").isIntegralNumber()).isTrue();
        assertThat(uploaded.path("latency_ms").asLong()).isGreaterThanOrEqualTo(uploaded.path("duration_ms").asLong());
        assertThat(uploaded.path("multipart").asBoolean()).isFalse();
        assertThat(uploaded.path("message").asText()).as("the same words as the text line")
                .matches("photos/2026/a b\\.jpg: uploaded 12 bytes in \\d+ ms");

        JsonNode retry = event("retry", "locked.jpg").orElseThrow();
        assertThat(retry.path("level").asText()).isEqualTo("WARN");
        assertThat(retry.path("bucket").asText()).isEqualTo("private");
        assertThat(retry.path("path").asText()).isEqualTo(locked.toString());
        assertThat(retry.path("reason").asText()).isNotBlank();
        assertThat(retry.path("attempt").asInt()).isEqualTo(1);
        assertThat(retry.path("retry_in_ms").isIntegralNumber()).isTrue();

        // characters JSON would leave raw but that break lines elsewhere: escaped, and read back intact
        String oddName = "sep\u2028nel\u0085del\u007fesc\u001b.jpg";
        write("photos/" + oddName, "odd");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> event("uploaded", oddName).isPresent());
        assertThat(ferry.log()).doesNotContain("\u2028", "\u0085", "\u007f", "\u001b").contains("sep\\u2028nel");

        assertThat(events()).as("start-up lines too").anySatisfy(e -> assertThat(e.path("message").asText())
                .startsWith("config: log_format = json"));
        assertThat(ferry.log()).doesNotContain(s3.secretKey());
    }
}
