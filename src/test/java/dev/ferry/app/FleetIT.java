package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemon processes on one MongoDB (mongo-java-server) see each other in GET /fleet and {@code ferry fleet};
 * one killed with SIGKILL is shown stale by the other once 3 of its (short, for the test) heartbeats passed.
 */
class FleetIT {
    private static final String TOKEN = "fleet-admin-token-0123456789";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    S3ProxyServer s3;
    MongoServer mongo;
    String mongoUrl;
    FerryProcess a;
    FerryProcess b;

    @BeforeEach
    void setUp() {
        s3 = S3ProxyServer.start();
        mongo = new MongoServer(new MemoryBackend());
        mongoUrl = "mongodb://127.0.0.1:" + mongo.bind().getPort();
    }

    @AfterEach
    void tearDown() {
        for (FerryProcess p : new FerryProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        s3.close();
        mongo.shutdownNow();
    }

    /** A daemon named {@code id} watching a folder of its own with one file in bucket {@code bucket}. */
    private FerryProcess start(String id, String bucket) throws IOException {
        Path watch = Files.createDirectories(tmp.resolve(id + "-watch"));
        Path state = Files.createDirectories(tmp.resolve(id + "-state"));
        Path folder = Files.createDirectories(watch.resolve(bucket));
        FerryProcess.shareWithDaemon(tmp, watch, state, folder);
        Files.writeString(folder.resolve("hello.txt"), "from " + id, StandardCharsets.UTF_8);
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("MONGO_URL", mongoUrl + "/fleet");
        env.put("INSTANCE_ID", id);
        env.put("FLEET_HEARTBEAT", "1s");
        env.put("ADMIN_TOKEN", TOKEN);
        return FerryProcess.start(id, env);
    }

    private static JsonNode instance(JsonNode fleet, String id) {
        return StreamSupport.stream(fleet.path("instances").spliterator(), false)
                .filter(i -> i.path("id").asText().equals(id)).findFirst().orElse(null);
    }

    private JsonNode fleetOf(FerryProcess p) {
        return p.admin("GET", "/fleet", TOKEN);
    }

    @Test
    void twoDaemonsOnOneMongoDbListEachOtherAndTheKilledOneTurnsStale() throws Exception {
        a = start("fleet-a", "alpha");
        b = start("fleet-b", "beta");
        await("both uploads").atMost(DEADLINE).until(() -> s3.readObject("alpha", "hello.txt").isPresent()
                && s3.readObject("beta", "hello.txt").isPresent());

        // b's entry, as b wrote it to MongoDB, seen from a: both live, b's upload counted
        await("a lists both, live, b with its upload").atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode f = fleetOf(a);
            JsonNode ea = instance(f, "fleet-a");
            JsonNode eb = instance(f, "fleet-b");
            return f.path("instances").size() == 2 && ea != null && eb != null && !ea.path("stale").asBoolean()
                    && !eb.path("stale").asBoolean() && eb.path("buckets").path("beta").path("uploaded").asLong() == 1;
        });
        JsonNode fromA = fleetOf(a);
        assertThat(instance(fromA, "fleet-a").path("self").asBoolean()).isTrue();
        assertThat(instance(fromA, "fleet-b").path("self").asBoolean()).isFalse();
        assertThat(instance(fromA, "fleet-b").path("url").asText()).endsWith(":" + b.port());
        assertThat(instance(fromA, "fleet-b").path("heartbeatSeconds").asDouble()).isEqualTo(1.0);
        assertThat(instance(fromA, "fleet-b").path("version").asText()).isNotBlank();
        // b sees a too: any instance answers for the whole fleet
        assertThat(instance(fleetOf(b), "fleet-a")).isNotNull();
        try (MongoClient raw = MongoClients.create(mongoUrl)) {
            assertThat(raw.getDatabase("fleet").getCollection("instances").find().into(new java.util.ArrayList<Document>()))
                    .extracting(d -> d.getString("_id")).containsExactlyInAnyOrder("fleet-a", "fleet-b");
        }
        assertThat(a.send("GET", "/fleet", Optional.empty()).statusCode()).as("the admin token, as /files").isEqualTo(401);

        b.kill9();

        await("b shown stale by a").atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode f = fleetOf(a);
            return instance(f, "fleet-b").path("stale").asBoolean() && !instance(f, "fleet-a").path("stale").asBoolean();
        });
        JsonNode after = fleetOf(a);
        assertThat(instance(after, "fleet-b").path("ageSeconds").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(after.path("stale").asLong()).isEqualTo(1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(Map.of("ADMIN_TOKEN", TOKEN));
        int exit = Main.run(new String[] {"fleet", "--url", a.url("")}, env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(table.lines().findFirst()).hasValueSatisfying(h -> assertThat(h)
                .startsWith("INSTANCE").contains("HOST", "VERSION", "STARTED", "LAST SEEN", "STATE", "UPLOADED", "FAILED"));
        assertThat(table).containsPattern("(?m)^fleet-a \\*.* ok .*$").containsPattern("(?m)^fleet-b .* STALE .*$")
                .contains("2 instances, 1 STALE");
    }
}
