package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The admin API of the daemon, run as its own process against a real S3-compatible server. */
class AdminApiIT extends DaemonTestBase {
    static final String TOKEN = "admin-token-for-tests-0123456789";

    private Map<String, String> env(boolean withToken) {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("SWEEP_INTERVAL", "0");
        if (withToken) {
            env.put("ADMIN_TOKEN", TOKEN);
        }
        return env;
    }

    private Optional<JsonNode> listed(String status, Path file) {
        for (JsonNode f : ferry.admin("GET", "/files?status=" + status + "&limit=1000", TOKEN).path("files")) {
            if (f.path("path").asText().equals(file.toString())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    @Test
    void withoutATokenTheAdminEndpointsAreOffAndStatusStaysPublic() {
        ferry = FerryProcess.start("admin-off", env(false));

        for (String[] call : new String[][] {{"POST", "/wakeup"}, {"GET", "/files?status=failed"},
                {"POST", "/files/retry"}, {"POST", "/pause"}, {"POST", "/resume"}, {"PUT", "/log-level?level=debug"}}) {
            HttpResponse<String> r = ferry.send(call[0], call[1], Optional.of(TOKEN));
            assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(r.body()).contains("ADMIN_TOKEN");
        }
        assertThat(ferry.send("GET", "/status", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(ferry.send("GET", "/status/history", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(ferry.log()).contains("admin API off");
    }

    @Test
    void aMissingOrWrongTokenIs401AndTheTokenIsNeverLogged() {
        ferry = FerryProcess.start("admin-auth", env(true));

        HttpResponse<String> missing = ferry.send("POST", "/pause", Optional.empty());
        HttpResponse<String> wrong = ferry.send("POST", "/pause", Optional.of(TOKEN.substring(1) + "x"));

        for (HttpResponse<String> r : java.util.List.of(missing, wrong)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
        HttpResponse<String> inUrl = ferry.send("POST", "/pause?token=" + TOKEN, Optional.empty());
        assertThat(inUrl.statusCode()).as("a token in the query string").isEqualTo(400);
        assertThat(inUrl.body()).contains("Authorization: Bearer").doesNotContain(TOKEN);
        assertThat(ferry.status().path("paused").asBoolean()).as("a refused request changes nothing").isFalse();
        assertThat(ferry.send("GET", "/status", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(ferry.send("POST", "/resume", Optional.of(TOKEN)).statusCode()).isEqualTo(200);
        assertThat(ferry.log()).contains("admin API on").contains("admin request refused").doesNotContain(TOKEN);
    }

    @Test
    void pauseStopsHandingOutUploadsWhileChangesQueueAndResumeSendsThem() throws Exception {
        ferry = FerryProcess.start("pause", env(true));
        write("photos/before.jpg", "before the pause");
        awaitObject("photos", "before.jpg", "before the pause");

        assertThat(ferry.admin("POST", "/pause", TOKEN).path("paused").asBoolean()).isTrue();
        assertThat(ferry.status().path("paused").asBoolean()).isTrue();
        Path held = write("photos/held.jpg", "written while paused");
        Files.setLastModifiedTime(held, FileTime.from(Instant.now().minusSeconds(3600)));
        await("the watcher queues the file").atMost(DEADLINE)
                .until(() -> ferry.status().path("buckets").path("photos").path("queued").asInt() == 1);
        // The settle time is 300 ms; once the daemon's own clock has moved on by 2 s the file is long due.
        long uptime = ferry.status().path("uptimeSeconds").asLong();
        await("2 s on the daemon's clock").atMost(DEADLINE)
                .until(() -> ferry.status().path("uptimeSeconds").asLong() >= uptime + 2);
        JsonNode photos = ferry.status().path("buckets").path("photos");
        assertThat(photos.path("queued").asInt()).as("still queued").isEqualTo(1);
        assertThat(photos.path("inFlight").asInt()).isZero();
        assertThat(photos.path("uploaded").asLong()).isEqualTo(1);
        assertThat(s3.readObject("photos", "held.jpg")).as("not uploaded while paused").isEmpty();

        assertThat(ferry.admin("POST", "/resume", TOKEN).path("paused").asBoolean()).isFalse();
        awaitObject("photos", "held.jpg", "written while paused");
        assertThat(ferry.status().path("paused").asBoolean()).isFalse();
    }

    @Test
    void retrySendsAFixedFileAtOnceInsteadOfAfterItsBackoff() throws Exception {
        Path locked = write("private/locked.jpg", "secret photo");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        write("private/open.jpg", "open photo");
        ferry = FerryProcess.start("retry", env(true));
        awaitObject("private", "open.jpg", "open photo");

        // Four failed attempts: the next one is at least 4 s away (backoff 1 s doubling, jitter down to half).
        await("four failed attempts").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> listed("failed", locked).map(f -> f.path("attempts").asInt() >= 4).orElse(false));
        JsonNode failed = listed("failed", locked).orElseThrow();
        assertThat(failed.path("attempts").asInt()).isEqualTo(4);
        assertThat(failed.path("reason").asText()).contains("cannot read file");
        assertThat(failed.path("permanent").asBoolean()).isFalse();
        Matcher wait = Pattern.compile("private/locked.jpg: upload failed \\(attempt 4\\), retrying in (\\d+) s")
                .matcher(ferry.log());
        assertThat(wait.find()).as("the daemon logged when it retries").isTrue();
        Instant nextAttempt = Instant.parse(failed.path("updatedAt").asText()).plusSeconds(Long.parseLong(wait.group(1)));
        assertThat(Long.parseLong(wait.group(1))).isGreaterThanOrEqualTo(4);

        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        JsonNode answer = ferry.admin("POST", "/files/retry", TOKEN);
        assertThat(answer.path("retrying").asInt()).isEqualTo(1);

        awaitObject("private", "locked.jpg", "secret photo");
        await().atMost(DEADLINE).until(() -> listed("uploaded", locked).isPresent());
        Instant uploadedAt = Instant.parse(listed("uploaded", locked).orElseThrow().path("updatedAt").asText());
        assertThat(uploadedAt).as("uploaded before the backoff would have tried again").isBefore(nextAttempt);
        assertThat(listed("failed", locked)).isEmpty();
    }

    @Test
    void retryOfOnePathAndOfAPermanentFailure() throws Exception {
        Path bad = write("Not A Bucket/a.jpg", "cannot be uploaded where it is");
        ferry = FerryProcess.start("retry-path", env(true));
        await().atMost(DEADLINE).until(() -> listed("failed", bad).isPresent());
        JsonNode failed = listed("failed", bad).orElseThrow();
        assertThat(failed.path("permanent").asBoolean()).isTrue();
        assertThat(failed.path("reason").asText()).contains("not a valid S3 bucket name");

        JsonNode one = ferry.admin("POST", "/files/retry?path=" + java.net.URLEncoder.encode(bad.toString(),
                StandardCharsets.UTF_8), TOKEN);
        assertThat(one.path("retrying").asInt()).as("a folder that cannot be a bucket stays failed").isZero();
        JsonNode none = ferry.admin("POST", "/files/retry?path=%2Fno%2Fsuch%2Ffile", TOKEN);
        assertThat(none.path("retrying").asInt()).isZero();

        JsonNode page = ferry.admin("GET", "/files?status=failed&offset=0&limit=1", TOKEN);
        assertThat(page.path("total").asLong()).isEqualTo(1);
        assertThat(page.path("files")).hasSize(1);
        assertThat(ferry.admin("GET", "/files?status=failed&offset=1&limit=1", TOKEN).path("files")).isEmpty();
    }

    @Test
    void wakeupRunsAFullSweepNow() {
        ferry = FerryProcess.start("wakeup", env(true));
        await().atMost(DEADLINE).until(() -> ferry.status().path("watcher").path("lastSweepAt").isTextual());
        String first = ferry.status().path("watcher").path("lastSweepAt").asText();

        HttpResponse<String> r = ferry.send("POST", "/wakeup", Optional.of(TOKEN));

        assertThat(r.statusCode()).isEqualTo(202);
        await("a second full sweep").atMost(DEADLINE).until(() -> !ferry.status().path("watcher").path("lastSweepAt")
                .asText().equals(first));
        assertThat(ferry.log()).contains("full sweep started (wakeup (admin API))");
    }

    @Test
    void theLogLevelChangesAtRunTime() throws Exception {
        ferry = FerryProcess.start("log-level", env(true));
        write("photos/a/one.jpg", "one");
        awaitObject("photos", "a/one.jpg", "one");
        assertThat(ferry.log()).doesNotContain(" DEBUG ");

        JsonNode answer = ferry.admin("PUT", "/log-level?level=debug", TOKEN);
        assertThat(answer.path("previous").asText()).isEqualTo("info");
        write("photos/b/two.jpg", "two");
        awaitObject("photos", "b/two.jpg", "two");

        await("debug lines").atMost(DEADLINE).until(() -> ferry.log().contains(" DEBUG "));
        assertThat(ferry.send("PUT", "/log-level?level=loud", Optional.of(TOKEN)).statusCode()).isEqualTo(400);
    }
}
