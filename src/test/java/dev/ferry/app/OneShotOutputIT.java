package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ferry sync} and {@code ferry verify} print, as the jar run by a script sees it: results on stdout
 * (one JSON document with --json), logs on stderr, and the exit codes of docs/operations.md.
 */
class OneShotOutputIT {
    /** Parses stdout as exactly one JSON document: anything after it (a log line) fails the parse. */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path tmp;
    Path site;
    Path config;
    S3ProxyServer s3;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        site = Files.createDirectories(tmp.resolve("site"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, site, state);
        s3 = S3ProxyServer.start();
        env = FerryProcess.sitesEnv(state, s3);
        env.put("SETTLE_TIME", "0");
        config = tmp.resolve("ferry.yml");
        Files.writeString(config, "sites:\n- local_path: " + site + "\n  bucket: backup\n  bucket_path: host1\n");
        write("a.txt", "alpha");
        write("sub/b.txt", "bravo!");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = site.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    private FerryProcess ferry(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return FerryProcess.runSplit("output", env, all);
    }

    private static JsonNode json(FerryProcess p) throws IOException {
        return STRICT.readTree(p.stdout());
    }

    @Test
    void syncJsonIsOneDocumentOnStdoutWithCountsBytesAndDurationAndTheLogsAreOnStderr() throws IOException {
        FerryProcess p = ferry("sync", "--json");

        assertThat(p.exitCode()).as(p.log()).isZero();
        JsonNode doc = json(p);
        assertThat(doc.path("command").asText()).isEqualTo("sync");
        assertThat(doc.path("ok").asBoolean()).isTrue();
        assertThat(doc.path("exitCode").asInt()).isZero();
        assertThat(doc.path("files").path("added").asLong()).isEqualTo(2);
        assertThat(doc.path("files").path("failed").asLong()).isZero();
        assertThat(doc.path("bytes").asLong()).isEqualTo("alpha".length() + "bravo!".length());
        assertThat(doc.path("durationMs").isIntegralNumber()).isTrue();
        assertThat(doc.has("failures")).isFalse();
        assertThat(p.stderr()).as("the logs").contains("INFO").contains("S3ObjectStore - s3: connecting");
        assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("host1/a.txt", "host1/sub/b.txt");
    }

    @Test
    void withoutJsonStdoutHoldsTheResultLinesAndNoLogLine() {
        FerryProcess p = ferry("sync");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.stdout().lines().toList())
                .containsExactly("added 2, updated 0, unchanged 0, skipped 0, ignored 0, failed 0");
        assertThat(p.stderr()).contains("INFO").doesNotContain("added 2");
    }

    @Test
    void entriesThatAreNoRegularFileAreNamedWithVerboseAndListedInJson() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", site.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Files.createSymbolicLink(site.resolve("dangling"), tmp.resolve("nowhere"));
        Files.createSymbolicLink(site.resolve("loop1"), site.resolve("loop2"));
        Files.createSymbolicLink(site.resolve("loop2"), site.resolve("loop1"));

