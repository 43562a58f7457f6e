package dev.ferry.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.ControlConfig;
import dev.ferry.config.Secret;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.Mothership;
import dev.ferry.testing.Mothership.Answer;
import dev.ferry.testing.Mothership.Request;
import dev.ferry.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phone-home client against a mothership on a real socket: each reply type and each failure. */
class PhoneHomeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path tmp;
    Mothership mothership;
    PhoneHome phoneHome;
    final FakeTarget target = new FakeTarget();

    /** Records what the control plane asked of the daemon. */
    static final class FakeTarget implements ControlTarget {
        final List<Boolean> gate = new CopyOnWriteArrayList<>();
        /** Every call, in order: uploads:true|false, config, keysChanged. */
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<ObjectNode> configs = new CopyOnWriteArrayList<>();
        final AtomicInteger keysChanged = new AtomicInteger();
        final AtomicInteger sweeps = new AtomicInteger();
        final AtomicInteger exits = new AtomicInteger();
        volatile Optional<String> configProblem = Optional.empty();
        volatile long uploaded;

        @Override
        public void uploads(boolean run, String why) {
            gate.add(run);
            calls.add("uploads:" + run);
        }

        @Override
        public Optional<String> applyConfig(ObjectNode config) {
            configs.add(config);
            calls.add("config");
            return configProblem;
        }

        @Override
        public Optional<ObjectNode> keptConfig() {
            return configs.isEmpty() ? Optional.empty() : Optional.of(configs.get(configs.size() - 1));
        }

        @Override
        public Optional<String> keysChanged() {
            keysChanged.incrementAndGet();
            calls.add("keysChanged");
            return Optional.empty();
        }

        @Override
        public ObjectNode report() {
            return JsonNodeFactory.instance.objectNode().put("s3_bucket", "b-1").put("token", "(redacted)");
        }

        @Override
        public void sweepNow(String why) {
            sweeps.incrementAndGet();
        }

        @Override
        public Counts counts() {
            return Counts.of(uploaded, 1);
        }

        @Override
        public void exitForRestart() {
            exits.incrementAndGet();
        }

        boolean lastGate() {
            return !gate.isEmpty() && gate.get(gate.size() - 1);
        }
    }

    @BeforeEach
    void startMothership() {
        mothership = Mothership.start("/ingestor");
    }

    @AfterEach
    void stop() {
        if (phoneHome != null) {
            phoneHome.close();
        }
        mothership.close();
    }

    private ControlConfig config(Optional<String> upgrade, Duration heartbeat) {
        return new ControlConfig("http", "127.0.0.1", mothership.path(), mothership.port(), heartbeat,
                tmp.resolve("keys/s3-ingestor-keys.json"), upgrade, Optional.of(new Secret("token-123456")), false,
                tmp.resolve("state/s3-ingestor-context.json"));
    }

    private void start(Optional<String> upgrade) {
        start(config(upgrade, Duration.ofHours(1)), Duration.ofSeconds(2));
    }

    private void start(ControlConfig config, Duration timeout) {
        start(config, timeout, Backoff.withoutJitter(Duration.ofMillis(50), Duration.ofMillis(200)));
    }

    private void start(ControlConfig config, Duration timeout, Backoff backoff) {
        phoneHome = new PhoneHome(config, target, "9.9.9", Clock.systemUTC(), timeout, backoff);
        phoneHome.applyKeptState();
        phoneHome.start();
    }

    @Test
    void startupCarriesStateVersionInfoActionResultAndTheToken() {
        start(Optional.empty());
        Request r = mothership.next(WAIT);
        assertThat(r.action()).isEqualTo("startup");
        assertThat(r.body().path("version").asText()).isEqualTo("9.9.9");
        assertThat(r.body().has("state")).isFalse(); // no state given yet
        for (String field : List.of("hostname", "hosttype", "platform", "release", "totalmem", "network")) {
            assertThat(r.body().path("info").has(field)).as(field).isTrue();
        }
        for (String field : List.of("added", "updated", "skipped", "ignored", "unchanged", "failed")) {
            assertThat(r.body().path("result").has(field)).as(field).isTrue();
        }
        assertThat(r.authorization()).contains("Bearer token-123456");
        assertThat(target.lastGate()).isFalse(); // not configured: uploads wait
        phoneHome.wakeup();
        Request w = mothership.next("wakeup", WAIT);
        assertThat(w.body().path("info").has("hostname")).isTrue();
        assertThat(w.body().path("info").has("network")).isFalse();
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheReasonWhileAConfiguredMachineGoesOnUploading() throws Exception {
        TestCertificates certs = TestCertificates.forLoopback(tmp, "mothership");
        try (Mothership tls = Mothership.startTls("/ingestor", certs.serverTls())) {
            Files.createDirectories(tmp.resolve("state"));
            Files.writeString(tmp.resolve("state/s3-ingestor-context.json"), "{\"state\": \"configured\"}");
            try (LogCapture logs = LogCapture.of("dev.ferry")) {
                start(new ControlConfig("https", "127.0.0.1", "/ingestor", tls.port(), Duration.ofHours(1),
                        tmp.resolve("keys/s3-ingestor-keys.json"), Optional.empty(),
                        Optional.of(new Secret("token-123456")), false, tmp.resolve("state/s3-ingestor-context.json")),
                        Duration.ofSeconds(5));
                await().atMost(WAIT).until(() -> phoneHome.status().lastError().isPresent());
                assertThat(phoneHome.status().lastError().get())
                        .startsWith("TLS refused: the mothership's certificate is not trusted")
                        .contains("-Djavax.net.ssl.trustStore");
                // the status takes the error before its WARN line is written: wait for the line
                await().atMost(WAIT).until(() -> String.join("\n", logs.lines()).contains("certificate is not trusted"));
                assertThat(String.join("\n", logs.lines())).contains("certificate is not trusted")
                        .doesNotContain("token-123456");
            }
            assertThat(phoneHome.status().uploading()).as("the kept state stands: uploads go on").isTrue();
            assertThat(target.lastGate()).isTrue();
            assertThat(tls.requests()).as("nothing was sent to a server Ferry does not trust").isEmpty();
        }
    }

    @Test
    void theStateGatesUploadsAndSurvivesARestart() {
        mothership.thenJson("{\"state\": \"configured\"}");
        start(Optional.empty());
        await().atMost(WAIT).until(target::lastGate);
        assertThat(target.gate).startsWith(false);
        phoneHome.close();
        target.gate.clear();
        mothership.then(new Answer(500, "down", Duration.ZERO), new Answer(500, "down", Duration.ZERO));
        start(Optional.empty()); // the context file says configured: uploads run before the mothership answers
        assertThat(target.gate).containsExactly(true);
        Request r = mothership.next("startup", WAIT);
        r = mothership.next("startup", WAIT);
        assertThat(r.body().path("state").asText()).isEqualTo("configured");
        mothership.thenJson("{\"state\": \"suspended\"}");
        phoneHome.wakeup();
        await().atMost(WAIT).until(() -> !target.lastGate());
        assertThat(phoneHome.status().state()).isEqualTo("suspended");
        assertThat(phoneHome.status().uploading()).isFalse();
    }

    @Test
    void aConfigIsHandedOverAndARejectedOneIsReportedAsAnError() {
        target.configProblem = Optional.of("s3_bucket (the mothership's config): must be a valid S3 bucket name");
        mothership.thenJson("{\"config\": {\"s3_bucket\": \"NOT VALID\"}}");
        start(Optional.empty());
        Request error = mothership.next("error", WAIT);
        assertThat(error.body().path("result").path("error").asText()).contains("config rejected")
                .contains("s3_bucket");
        assertThat(target.configs).singleElement().satisfies(c -> assertThat(c.path("s3_bucket").asText())
                .isEqualTo("NOT VALID"));
        target.configProblem = Optional.empty();
        mothership.thenJson("{\"config\": {\"s3_bucket\": \"good-bucket\"}, \"action\": \"report\"}");
        phoneHome.wakeup();
        Request report = mothership.next("report", WAIT);
        assertThat(report.body().path("result").path("s3_bucket").asText()).isEqualTo("b-1");
        assertThat(target.configs).hasSize(2);
    }

    @Test
    void aConfigSentAgainAndAgainIsRejectedInOneLineAndOneErrorReportPerTrigger() {
        try (LogCapture logs = LogCapture.of("dev.ferry")) {
            target.configProblem = Optional.of("s3_bucket (the mothership's config): must be a valid S3 bucket name");
            String bad = "{\"config\": {\"s3_bucket\": \"NOT VALID\"}}";
            mothership.thenJson(bad, bad); // to startup, then to the error report
            start(Optional.empty());
            mothership.next("error", WAIT);
            mothership.thenJson(bad, bad); // to wakeup, then to its error report
            phoneHome.wakeup();
            mothership.next("wakeup", WAIT);
            mothership.next("error", WAIT);
            phoneHome.wakeup();
            mothership.next("wakeup", WAIT); // the thread handled every earlier reply before sending this
            assertThat(mothership.requests()).extracting(Request::action)
                    .containsExactly("startup", "error", "wakeup", "error", "wakeup");
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("rejected")))
                    .as("one line per trigger: the answer to its error report carries the same config").hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("the last good one keeps running"));
        }
    }

    @Test
    void aRejectedConfigStaysInTheStatusUntilAReplyIsClean() {
        target.configProblem = Optional.of("s3_bucket (the mothership's config): must be a valid S3 bucket name");
        mothership.thenJson("{\"config\": {\"s3_bucket\": \"NOT VALID\"}}"); // the error report is answered {}
        start(Optional.empty());
        mothership.next("error", WAIT);
        // and the answer to the error report ({}) leaves it there
        await().atMost(WAIT).during(Duration.ofMillis(500)).until(() -> phoneHome.status().lastError()
                .filter(e -> e.contains("config rejected") && e.contains("s3_bucket")).isPresent());
        target.configProblem = Optional.empty();
        phoneHome.wakeup(); // answered {}
        mothership.next("wakeup", WAIT);
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().isEmpty());
    }

    @Test
    void anAppliedConfigIsKeptWithTheStateForTheNextStartReadableByItsOwnerOnly() throws IOException {
        mothership.thenJson("{\"state\": \"configured\", \"config\": {\"heartbeat_period\": 60}}");
        start(Optional.empty());
        await().atMost(WAIT).until(target::lastGate);
        ControlConfig c = config(Optional.empty(), Duration.ofHours(1));
        await().atMost(WAIT).until(() -> PhoneHome.keptConfig(c).isPresent());
        assertThat(PhoneHome.keptConfig(c).orElseThrow().path("heartbeat_period").asInt()).isEqualTo(60);
        assertThat(new ContextFile(c.contextFile()).state()).contains("configured");
        if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.contextFile())))
                    .isEqualTo("rw-------");
        }
        target.configProblem = Optional.of("policies[1]: bad");
        mothership.thenJson("{\"config\": {\"heartbeat_period\": 5}}");
        phoneHome.wakeup();
        mothership.next("error", WAIT);
        assertThat(PhoneHome.keptConfig(c).orElseThrow().path("heartbeat_period").asInt())
                .as("a rejected config is not kept").isEqualTo(60);
    }

    @Test
    void aRetryThatFailsSaysWhenTheNextRetryGoesAndAnAnswerAfterFailuresIsLogged() {
        try (LogCapture logs = LogCapture.of("dev.ferry")) {
            mothership.then(new Answer(500, "", Duration.ZERO), new Answer(500, "", Duration.ZERO));
            start(config(Optional.empty(), Duration.ofHours(1)), Duration.ofSeconds(8),
                    Backoff.withoutJitter(Duration.ofMillis(300), Duration.ofMillis(300)));
            assertThat(mothership.next(WAIT).action()).isEqualTo("startup");
            assertThat(mothership.next(WAIT).action()).isEqualTo("startup"); // the retry, failed too
            assertThat(mothership.next(WAIT).action()).as("retried again").isEqualTo("startup"); // answered {}
            await().atMost(WAIT).until(() -> logs.lines().stream().anyMatch(l -> l.contains("answered again")));
            assertThat(failures(logs)).hasSize(2).allSatisfy(l -> assertThat(l)
                    .containsPattern("next request in \\d{3} ms \\(a retry of startup\\)"));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("INFO")
                    .contains("the mothership answered again (startup) after 2 failed request(s)"));
        }
    }

    @Test
    void awsKeysAreWrittenWithMode0600AndNeverLogged() throws IOException {
        try (LogCapture logs = LogCapture.of("dev.ferry")) {
            mothership.thenJson("{\"aws_keys\": {\"accessKeyId\": \"AKIAROTATED\", \"secretAccessKey\": \"" + SECRET
                    + "\", \"region\": \"us-east-1\"}, \"action\": \"report\"}");
            start(Optional.empty());
            Request report = mothership.next("report", WAIT);
            Path keys = tmp.resolve("keys/s3-ingestor-keys.json");
            assertThat(Files.readString(keys)).contains(SECRET).contains("AKIAROTATED");
            if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
            }
            assertThat(target.keysChanged).hasValue(1);
            assertThat(report.body().toString()).doesNotContain(SECRET);
            assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET).contains("new AWS keys written");
            assertThat(phoneHome.status().toString()).doesNotContain(SECRET);
        }
    }

    @Test
    void keysAndConfigAreAppliedBeforeTheStateLetsUploadsRun() {
        String keys = "\"aws_keys\": {\"accessKeyId\": \"AKIAFIRST\", \"secretAccessKey\": \"" + SECRET + "\"}";
        mothership.thenJson("{\"state\": \"configured\", " + keys + "}");
        start(Optional.empty());
        await().atMost(WAIT).until(target::lastGate);
        // the sites start again with the keys while uploads still wait: their start-up check asks S3 first
        assertThat(target.calls).containsExactly("uploads:false", "keysChanged", "uploads:true");

        target.calls.clear();
        mothership.thenJson("{\"state\": \"configured\", \"config\": {\"s3_bucket\": \"b-2\"}, "
                + keys.replace("AKIAFIRST", "AKIASECOND") + ", \"action\": \"report\"}");
        phoneHome.wakeup();
        mothership.next("report", WAIT);
        // applying the configuration reads the new keys file: one restart, not two
        assertThat(target.calls).containsExactly("config", "uploads:true");
    }

    @Test
    void theKeysInUseSentAgainChangeNothing() throws IOException {
        try (LogCapture logs = LogCapture.of("dev.ferry")) {
            String keys = "\"aws_keys\": {\"accessKeyId\": \"AKIASAME\", \"secretAccessKey\": \"" + SECRET
                    + "\", \"region\": \"us-east-1\"}";
            mothership.thenJson("{" + keys + "}");
            start(Optional.empty());
            await().atMost(WAIT).until(() -> target.keysChanged.get() == 1);
            Path file = tmp.resolve("keys/s3-ingestor-keys.json");
            FileTime old = FileTime.fromMillis(0);
            Files.setLastModifiedTime(file, old);

            mothership.thenJson("{" + keys + ", \"action\": \"report\"}");
            phoneHome.wakeup();
            mothership.next("report", WAIT);
            assertThat(target.keysChanged).as("sites restarted").hasValue(1);
            assertThat(Files.getLastModifiedTime(file)).as("keys file rewritten").isEqualTo(old);
            assertThat(logs.lines().stream().filter(l -> l.contains("new AWS keys written"))).hasSize(1);

            mothership.thenJson("{" + keys.replace("AKIASAME", "AKIANEW") + ", \"action\": \"report\"}");
            phoneHome.wakeup();
            mothership.next("report", WAIT);
            assertThat(target.keysChanged).hasValue(2);
            assertThat(Files.readString(file)).contains("AKIANEW");
            assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET);
        }
    }

    @Test
    void badKeysAreAnErrorThatNamesTheFieldOnly() {
        mothership.thenJson("{\"aws_keys\": {\"accessKeyId\": \"AKIA\", \"secretAccessKey\": 42}}");
        start(Optional.empty());
        Request error = mothership.next("error", WAIT);
        assertThat(error.body().path("result").path("error").asText()).contains("secretAccessKey");
        assertThat(target.keysChanged).hasValue(0);
    }

    @Test
    void unknownActionsAndCustomizersAreErrorsWithTheReason() {
        mothership.thenJson("{\"action\": \"reboot\"}");
        start(Optional.empty());
        assertThat(mothership.next("error", WAIT).body().path("result").path("error").asText())
                .contains("unknown action 'reboot'");
        mothership.thenJson("{\"action\": \"customizers\"}");
        phoneHome.wakeup();
        assertThat(mothership.next("error", WAIT).body().path("result").path("error").asText())
                .contains("customizers refused").contains("code");
    }

    @Test
    void upgradeRunsOnlyTheLocalCommandThenAsksForARestart() throws IOException {
        Path marker = tmp.resolve("upgraded");
        mothership.thenJson("{\"action\": \"upgrade\", \"config\": {\"upgrade_command\": \"touch /tmp/evil\"}}");
        start(Optional.of("echo done > '" + marker + "'"));
        Request echo = mothership.next("upgrade", WAIT);
        assertThat(echo.body().path("result").path("exitCode").asInt()).isZero();
        await().atMost(WAIT).until(() -> target.exits.get() == 1);
        assertThat(Files.readString(marker)).contains("done");
    }

    @Test
    void upgradeWithoutALocalCommandOrWithAFailingOneIsAnError() {
        mothership.thenJson("{\"action\": \"upgrade\"}");
        start(Optional.empty());
        assertThat(mothership.next("error", WAIT).body().path("result").path("error").asText())
                .contains("no upgrade_command");
        phoneHome.close();
        mothership.thenJson("{\"action\": \"upgrade\"}");
        start(Optional.of("exit 3"));
        assertThat(mothership.next("error", WAIT).body().path("result").path("error").asText())
                .contains("exit code 3");
        assertThat(target.exits).hasValue(0);
    }

    @Test
    void a500GarbageOrATimeoutNeverStopsUploadsInStateConfiguredAndIsRetried() {
        mothership.thenJson("{\"state\": \"configured\"}");
        // a retry a second later: long enough to see the failure in the status before it is cleared
        start(config(Optional.empty(), Duration.ofHours(1)), Duration.ofMillis(500),
                Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        await().atMost(WAIT).until(target::lastGate);

        mothership.then(new Answer(500, "{\"error\": \"boom\"}", Duration.ZERO));
        phoneHome.wakeup();
        mothership.next("wakeup", WAIT);
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().filter(e -> e.contains("HTTP 500")).isPresent());
        assertThat(target.lastGate()).isTrue();
        mothership.next("wakeup", WAIT); // retried after the backoff, answered {}
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().isEmpty());

        mothership.then(new Answer(200, "<html>not json", Duration.ZERO));
        phoneHome.wakeup();
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().filter(e -> e.contains("not JSON")).isPresent());
        assertThat(target.lastGate()).isTrue();

        mothership.then(new Answer(200, "{}", Duration.ofMillis(1500)));
        phoneHome.wakeup();
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().filter(e -> e.contains("no answer")).isPresent());
        assertThat(target.lastGate()).isTrue();
        assertThat(phoneHome.status().state()).isEqualTo("configured");
        await().atMost(WAIT).until(() -> phoneHome.status().lastError().isEmpty());
        assertThat(phoneHome.status().lastContact()).isPresent();
    }

    @Test
    void aFailureSaysWhenTheNextRequestReallyGoes() {
        try (LogCapture logs = LogCapture.of("dev.ferry")) {
            mothership.then(new Answer(500, "", Duration.ZERO), new Answer(500, "", Duration.ZERO));
            // a backoff of minutes, a heartbeat of 2 s: the heartbeat is the next request
            start(config(Optional.empty(), Duration.ofSeconds(2)), Duration.ofSeconds(2),
                    Backoff.withoutJitter(Duration.ofMinutes(4), Duration.ofMinutes(5)));
            assertThat(mothership.next(WAIT).action()).isEqualTo("startup");
            assertThat(mothership.next(WAIT).action()).isEqualTo("heartbeat");
            await().atMost(WAIT).until(() -> failures(logs).size() >= 2);
            assertThat(failures(logs).get(0)).contains("phone home (startup) failed")
                    .containsPattern("next request in [12] s \\(the heartbeat\\)");
            assertThat(failures(logs).get(1)).contains("phone home (heartbeat) failed")
                    .containsPattern("next request in [12] s \\(the heartbeat\\)");
        }
    }

    private static List<String> failures(LogCapture logs) {
        return logs.lines().stream().filter(l -> l.contains("phone home (")).toList();
    }

    @Test
    void anUnreachableMothershipIsReportedAndRetried() {
        int port = mothership.port();
        mothership.close();
        ControlConfig c = new ControlConfig("http", "127.0.0.1", "/ingestor", port, Duration.ofHours(1),
                tmp.resolve("k.json"), Optional.empty(), Optional.empty(), false, tmp.resolve("ctx.json"));
        start(c, Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> phoneHome.status().failures() >= 2);
        assertThat(phoneHome.status().lastError().orElseThrow()).contains("unreachable");
        assertThat(phoneHome.status().mothership()).isEqualTo("http://127.0.0.1:" + port + "/ingestor");
    }

    @Test
    void heartbeatsComeEveryPeriod() {
        start(config(Optional.empty(), Duration.ofMillis(300)), Duration.ofSeconds(2));
        mothership.next("startup", WAIT);
        target.uploaded = 5;
        Request beat = mothership.next("heartbeat", WAIT);
        assertThat(beat.body().path("result").path("failed").asLong()).isEqualTo(1);
        mothership.next("heartbeat", WAIT);
    }
}
