package dev.ferry.http;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.AdminOperations;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetView;
import dev.ferry.core.StateStoreException;
import dev.ferry.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin endpoints of a real StatusServer, with and without a token, over a real socket. */
class AdminRoutesIT {
    private static final String TOKEN = "test-admin-token-123456";
    private static final Instant AT = Instant.parse("2026-03-04T05:06:07Z");
    private static final DaemonStatus STATUS = new DaemonStatus("1", AT, 1, true, false,
            new DaemonStatus.StoreHealth("sqlite", "/s", true, 0, Optional.empty()),
            new DaemonStatus.WatcherHealth("/w", "native", true, 0, Optional.empty(), Optional.empty()), Map.of());

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final Recorder ops = new Recorder();
    private StatusServer server;
    private int port;

    /** Records the calls; answers fixed data. */
    static final class Recorder implements AdminOperations {
        final List<String> calls = new ArrayList<>();
        volatile boolean storeDown;
        volatile Optional<String> resumeRefused = Optional.empty();

        @Override
        public synchronized void wakeup() {
            calls.add("wakeup");
        }

        @Override
        public synchronized int retryFailed(Optional<String> path) {
            calls.add("retry " + path.orElse("*"));
            return path.isPresent() ? 1 : 7;
        }

        @Override
        public synchronized void pause() {
            calls.add("pause");
        }

        @Override
        public synchronized Optional<String> resume() {
            calls.add("resume");
            return resumeRefused;
        }

        @Override
        public synchronized FilePage listFiles(FileStatus status, int offset, int limit) {
            if (storeDown) {
                throw new StateStoreException("sqlite /s: database is locked");
            }
            calls.add("list " + status + " " + offset + " " + limit);
            FileRecord r = FileRecord.pending(TestIds.SOURCE, "/w/photos/a <b>.jpg", "photos", "a <b>.jpg", 3, 4, AT)
                    .failed("photos", "a <b>.jpg", 3, 4, "cannot read file: permission denied", false, AT);
            return new FilePage(offset, limit, OptionalLong.of(41), List.of(r));
        }

        @Override
        public synchronized String setLogLevel(String level) {
            if (!level.equalsIgnoreCase("debug")) {
                throw new IllegalArgumentException(level);
            }
            calls.add("level " + level);
            return "info";
        }

        @Override
        public synchronized FleetView fleet() {
            if (storeDown) {
                throw new StateStoreException("mongodb mongodb://db1/ferry: list of instances failed: timed out");
            }
            calls.add("fleet");
            FleetMember self = new FleetMember("cam-1", "cam-1", "1.4.0", AT, AT.plusSeconds(100),
                    Duration.ofSeconds(30), Optional.of("http://cam-1:5000"),
                    Map.of("photos", new FleetMember.Counts(2, 40, 1, 4096), "scans.eu", new FleetMember.Counts(0, 2, 0, 10)));
            FleetMember gone = new FleetMember("cam-2", "cam-2.lan", "1.3.9", AT, AT, Duration.ofSeconds(30),
                    Optional.empty(), Map.of());
            return FleetView.of(List.of(self, gone), "cam-1", AT.plusSeconds(101));
        }
    }

