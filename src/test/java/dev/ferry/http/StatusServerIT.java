package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.DaemonStatus.LastError;
import dev.ferry.core.DaemonStatus.StoreHealth;
import dev.ferry.core.DaemonStatus.WatcherHealth;
import dev.ferry.core.StatusSource;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real StatusServer on a free port, asked over a real socket. */
class StatusServerIT {
    private static final String PASSWORD = "hunter2Secret";
    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant SWEPT = Instant.parse("2026-01-02T03:10:00.250Z");
    private static final DaemonStatus STATUS = new DaemonStatus("1.2.3", STARTED, 3600, true, false,
            new StoreHealth("mongodb", "mongodb://ferry:****@db1:27017/imagesync", true, 0, Optional.empty()),
            new WatcherHealth("/srv/drop", "native", true, 2, Optional.of(SWEPT), Optional.empty()),
            Map.of("photos", new BucketStatus(3, 1, 120, 4096, 1, Optional.empty(),
                            Optional.of(new LastError("/srv/drop/photos/a.jpg", "HTTP 503 SlowDown", SWEPT))),
                    "Bad_Bucket", new BucketStatus(0, 0, 0, 0, 0, Optional.of("invalid bucket name"), Optional.empty())));

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<StatusSource> source = new AtomicReference<>(() -> STATUS);
    private final AtomicReference<Supplier<String>> metrics = new AtomicReference<>(() -> "ferry_ready 1.0\n");
    private StatusServer server;
    private int port;

