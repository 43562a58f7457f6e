package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.Mothership;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.testing.S3Request.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The daemon under a mothership (Javalin on loopback): the state gates uploads, POST /wakeup phones home, a
 * configuration from the mothership is validated and applied, and keys it rotates while uploads run lose
 * nothing and never appear in the log or /status.
 */
class ControlPlaneIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ADMIN = "admin-token-0123456789";

    @TempDir
    Path tmp;
    Path state;
    Path home;
    S3ProxyServer s3;
    Mothership mothership;
    /** Where the daemon phones home (kept: a closed mothership no longer says its port). */
    int mothershipPort;
    FerryProcess ferry;

    @BeforeEach
    void setUp() throws IOException {
        state = Files.createDirectories(tmp.resolve("state"));
        home = Files.createDirectories(tmp.resolve("ingestor"));
        Files.createDirectories(home.resolve("data"));
        FerryProcess.shareWithDaemon(tmp, state, home, home.resolve("data"));
        s3 = S3ProxyServer.start();
        mothership = Mothership.start("/ingestor");
        mothershipPort = mothership.port();
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        mothership.close();
        s3.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = home.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content);
    }

    private void awaitObject(String bucket, String key, String content) {
        await(bucket + "/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }

    private void keysFile(String secret) throws IOException {
        Files.writeString(home.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "%s", "secretAccessKey": "%s", "region": "%s"}
                """.formatted(s3.accessKey(), secret, s3.region()));
        FerryProcess.shareWithDaemon(home.resolve("s3-ingestor-keys.json"));
    }

    private void startFerry() throws IOException {
        startFerry(s3.endpoint().toString());
    }

    private void startFerry(String endpoint) throws IOException {
        Path config = home.resolve("s3-ingestor.json");
        Files.writeString(config, """
                {
                  "host_service": "http",
                  "host_dns": "127.0.0.1",
                  "host_port": %d,
                  "heartbeat_period": 3600,
                  "s3_bucket": "ingest-bucket",
                  "policies": [{"input_file_pattern": "data/**", "input_remove_prefix": "data/", "output_key_prefix": "in/"}]
                }
                """.formatted(mothershipPort));
        Map<String, String> env = Map.of("STATE_DIR", state.toString(), "AWS_ENDPOINT_URL", endpoint,
                "SETTLE_TIME", "300ms", "TIMEOUT", "5000", "ADMIN_TOKEN", ADMIN, "CREATE_BUCKETS", "true");
        ferry = FerryProcess.start("control", env, "--config", config.toString());
    }

    private long queued() {
        long n = 0;
        for (JsonNode b : ferry.status().path("buckets")) {
            n += b.path("queued").asLong() + b.path("inFlight").asLong();
        }
        return n;
    }

    @Test
    void theStateGatesUploadsWakeupPhonesHomeAndARemoteConfigIsValidatedFirst() throws IOException {
        keysFile(s3.secretKey());
        write("data/a.txt", "alpha");
        startFerry();
        assertThat(mothership.next("startup", DEADLINE).body().path("info").has("network")).isTrue();
        // no state yet: the file is found and queued, never uploaded
        await().atMost(DEADLINE).until(() -> queued() > 0);
        JsonNode control = ferry.status().path("control");
        assertThat(control.path("state").asText()).isEqualTo("none");
        assertThat(control.path("uploading").asBoolean()).isFalse();
        assertThat(control.path("mothership").asText()).isEqualTo("http://127.0.0.1:" + mothership.port() + "/ingestor");
        assertThat(s3.listKeys("ingest-bucket")).isEmpty();
        assertThat(ferry.log()).contains("uploads paused (waiting for the mothership's state)");
        // an operator cannot override the mothership: nothing is uploaded unless it configured this host
        var resume = ferry.send("POST", "/resume", java.util.Optional.of(ADMIN));
        assertThat(resume.statusCode()).isEqualTo(409);
        assertThat(resume.body()).contains("the mothership has not configured this host");
        assertThat(ferry.status().path("paused").asBoolean()).isTrue();
        assertThat(ferry.status().path("control").path("uploading").asBoolean()).isFalse();
        assertThat(s3.listKeys("ingest-bucket")).isEmpty();

        mothership.thenJson("{\"state\": \"configured\"}");
        ferry.admin("POST", "/wakeup", ADMIN);
        mothership.next("wakeup", DEADLINE);
        awaitObject("ingest-bucket", "in/a.txt", "alpha");
        assertThat(ferry.log()).contains("uploads resumed (the mothership's state is configured)")
                .doesNotContain("operator");
        assertThat(ferry.status().path("control").path("uploading").asBoolean()).isTrue();

        mothership.thenJson("{\"config\": {\"s3_bucket\": \"Not A Bucket\"}}");
        ferry.admin("POST", "/wakeup", ADMIN);
        JsonNode error = mothership.next("error", DEADLINE).body();
        assertThat(error.path("result").path("error").asText()).contains("config rejected").contains("s3_bucket");
        await().atMost(DEADLINE).until(() -> ferry.status().path("control").path("lastError").asText()
                .contains("config rejected"));
        write("data/b.txt", "still running");
        awaitObject("ingest-bucket", "in/b.txt", "still running");

        mothership.thenJson("{\"config\": {\"s3_bucket\": \"other-bucket\"}, \"action\": \"report\"}");
        ferry.admin("POST", "/wakeup", ADMIN);
        JsonNode report = mothership.next("report", DEADLINE).body().path("result");
        assertThat(report.toString()).contains("other-bucket").doesNotContain(s3.secretKey());
        awaitObject("other-bucket", "in/a.txt", "alpha");
        assertThat(ferry.log()).doesNotContain(s3.secretKey());

        // nor can the mothership override an operator: a pause holds through its states until an operator resumes
        ferry.admin("POST", "/pause", ADMIN);
        mothership.thenJson("{\"state\": \"unconfigured\"}");
        ferry.admin("POST", "/wakeup", ADMIN);
        mothership.next("wakeup", DEADLINE);
        mothership.thenJson("{\"state\": \"configured\"}");
        ferry.admin("POST", "/wakeup", ADMIN);
        mothership.next("wakeup", DEADLINE);
        await().atMost(DEADLINE).until(() -> ferry.log().contains("uploads stay paused: an operator paused them"));
        write("data/c.txt", "after the pause");
        await().atMost(DEADLINE).until(() -> queued() > 0);
        assertThat(ferry.status().path("paused").asBoolean()).isTrue();
        assertThat(s3.listKeys("other-bucket")).doesNotContain("in/c.txt");
        ferry.admin("POST", "/resume", ADMIN);
        awaitObject("other-bucket", "in/c.txt", "after the pause");
    }

    @Test
    void theMothershipsLastConfigurationRunsAfterARestartEvenWhileItIsDown() throws Exception {
        keysFile(s3.secretKey());
        Files.createDirectories(home.resolve("data/cam1"));
        Files.createDirectories(home.resolve("data/cam2"));
        FerryProcess.shareWithDaemon(home.resolve("data/cam1"), home.resolve("data/cam2"));
        // the file's one policy (data/** -> in/) replaced by the mothership's: cam2, and cam9 whose folder is not
        // on this machine (yet): a fleet's policies, not an error
        mothership.thenJson("""
                {"state": "configured", "config": {"policies": [{"input_file_pattern": "data/cam2/**/*",
                 "input_remove_prefix": "data/cam2/", "output_key_prefix": "cam2x/"},
                 {"input_file_pattern": "data/cam9/**/*", "input_remove_prefix": "data/cam9/",
                  "output_key_prefix": "cam9x/"}]}}""");
        startFerry();
        write("data/cam2/b1.txt", "b1");
        awaitObject("ingest-bucket", "cam2x/b1.txt", "b1");
        assertThat(ferry.stop()).isZero();
        mothership.close(); // down at the restart: the last good configuration runs
        write("data/cam1/a6.txt", "not the mothership's");
        write("data/cam2/b2.txt", "b2");
        startFerry();
        awaitObject("ingest-bucket", "cam2x/b2.txt", "b2");
        // a policy whose folder this host lacks holds no readiness back
        await("ready while data/cam9 is missing").atMost(DEADLINE).until(() -> ferry.get("/ready").statusCode() == 200);
        write("data/cam9/c1.txt", "c1"); // its folder appears: watched and swept then
        awaitObject("ingest-bucket", "cam9x/c1.txt", "c1");
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean() && queued() == 0);
        assertThat(s3.listKeys("ingest-bucket")).containsExactlyInAnyOrder("cam2x/b1.txt", "cam2x/b2.txt",
                "cam9x/c1.txt");
        assertThat(ferry.log()).contains("the mothership's last configuration applies until it answers")
                .doesNotContain(s3.secretKey());
    }

    @Test
    void aFirstReplyWithKeysAndStateUploadsNothingThatIsAlreadyInS3() throws IOException {
        s3.createBucket("ingest-bucket");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "old" + i + ".txt";
            names.add(name);
            write("data/" + name, "already there " + i);
            s3.client().putObject(b -> b.bucket("ingest-bucket").key("in/" + name),
                    RequestBody.fromString("already there " + i));
        }
        // no keys file: the first reply brings the keys together with the state
        mothership.thenJson("{\"state\": \"configured\", \"aws_keys\": {\"accessKeyId\": \"" + s3.accessKey()
                + "\", \"secretAccessKey\": \"" + s3.secretKey() + "\", \"region\": \"" + s3.region() + "\"}}");
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            startFerry(proxy.endpoint().toString());
            mothership.next("startup", DEADLINE);
            await().atMost(DEADLINE).until(() -> ferry.status().path("control").path("uploading").asBoolean());
            write("data/new.txt", "new");
            awaitObject("ingest-bucket", "in/new.txt", "new");
            await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean() && queued() == 0);
            for (String name : names) {
                assertThat(proxy.traffic().requests(Operation.PUT_OBJECT, "ingest-bucket/in/" + name))
                        .as("PUTs of in/" + name + ", already in S3").isZero();
            }
            assertThat(ferry.total("failed")).isZero();
        }
        assertThat(ferry.log()).doesNotContain(s3.secretKey());
    }

    @Test
    void keysRotatedByTheMothershipWhileUploadsRunLoseNothingAndAreNeverShown() throws IOException {
        keysFile("wrong-secret-0000000000");
        mothership.thenJson("{\"state\": \"configured\"}");
        startFerry();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add("f" + i + ".txt");
            write("data/" + names.get(i), "content " + i);
        }
        await().atMost(DEADLINE).until(() -> ferry.status().path("control").path("uploading").asBoolean());
        // with the wrong secret every upload fails and is retried
        await().atMost(DEADLINE).until(() -> ferry.total("failed") > 0);
        mothership.thenJson("{\"aws_keys\": {\"accessKeyId\": \"" + s3.accessKey() + "\", \"secretAccessKey\": \""
                + s3.secretKey() + "\", \"region\": \"" + s3.region() + "\"}}");
        ferry.admin("POST", "/wakeup", ADMIN);
        for (int i = 20; i < 40; i++) { // more files while the sites restart with the new keys
            names.add("f" + i + ".txt");
            write("data/" + names.get(i), "content " + i);
        }
        for (int i = 0; i < names.size(); i++) {
            awaitObject("ingest-bucket", "in/" + names.get(i), "content " + i);
        }
        assertThat(Files.readString(home.resolve("s3-ingestor-keys.json"))).contains(s3.secretKey());
        assertThat(ferry.log()).doesNotContain(s3.secretKey());
        assertThat(ferry.status().toString()).doesNotContain(s3.secretKey());
    }
}