        FerryProcess p = ferry("sync", "-v");
        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.stdout().lines().toList()).contains(
                "ignored: " + site.resolve("pipe") + " (not a regular file (a FIFO, socket or device): not uploaded)",
                "ignored: " + site.resolve("dangling") + " (a symbolic link that leads to no regular file (dangling, "
                        + "a loop, or a folder): not uploaded)")
                .anyMatch(l -> l.startsWith("ignored: " + site.resolve("loop1") + " ("))
                .anyMatch(l -> l.startsWith("ignored: " + site.resolve("loop2") + " ("));

        JsonNode doc = json(ferry("sync", "--json"));
        assertThat(doc.path("ignored")).extracting(n -> n.path("path").asText()).contains(
                site.resolve("pipe").toString(), site.resolve("dangling").toString());
        assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("host1/a.txt", "host1/sub/b.txt");
    }

    @Test
    void nothingToDoIsExit9OnlyWhenAskedFor() throws IOException {
        assertThat(ferry("sync").exitCode()).isZero();

        FerryProcess asked = ferry("sync", "--error-on-no-transfer", "--json");
        assertThat(asked.exitCode()).as(asked.log()).isEqualTo(9);
        assertThat(json(asked).path("exitCode").asInt()).isEqualTo(9);
        assertThat(ferry("sync").exitCode()).as("scripts written for 0 keep 0").isZero();

        write("c.txt", "charlie");
        assertThat(ferry("sync", "--error-on-no-transfer").exitCode()).as("a file went").isZero();
    }

    @Test
    void verifyJsonListsTheDifferencesAndFailsWithExit1() throws IOException {
        assertThat(ferry("sync").exitCode()).isZero();
        s3.client().deleteObject(b -> b.bucket("backup").key("host1/sub/b.txt"));

        FerryProcess p = ferry("verify", "--json");

        assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
        JsonNode doc = json(p);
        assertThat(doc.path("command").asText()).isEqualTo("verify");
        assertThat(doc.path("ok").asBoolean()).isFalse();
        assertThat(doc.path("files").path("notInS3").asLong()).isEqualTo(1);
        JsonNode difference = doc.path("differences").get(0);
        assertThat(difference.path("kind").asText()).isEqualTo("missing");
        assertThat(difference.path("key").asText()).isEqualTo("host1/sub/b.txt");
        assertThat(difference.path("site").asText()).isEqualTo("backup/host1");
        assertThat(doc.path("sites").get(0).path("files").asLong()).isEqualTo(2);
    }

    @Test
    void aRefusedSecretKeyIsOneLineNamingTheSiteAndTheReason() throws IOException {
        write("c.txt", "charlie");
        env.put("AWS_SECRET", "not-the-secret-key-at-all");

        FerryProcess p = ferry("sync");

        assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
        List<String> refused = p.log().lines().filter(l -> l.toLowerCase().contains("refused")).toList();
        assertThat(refused).as(p.log()).hasSize(1);
        assertThat(refused.get(0)).contains("backup/host1").contains("the secret key was refused")
                .contains("SignatureDoesNotMatch"); // the site's listing is refused: none of its files is tried
        assertThat(p.log()).doesNotContain("not allowed to check").doesNotContain("not-the-secret-key-at-all")
                .doesNotContain("not in S3 after sync");
        assertThat(p.stdout()).contains("failed 1");

        FerryProcess asJson = ferry("sync", "--json");
        assertThat(asJson.exitCode()).isEqualTo(1);
        JsonNode site = json(asJson).path("siteFailures");
        assertThat(site).hasSize(1);
        assertThat(site.get(0).path("site").asText()).isEqualTo("backup/host1");
        assertThat(site.get(0).path("reason").asText()).contains("secret key was refused");
    }

    @Test
    void aMissingBucketIsExit3ForSyncAndVerify() throws IOException {
        env.put("CREATE_BUCKETS", "false");

        FerryProcess sync = ferry("sync", "--json");
        assertThat(sync.exitCode()).as(sync.log()).isEqualTo(3);
        // one failure for the site, before any file is tried
        assertThat(json(sync).path("siteFailures").get(0).path("reason").asText()).contains("does not exist")
                .contains("create_buckets is off");
        assertThat(json(sync).path("failures").isMissingNode()).isTrue();

        FerryProcess dry = ferry("sync", "--dry-run");
        assertThat(dry.exitCode()).as(dry.log()).isEqualTo(3);
        assertThat(dry.stdout()).doesNotContain("would upload");

        FerryProcess verify = ferry("verify");
        assertThat(verify.exitCode()).as(verify.log()).isEqualTo(3);
        assertThat(verify.stdout()).contains("cannot compare")
                .contains("not verified: 1 site could not be compared").doesNotContain("1 file is not in S3");
    }
}