    @BeforeEach
    void start() {
        server = new StatusServer(() -> source.get().snapshot(), () -> metrics.get().get(), "127.0.0.1", 0);
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusRendersEveryFieldOfTheSnapshot() throws Exception {
        HttpResponse<String> response = get("/status");

        assertThat(port).isPositive().isEqualTo(server.port());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("ok");
        for (RecordComponent c : DaemonStatus.class.getRecordComponents()) {
            assertThat(body.has(c.getName())).as(c.getName()).isTrue();
        }
        assertThat(body.get("version").asText()).isEqualTo("1.2.3");
        assertThat(Instant.parse(body.get("startedAt").asText())).isEqualTo(STARTED);
        assertThat(body.get("uptimeSeconds").asLong()).isEqualTo(3600);
        assertThat(body.get("ready").asBoolean()).isTrue();
        assertThat(body.get("paused").asBoolean()).isFalse();

        JsonNode store = body.get("store");
        assertFields(store, StoreHealth.class);
        assertThat(store.get("kind").asText()).isEqualTo("mongodb");
        assertThat(store.get("lastError").isNull()).isTrue();

        JsonNode watcher = body.get("watcher");
        assertFields(watcher, WatcherHealth.class);
        assertThat(Instant.parse(watcher.get("lastSweepAt").asText())).isEqualTo(SWEPT);
        assertThat(watcher.get("rescans").asLong()).isEqualTo(2);

        JsonNode buckets = body.get("buckets");
        assertThat(buckets.isObject()).isTrue();
        assertThat(buckets.fieldNames()).toIterable().containsExactly("Bad_Bucket", "photos");
        JsonNode photos = buckets.get("photos");
        assertFields(photos, BucketStatus.class);
        assertThat(photos.get("queued").asInt()).isEqualTo(3);
        assertThat(photos.get("inFlight").asInt()).isEqualTo(1);
        assertThat(photos.get("bytes").asLong()).isEqualTo(4096);
        assertThat(photos.get("problem").isNull()).isTrue();
        JsonNode lastError = photos.get("lastError");
        assertFields(lastError, LastError.class);
        assertThat(lastError.get("reason").asText()).isEqualTo("HTTP 503 SlowDown");
        assertThat(Instant.parse(lastError.get("at").asText())).isEqualTo(SWEPT);
        assertThat(buckets.get("Bad_Bucket").get("problem").asText()).isEqualTo("invalid bucket name");
    }

    private static void assertFields(JsonNode node, Class<? extends Record> type) {
        assertThat(node.isObject()).as(type.getSimpleName()).isTrue();
        for (RecordComponent c : type.getRecordComponents()) {
            assertThat(node.has(c.getName())).as(type.getSimpleName() + "." + c.getName()).isTrue();
        }
        assertThat(node.size()).as(type.getSimpleName() + " field count").isEqualTo(type.getRecordComponents().length);
    }

    @Test
    void aRedactedStoreLocationStaysRedacted() throws Exception {
        String body = get("/status").body();

        assertThat(json.readTree(body).at("/store/location").asText()).isEqualTo("mongodb://ferry:****@db1:27017/imagesync");
        assertThat(body).doesNotContain(PASSWORD);
    }

    @Test
    void aFailingSourceAnswers500WithoutItsInternals() throws Exception {
        source.set(() -> {
            throw new IllegalStateException("internal detail: table file_records is locked");
        });

        HttpResponse<String> response = get("/status");

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("error");
        assertThat(body.get("error").asText()).isEqualTo("status unavailable");
        assertThat(response.body()).doesNotContain("file_records", "locked", "IllegalStateException");
    }

    @Test
    void unknownPathsAre404AndTheRootIsTheStatusPage() throws Exception {
        HttpResponse<String> missing = get("/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).get("status").asText()).isEqualTo("error");

        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(root.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'").contains("connect-src 'self'"));
        assertThat(root.body()).contains("/status").contains("/status/history").doesNotContain("<script src", "<link", "url(", "@import");
    }

    @Test
    void readyIs200OnceReadyAnd503BeforeNamingWhatIsMissing() throws Exception {
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(ready.body());
        assertThat(body.get("ready").asBoolean()).isTrue();
        assertThat(body.get("missing").isEmpty()).isTrue();

        source.set(() -> notReady(Optional.empty(), false));
        HttpResponse<String> starting = get("/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        body = json.readTree(starting.body());
        assertThat(body.get("ready").asBoolean()).isFalse();
        assertThat(body.get("firstSweepDone").asBoolean()).isFalse();
        assertThat(body.get("storeReachable").asBoolean()).isFalse();
        assertThat(body.get("missing")).extracting(JsonNode::asText)
                .containsExactly("the first full sweep has not finished", "the state store is unreachable");

        source.set(() -> notReady(Optional.of(SWEPT), false));
        body = json.readTree(get("/ready").body());
        assertThat(body.get("firstSweepDone").asBoolean()).isTrue();
        assertThat(body.get("missing")).extracting(JsonNode::asText).containsExactly("the state store is unreachable");

        assertThat(get("/status").statusCode()).as("liveness does not depend on readiness").isEqualTo(200);
    }

    @Test
    void aDaemonReadyWithNoSweepBecauseEveryFolderIsMissingSaysItsFirstSweepIsDoneAndRunning() throws Exception {
        source.set(() -> new DaemonStatus("1.2.3", STARTED, 1, true, false,
                new StoreHealth("sqlite", "/var/lib/ferry/ferry.db", true, 3, Optional.empty()),
                new WatcherHealth("/srv/drop", "native", true, 0, Optional.empty(), Optional.empty()), Map.of()));

        JsonNode body = json.readTree(get("/ready").body());

        assertThat(body.get("ready").asBoolean()).isTrue();
        assertThat(body.get("firstSweepDone").asBoolean()).as("consistent with ready").isTrue();
        assertThat(json.readTree(get("/info").body()).get("STATUS").asText()).isEqualTo("RUNNING");
    }

    @Test
    void healthzAndInfoAnswerAsSeed002sProbesExpect() throws Exception {
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("ok");

        HttpResponse<String> info = get("/info");
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(info.body());
        assertThat(body.get("VERSION").asText()).isEqualTo("1.2.3");
        assertThat(body.get("STARTUPTIME").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(body.get("STATUS").asText()).isEqualTo("RUNNING");
        assertThat(info.body()).doesNotContain("hunter2", "db1", "/srv/drop");

        // liveness whatever readiness says; /info says the first sweep is not done
        source.set(() -> notReady(Optional.empty(), false));
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(json.readTree(get("/info").body()).get("STATUS").asText()).isEqualTo("STARTING");
    }

    private static DaemonStatus notReady(Optional<Instant> sweptAt, boolean reachable) {
        return new DaemonStatus("1.2.3", STARTED, 1, false, false,
                new StoreHealth("sqlite", "/var/lib/ferry/ferry.db", reachable, 3, Optional.empty()),
                new WatcherHealth("/srv/drop", "native", true, 0, sweptAt, Optional.empty()), Map.of());
    }

    @Test
    void aFailingSourceMakesReady503WithoutItsInternals() throws Exception {
        source.set(() -> {
            throw new IllegalStateException("internal detail: table file_records is locked");
        });

        HttpResponse<String> response = get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain("file_records");
    }

    @Test
    void metricsAnswersTheSuppliersTextInThePrometheusTextFormat() throws Exception {
        metrics.set(() -> "# TYPE ferry_sweeps_total counter\nferry_sweeps_total 3.0\n");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).isEqualTo("# TYPE ferry_sweeps_total counter\nferry_sweeps_total 3.0\n");

        metrics.set(() -> {
            throw new IllegalStateException("internal detail");
        });
        HttpResponse<String> failed = get("/metrics");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).doesNotContain("internal detail");
    }

    @Test
    void withoutAMetricsSupplierThereIsNoMetricsEndpoint() throws Exception {
        StatusServer plain = new StatusServer(() -> STATUS, "127.0.0.1", 0);
        int plainPort = plain.start();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plainPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
        } finally {
            plain.stop();
        }
    }

    @Test
    void aTakenPortIsReportedWithItsAddressAndStopIsIdempotent() {
        StatusServer second = new StatusServer(() -> STATUS, "127.0.0.1", port);

        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("http://127.0.0.1:" + port + ": status server cannot listen");
        second.stop();
        server.stop();
        server.stop();
        assertThat(server.port()).isEqualTo(-1);
    }
}
