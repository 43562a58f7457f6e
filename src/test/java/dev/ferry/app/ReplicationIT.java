package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.config.FerryConfig;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * replicate: jobs run by {@code ferry sync} (exit codes), {@code ferry verify} (differences listed, nothing
 * written) and the daemon (a full sync at start, /status per job), against two S3Proxy processes: one server
 * (server-side copies) and a second account with other keys (streamed copies).
 */
class ReplicationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    static S3ProxyServer one;
    static S3ProxyServer two;
    static dev.ferry.testing.ElasticMq elastic;
    static int n;

    @TempDir
    Path tmp;
    Daemon daemon;
    String src;
    String dst;
    String far;

    @BeforeAll
    static void servers() {
        one = S3ProxyServer.start();
        two = S3ProxyServer.start(Map.of("s3proxy.identity", "second-account", "s3proxy.credential",
                "second-account-credential-not-a-secret"));
    }

    @AfterAll
    static void stopServers() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
        if (elastic != null) {
            elastic.close();
        }
    }

    @AfterEach
    void stopDaemon() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private void buckets() {
        n++;
        src = "rsrc" + n;
        dst = "rdst" + n;
        far = "rfar" + n;
        one.createBucket(src);
        one.createBucket(dst);
        two.createBucket(far);
        put(src, "srcfolder/a.txt", "alpha");
        put(src, "srcfolder/sub/b c+d.txt", "beta");
        put(src, "other/x.txt", "not in the job");
    }

    private static void put(String bucket, String key, String content) {
        one.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private static String at(S3ProxyServer s) {
        return "endpoint: " + s.endpoint() + ", path_style: true, region: " + s.region() + ", access_key: "
                + s.accessKey() + ", secret_access_key: " + s.secretKey();
    }

    private Path file(String farBucket, String extra) throws IOException {
        return Files.writeString(tmp.resolve("ferry.yml"), """
                port: 0
                replicate:
                  - name: photos
                    source: {bucket: %s, prefix: srcfolder/, %s}
                    destinations:
                      - {bucket: %s, prefix: destfolder/, %s}
                      - {bucket: %s, prefix: destfolder/, %s}
                %s""".formatted(src, at(one), dst, at(one), farBucket, at(two), extra));
    }

    private Map<String, String> env() {
        return Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString());
    }

    private int main(ByteArrayOutputStream out, String... args) {
        return Main.run(args, env(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void syncCopiesEveryJobOnceAndExitsZeroThenFindsNothingToCopy() throws Exception {
        buckets();
        Path config = file(far, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(main(out, "sync", "--config", config.toString())).isZero();
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("destfolder/a.txt", "destfolder/sub/b c+d.txt");
        assertThat(two.readObject(far, "destfolder/sub/b c+d.txt")).hasValue("beta");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 copied");

        Files.delete(tmp.resolve("state").resolve("ferry.db")); // an empty state store: the objects decide
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(main(again, "sync", "--config", config.toString())).isZero();
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("0 copied").doesNotContain("1 copied")
                .doesNotContain("2 copied");
    }

    @Test
    void jsonPrintsOneDocumentOnStdoutAndErrorOnNoTransferExitsNineWhenNothingMoved() throws Exception {
        buckets();
        Path config = file(far, "");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        assertThat(main(first, "sync", "--json", "--error-on-no-transfer", "--config", config.toString())).isZero();
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(first.toString(StandardCharsets.UTF_8));
        assertThat(doc.get("command").asText()).isEqualTo("sync");
        assertThat(doc.get("exitCode").asInt()).isZero();
        assertThat(doc.get("replicate")).hasSize(2).allSatisfy(d -> {
            assertThat(d.get("job").asText()).isEqualTo("photos");
            assertThat(d.get("copied").asLong()).isEqualTo(2);
            assertThat(d.get("complete").asBoolean()).isTrue();
        });

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(main(again, "sync", "--error-on-no-transfer", "--config", config.toString())).isEqualTo(9);
        ByteArrayOutputStream verified = new ByteArrayOutputStream();
        assertThat(main(verified, "verify", "--json", "--config", config.toString())).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(verified.toString(StandardCharsets.UTF_8))
                .get("replicate")).hasSize(2).allSatisfy(d -> assertThat(d.get("unchanged").asLong()).isEqualTo(2));
    }

    @Test
    void syncExitsOneWhenADestinationDoesNotGetEveryObject() throws Exception {
        buckets();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = main(out, "sync", "--max-attempts", "1", "--config", file("no-such-bucket", "").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("NOT COMPLETE").doesNotContain(two.secretKey());
        assertThat(one.listKeys(dst)).hasSize(2); // the other destination got its copies
    }

    @Test
    void verifyListsEveryDifferenceAndWritesNothing() throws Exception {
        buckets();
        put(dst, "destfolder/a.txt", "ALPHA");
        Path config = file(far, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = main(out, "verify", "--config", config.toString());

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(text).contains("differs (content): s3://" + dst + "/destfolder/a.txt")
                .contains("missing: s3://" + dst + "/destfolder/sub/b c+d.txt")
                .contains("missing: s3://" + far + "/destfolder/a.txt");
        assertThat(one.listKeys(dst)).containsExactly("destfolder/a.txt");
        assertThat(one.readObject(dst, "destfolder/a.txt")).hasValue("ALPHA");
        assertThat(two.listKeys(far)).isEmpty();
        assertThat(tmp.resolve("state").resolve("ferry.db")).doesNotExist();

        assertThat(main(new ByteArrayOutputStream(), "sync", "--config", config.toString())).isZero();
        assertThat(main(new ByteArrayOutputStream(), "verify", "--config", config.toString())).isZero();
    }

    @Test
    void theDaemonRunsAFullSyncAtStartAndShowsEachJobInStatus() throws Exception {
        buckets();
        Path folder = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(folder.resolve("local.txt"), "a local file");
        one.createBucket("sitebucket" + n);
        Path config = file(far, "fullsync: {interval: 3600}\nsites:\n  - local_path: " + folder + "\n    bucket: sitebucket"
                + n + "\n    " + at(one).replace("region:", "bucket_region:").replace(", ", "\n    ") + "\n");
        daemon = Daemon.start(FerryConfig.load(env(), Map.of(), Optional.of(config)), Clock.systemUTC());
        await("the site beside the jobs").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> !one.listKeys("sitebucket" + n).isEmpty());

        await("copies").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> two.readObject(far, "destfolder/sub/b c+d.txt").isPresent()
                        && one.readObject(dst, "destfolder/a.txt").isPresent());
        await("status").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> status().path("replication").path("photos").path("fullSyncs").asInt() == 1);
        JsonNode job = status().path("replication").path("photos");
        assertThat(job.path("copied").asInt()).isEqualTo(4);
        assertThat(job.path("bytes").asInt()).isEqualTo(2 * ("alpha".length() + "beta".length()));
        assertThat(job.path("failed").asInt()).isZero();
        assertThat(job.path("source").asText()).endsWith("/" + src + "/srcfolder/");
        dev.ferry.testing.PrometheusScrape metrics = dev.ferry.testing.PrometheusScrape.parse(get("/metrics"));
        assertThat(metrics.value("ferry_replication_copied_total", "job", "photos")).hasValue(4.0);
        assertThat(metrics.value("ferry_replication_failed_total", "job", "photos")).hasValue(0.0);
        assertThat(metrics.value("ferry_replication_running", "job", "photos")).hasValue(0.0);
    }

    private JsonNode status() throws Exception {
        return new ObjectMapper().readTree(get("/status"));
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + daemon.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theDaemonFollowsAJobsQueueCountsItsEventsAndStopsWithoutWaitingForTheLongPoll() throws Exception {
        buckets();
        elastic = dev.ferry.testing.ElasticMq.start();
        {
            software.amazon.awssdk.services.sqs.SqsClient sqs = elastic.client();
            sqs.createQueue(b -> b.queueName("events"));
            String queue = elastic.queueUrl("events").toString();
            Path config = file(far, "    sqs: {url: \"" + queue + "\", access_key: x, secret_access_key: x}\n"
                    + "skip-fullsync: true\n");
            daemon = Daemon.start(FerryConfig.load(env(), Map.of(), Optional.of(config)), Clock.systemUTC());
            put(src, "srcfolder/new file.txt", "gamma");

            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\","
                    + "\"s3\":{\"bucket\":{\"name\":\"" + src + "\"},\"object\":{\"key\":\"srcfolder/new+file.txt\","
                    + "\"size\":5,\"sequencer\":\"0A\"}}}]}"));

            await("copies").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> one.readObject(dst, "destfolder/new file.txt").isPresent()
                            && two.readObject(far, "destfolder/new file.txt").isPresent());
            await("acknowledged").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> status()
                    .path("replication").path("photos").path("events").path("acknowledged").asInt() == 1);
            JsonNode job = status().path("replication").path("photos");
            assertThat(job.path("copied").asInt()).isEqualTo(2);
            assertThat(job.path("fullSyncs").asInt()).isZero();
            assertThat(one.listKeys(dst)).containsExactly("destfolder/new file.txt"); // no full sync ran
            assertThat(job.path("events").path("queue").asText()).isEqualTo(queue);
            assertThat(job.path("events").path("messages").asInt()).isEqualTo(1);
            assertThat(job.path("events").path("malformed").asInt()).isZero();
            await("queue depth read").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> status().path("replication").path("photos").path("events").path("waiting").isNumber());
            dev.ferry.testing.PrometheusScrape metrics = dev.ferry.testing.PrometheusScrape.parse(get("/metrics"));
            assertThat(metrics.value("ferry_replication_sqs_acknowledged_total", "job", "photos")).hasValue(1.0);
            assertThat(metrics.value("ferry_replication_sqs_in_flight", "job", "photos")).hasValue(0.0);

            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            assertThat(Main.run(new String[] {"status", "--url", "http://127.0.0.1:" + daemon.httpPort() + "/"}, env(),
                    new PrintStream(shown, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(),
                            true, StandardCharsets.UTF_8))).isZero();
            List<String> lines = shown.toString(StandardCharsets.UTF_8).lines().toList();
            String header = lines.stream().filter(l -> l.startsWith("JOB")).findFirst().orElseThrow();
            assertThat(header).contains("COPIED", "SQS WAITING", "SQS MESSAGES", "IN FLIGHT", "MALFORMED");
            assertThat(lines.get(lines.indexOf(header) + 1)).startsWith("photos").containsPattern("photos +2 ");
            assertThat(lines).contains("Watcher      none: no folder to watch (replicate: jobs only)")
                    .noneMatch(l -> l.startsWith("No bucket has had work"));

            long before = System.nanoTime();
            daemon.stop(); // the follower is in a 20 s long poll now
            daemon = null;
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