    private void start(AdminAccess access) {
        server = new StatusServer(() -> STATUS, "127.0.0.1", 0, StatusHistory.standard(), access);
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> send(String method, String path, Optional<String> token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenConfiguredTheAdminEndpointsAreOffAndSayHowToTurnThemOn() throws Exception {
        start(AdminAccess.off());

        for (String[] call : new String[][] {{"POST", "/wakeup"}, {"GET", "/files"}, {"GET", "/fleet"}, {"POST", "/files/retry"},
                {"POST", "/pause"}, {"POST", "/resume"}, {"PUT", "/log-level?level=debug"}}) {
            HttpResponse<String> r = send(call[0], call[1], Optional.of(TOKEN), null);
            assertThat(r.statusCode()).as(call[1]).isEqualTo(403);
            assertThat(json.readTree(r.body()).path("error").asText()).contains("admin_token", "ADMIN_TOKEN");
        }
        assertThat(send("GET", "/status", Optional.empty(), null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/status/history", Optional.empty(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingOrWrongTokenIs401WithABearerChallengeAndRunsNothing() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));

        HttpResponse<String> none = send("POST", "/pause", Optional.empty(), null);
        HttpResponse<String> wrong = send("POST", "/pause", Optional.of(TOKEN + "x"), null);
        HttpResponse<String> list = send("GET", "/files", Optional.of("nope"), null);

        for (HttpResponse<String> r : List.of(none, wrong, list)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(r.body()).doesNotContain(TOKEN);
        }
        assertThat(ops.calls).isEmpty();
        assertThat(send("GET", "/status", Optional.empty(), null).statusCode()).as("/status stays public").isEqualTo(200);
    }

    @Test
    void fleetListsEveryInstanceWithItsCountsAndMarksTheSilentOneStale() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));

        assertThat(send("GET", "/fleet", Optional.empty(), null).statusCode()).as("as /files: the token").isEqualTo(401);
        HttpResponse<String> r = send("GET", "/fleet", Optional.of(TOKEN), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("stale").asInt()).isEqualTo(1);
        assertThat(body.path("staleAfterHeartbeats").asInt()).isEqualTo(3);
        JsonNode live = body.path("instances").get(0);
        assertThat(live.path("id").asText()).isEqualTo("cam-1");
        assertThat(live.path("self").asBoolean()).isTrue();
        assertThat(live.path("stale").asBoolean()).isFalse();
        assertThat(live.path("ageSeconds").asLong()).isEqualTo(1);
        assertThat(live.path("url").asText()).isEqualTo("http://cam-1:5000");
        assertThat(live.path("uploaded").asLong()).isEqualTo(42);
        assertThat(live.path("failed").asLong()).isEqualTo(1);
        assertThat(live.path("buckets").path("scans.eu").path("uploaded").asLong()).isEqualTo(2);
        JsonNode gone = body.path("instances").get(1);
        assertThat(gone.path("id").asText()).isEqualTo("cam-2");
        assertThat(gone.path("stale").asBoolean()).isTrue();
        assertThat(gone.path("ageSeconds").asLong()).isEqualTo(101);
        assertThat(gone.path("url").isNull()).isTrue();
        assertThat(gone.path("lastSeen").asText()).isEqualTo(AT.toString());

        ops.storeDown = true;
        HttpResponse<String> down = send("GET", "/fleet", Optional.of(TOKEN), null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json.readTree(down.body()).path("error").asText()).startsWith("state store unavailable");
    }

    @Test
    void aTokenInTheQueryStringIsRefusedRightOrWrongWithTheWayToSendIt() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));

        for (String path : List.of("/files?token=" + TOKEN, "/files?access_token=" + TOKEN + "&status=failed",
                "/files?Admin_Token=nope")) {
            HttpResponse<String> r = send("GET", path, Optional.of(TOKEN), null);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(json.readTree(r.body()).path("error").asText()).as(path)
                    .contains("must not be sent in the URL", "Authorization: Bearer <admin_token>", "replace it");
            assertThat(r.body()).doesNotContain(TOKEN);
        }
        assertThat(send("POST", "/pause?token=" + TOKEN, Optional.empty(), null).statusCode()).isEqualTo(400);
        assertThat(ops.calls).as("nothing ran").isEmpty();
        assertThat(send("GET", "/files?status=failed", Optional.of(TOKEN), null).statusCode())
                .as("the header alone works").isEqualTo(200);
    }

    @Test
    void refusedRequestsNeverLogTheTokenAndAFloodOfThemLogsOneLine() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));
        try (LogCapture logs = LogCapture.of("dev.ferry.http")) {
            for (int i = 0; i < 200; i++) {
                assertThat(send("POST", "/wakeup", Optional.of(TOKEN.substring(1) + i), null).statusCode())
                        .isEqualTo(401);
            }
            send("GET", "/files?token=" + TOKEN, Optional.empty(), null);

            assertThat(logs.lines()).singleElement().asString()
                    .contains("POST /wakeup: admin request refused from 127.0.0.1: wrong token");
            assertThat(String.join("\n", logs.lines())).doesNotContain(TOKEN.substring(1));
        }
        assertThat(ops.calls).isEmpty();
    }

    @Test
    void withTheTokenEachEndpointRunsItsOperation() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));
        Optional<String> t = Optional.of(TOKEN);

        assertThat(send("POST", "/wakeup", t, null).statusCode()).isEqualTo(202);
        assertThat(json.readTree(send("POST", "/files/retry", t, null).body()).path("retrying").asInt()).isEqualTo(7);
        assertThat(json.readTree(send("POST", "/files/retry?path=%2Fw%2Fphotos%2Fa.jpg", t, null).body())
                .path("retrying").asInt()).isEqualTo(1);
        assertThat(json.readTree(send("POST", "/pause", t, null).body()).path("paused").asBoolean()).isTrue();
        assertThat(json.readTree(send("POST", "/resume", t, null).body()).path("paused").asBoolean()).isFalse();
        assertThat(send("PUT", "/log-level?level=debug", t, null).statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/log-level", t, "level=DEBUG").statusCode()).isEqualTo(200);
        JsonNode level = json.readTree(send("PUT", "/log-level", t, "{\"level\":\"debug\"}").body());
        assertThat(level.path("level").asText()).isEqualTo("debug");
        assertThat(level.path("previous").asText()).isEqualTo("info");

        assertThat(ops.calls).containsExactly("wakeup", "retry *", "retry /w/photos/a.jpg", "pause", "resume",
                "level debug", "level DEBUG", "level debug");
    }

    @Test
    void aResumeTheDaemonRefusesIs409WithTheReason() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));
        ops.resumeRefused = Optional.of("the mothership has not configured this host (its state is registered)");
        var answer = send("POST", "/resume", Optional.of(TOKEN), null);
        assertThat(answer.statusCode()).isEqualTo(409);
        JsonNode body = json.readTree(answer.body());
        assertThat(body.path("paused").asBoolean()).isTrue();
        assertThat(body.path("error").asText()).contains("not resumed").contains("has not configured this host");
    }

    @Test
    void filesArePagedWithTheirReasonsAndBadParametersAre400() throws Exception {
        start(AdminAccess.withToken(ops, TOKEN));
        Optional<String> t = Optional.of(TOKEN);

        HttpResponse<String> r = send("GET", "/files?status=failed&offset=20&limit=10", t, null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("total").asLong()).isEqualTo(41);
        assertThat(body.path("offset").asInt()).isEqualTo(20);
        JsonNode file = body.path("files").get(0);
        assertThat(file.path("path").asText()).isEqualTo("/w/photos/a <b>.jpg");
        assertThat(file.path("bucket").asText()).isEqualTo("photos");
        assertThat(file.path("key").asText()).isEqualTo("a <b>.jpg");
        assertThat(file.path("attempts").asInt()).isEqualTo(1);
        assertThat(file.path("reason").asText()).isEqualTo("cannot read file: permission denied");
        assertThat(file.path("permanent").asBoolean()).isFalse();
        assertThat(Instant.parse(file.path("updatedAt").asText())).isEqualTo(AT);
        assertThat(ops.calls).containsExactly("list FAILED 20 10");

        assertThat(send("GET", "/files?status=lost", t, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/files?limit=100000", t, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/files?offset=-1", t, null).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/log-level?level=loud", t, null).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/log-level", t, "").statusCode()).isEqualTo(400);

        ops.storeDown = true;
        HttpResponse<String> down = send("GET", "/files", t, null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(json.readTree(down.body()).path("error").asText()).contains("state store unavailable");
    }
}
