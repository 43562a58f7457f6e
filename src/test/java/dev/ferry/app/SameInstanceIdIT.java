package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons under one INSTANCE_ID on one MongoDB (mongo-java-server) would share one record per file: the
 * second is refused at start (exit 2, before uploading anything) with a message naming the first, and so is a
 * one-shot sync under that id (a dry run, which writes nothing, runs); a daemon that
 * finds the still fresh entry of its own predecessor, killed on this host, starts.
 */
class SameInstanceIdIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ID = "shared-id";
    private static final String TOKEN = "same-id-admin-token-0123456789";

    @TempDir
    Path tmp;
    S3ProxyServer s3;
    MongoServer mongo;
    String mongoUrl;
    MongoClient raw;
    FerryProcess first;
    FerryProcess second;

    @BeforeEach
    void setUp() {
        s3 = S3ProxyServer.start();
        mongo = new MongoServer(new MemoryBackend());
        mongoUrl = "mongodb://127.0.0.1:" + mongo.bind().getPort();
        raw = MongoClients.create(mongoUrl);
    }

    @AfterEach
    void tearDown() {
        for (FerryProcess p : new FerryProcess[] {first, second}) {
            if (p != null) {
                p.close();
            }
        }
        raw.close();
        s3.close();
        mongo.shutdownNow();
    }

    private MongoCollection<Document> instances() {
        return raw.getDatabase("fleet").getCollection("instances");
    }

    private Document entry() {
        return instances().find(new Document("_id", ID)).first();
    }

    /** Environment of a daemon under {@link #ID} watching a folder {@code name} with one file in {@code bucket}. */
    private Map<String, String> env(String name, String bucket, String heartbeat) throws IOException {
        Path watch = Files.createDirectories(tmp.resolve(name + "-watch"));
        Path state = Files.createDirectories(tmp.resolve(name + "-state"));
        Path folder = Files.createDirectories(watch.resolve(bucket));
        FerryProcess.shareWithDaemon(tmp, watch, state, folder);
        Files.writeString(folder.resolve("hello.txt"), "from " + name, StandardCharsets.UTF_8);
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("MONGO_URL", mongoUrl + "/fleet");
        env.put("INSTANCE_ID", ID);
        env.put("FLEET_HEARTBEAT", heartbeat);
        env.put("ADMIN_TOKEN", TOKEN);
        return env;
    }

    private static String freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return Integer.toString(s.getLocalPort());
        }
    }

    @Test
    void aSecondDaemonUnderTheSameInstanceIdIsRefusedNamingTheFirst() throws Exception {
        first = FerryProcess.start("same-id-first", env("first", "alpha", "1s"));
        await("the first daemon's entry, naming its run").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> entry() != null && entry().getString("run") != null
                        && entry().get("url") != null);
        await("its upload").atMost(DEADLINE).until(() -> s3.readObject("alpha", "hello.txt").isPresent());
        String firstRun = entry().getString("run");

        // a daemon that started while MongoDB could not be read at start: the first one's heartbeat finds its
        // entry, logs an error naming it and shows it in GET /fleet
        Document intruder = new Document(entry()).append("host", "elsewhere").append("pid", 4711L)
                .append("url", "http://elsewhere:5001").append("run", "intruder-run")
                .append("lastSeen", java.util.Date.from(Instant.now()));
        instances().replaceOne(new Document("_id", ID), intruder);
        await("the first daemon's error").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> first.log().contains("another Ferry daemon runs under instance id " + ID
                        + " (host elsewhere, pid 4711, http://elsewhere:5001"));
        assertThat(first.log()).containsPattern("(?m)^.*ERROR.*another Ferry daemon runs under instance id .*"
                + "Give each daemon its own INSTANCE_ID.*$");
        assertThat(first.admin("GET", "/fleet", TOKEN).path("sameInstanceId").path("pid").asLong()).isEqualTo(4711);
        await("the first daemon's entry again").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> firstRun.equals(entry().getString("run")));

        Map<String, String> env = env("second", "beta", "1s");
        env.put("PORT", freePort());
        FerryProcess refused = FerryProcess.run("same-id-second", env);

        assertThat(refused.exitCode()).as(refused.log()).isEqualTo(2);
        assertThat(refused.log()).containsPattern("(?m)^.*ERROR.*cannot start: another Ferry daemon runs under"
                + " instance id " + ID + " .*$");
        assertThat(refused.log()).contains("pid " + first.pid(), ":" + first.port(),
                "started " + entry().getDate("startedAt").toInstant(), "Give each daemon its own INSTANCE_ID",
                "overwrite each other's records and upload files again");
        assertThat(s3.readObject("beta", "hello.txt")).as("nothing uploaded").isEmpty();
        assertThat(entry().getString("run")).as("the first daemon's entry left alone").isEqualTo(firstRun);
        assertThat(first.alive()).isTrue();

        // a one-shot sync under the daemon's id would upload beside it and overwrite its records: refused the same
        // way, saying what to do instead; a dry run writes nothing and runs
        FerryProcess sync = FerryProcess.run("same-id-sync", env, "sync");
        assertThat(sync.exitCode()).as(sync.log()).isEqualTo(2);
        assertThat(sync.log()).contains("another Ferry daemon runs under instance id " + ID, "pid " + first.pid(),
                "this run does not start beside it", "INSTANCE_ID", "--dry-run");
        FerryProcess dryRun = FerryProcess.run("same-id-dry-run", env, "sync", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.log()).isZero();
        assertThat(dryRun.log()).doesNotContain("another Ferry daemon");
        assertThat(s3.readObject("beta", "hello.txt")).as("nothing uploaded").isEmpty();

        // stopped cleanly, the first leaves the id free (for a daemon on another host too)
        assertThat(first.stop()).isZero();
        assertThat(entry().getBoolean("stopped")).isTrue();
        second = FerryProcess.start("same-id-second-again", env);
        await("the second daemon's upload").atMost(DEADLINE).until(() -> s3.readObject("beta", "hello.txt").isPresent());
        assertThat(second.log()).doesNotContain("another Ferry daemon");
    }

    @Test
    void aDaemonWhosePredecessorWasKilledOnThisHostStartsThoughItsEntryIsFresh() throws Exception {
        // a heartbeat long enough that the killed daemon's entry stays fresh for the whole test (3 x 60 s)
        Map<String, String> env = env("crash", "gamma", "60s");
        first = FerryProcess.start("same-id-killed", env);
        await("the first daemon's entry").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> entry() != null && entry().getString("run") != null);
        String killedRun = entry().getString("run");
        long killedPid = first.pid();
        first.kill9();
        Instant lastSeen = entry().getDate("lastSeen").toInstant();

        second = FerryProcess.start("same-id-restarted", env);

        assertThat(Duration.between(lastSeen, Instant.now())).as("the killed run's entry was fresh")
                .isLessThan(Duration.ofSeconds(180));
        await("the new run's entry").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> !killedRun.equals(entry().getString("run")));
        assertThat(((Number) entry().get("pid")).longValue()).isEqualTo(second.pid());
        assertThat(second.log()).contains("the run before this one on this host (pid " + killedPid
                + ") ended without stopping").doesNotContain("another Ferry daemon");
        assertThat(second.alive()).isTrue();
        assertThat(second.status().path("version").asText()).isNotBlank();
        assertThat(Optional.ofNullable(entry().getBoolean("stopped"))).hasValue(false);
    }
}
