package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry status|failed|retry} against a running daemon process, as a person and a script use them. */
class CliIT {
    private static final String TOKEN = "cli-admin-token-0123456789";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;
    Path watch;
    S3ProxyServer s3;
    FerryProcess ferry;

    /** What one command printed and returned. */
    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        watch = Files.createDirectories(tmp.resolve("watch"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, watch, state);
        s3 = S3ProxyServer.start();
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("SWEEP_INTERVAL", "0");
        write("photos/2026/a.jpg", "photo a");
        write("photos/2026/b.jpg", "photo b");
        Path locked = write("private/locked.jpg", "secret photo");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        ferry = FerryProcess.start("cli", env);
    }

    @AfterEach
    void tearDown() {
        ferry.close();
        s3.close();
    }

    private Path write(String relative, String content) throws IOException {
        Path file = watch.resolve(relative);
        Files.createDirectories(file.getParent());
        FerryProcess.shareWithDaemon(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs {@code ferry args...} through the real entry point, {@link Main#run}, without exiting. */
    private Result ferry(Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result withToken(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = ferry.url("");
        return ferry(Map.of("ADMIN_TOKEN", TOKEN), all);
    }

    private void awaitSettled() {
        await("two uploads and one failure").atMost(DEADLINE).until(() -> {
            JsonNode b = ferry.status().path("buckets");
            return b.path("photos").path("uploaded").asLong() == 2 && b.path("private").path("failed").asLong() == 1;
        });
    }

    @Test
    void statusPrintsAnAlignedTablePerBucketAndJsonOnRequest() throws Exception {
        awaitSettled();

        Result r = withToken("status");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("Ferry ").contains("running");
        assertThat(r.out()).contains("State store  sqlite").contains("Watcher      " + watch);
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("BUCKET")).findFirst().orElseThrow());
        String head = lines.get(header);
        assertThat(head).contains("QUEUED", "IN FLIGHT", "UPLOADED", "DATA", "FAILED", "LAST ERROR");
        String photos = lines.get(header + 1);
        String priv = lines.get(header + 2);
        assertThat(photos).startsWith("photos ");
        assertThat(priv).startsWith("private ").contains("locked.jpg").contains("cannot read file");
        int uploadedEnd = head.indexOf("UPLOADED") + "UPLOADED".length();
        int failedEnd = head.indexOf("FAILED") + "FAILED".length();
        assertThat(photos.substring(uploadedEnd - 1, uploadedEnd)).as("numbers right-aligned under UPLOADED").isEqualTo("2");
        assertThat(priv.substring(uploadedEnd - 1, uploadedEnd)).isEqualTo("0");
        assertThat(priv.substring(failedEnd - 1, failedEnd)).as("under FAILED").isEqualTo("1");
        assertThat(photos.indexOf("  ", "photos".length())).isLessThan(uploadedEnd);

        Result asJson = withToken("status", "--json");
        JsonNode body = json.readTree(asJson.out());
        assertThat(body.path("buckets").path("photos").path("uploaded").asLong()).isEqualTo(2);
        assertThat(asJson.out()).doesNotContain(TOKEN);
    }

    @Test
    void failedListsTheFailuresAndRetryMakesThemGo() throws Exception {
        awaitSettled();
        Path locked = watch.resolve("private/locked.jpg");

        Result failed = withToken("failed");
        assertThat(failed.exit()).as(failed.err()).isZero();
        List<String> lines = failed.out().lines().toList();
        assertThat(lines.get(0)).startsWith("PATH").contains("ATTEMPTS", "RETRIED", "REASON");
        assertThat(lines.get(1)).startsWith(locked.toString()).contains("automatically").contains("cannot read file");
        assertThat(failed.out()).contains("Failed files 1-1 of 1.");

        JsonNode page = json.readTree(withToken("failed", "--json").out());
        assertThat(page.path("files").get(0).path("path").asText()).isEqualTo(locked.toString());
        assertThat(page.path("total").asLong()).isEqualTo(1);

        Result none = withToken("retry", watch.resolve("photos/2026/a.jpg").toString());
        assertThat(none.exit()).as("an uploaded file has nothing to retry").isEqualTo(1);
        assertThat(none.out()).contains("nothing to retry");

        // Retried while still unreadable: had the file been unlocked first, the daemon's own backoff could take
        // it before the command ran (then nothing is left to retry). The retry shows as one more attempt.
        long attemptsBefore = page.path("files").get(0).path("attempts").asLong();
        Result retry = withToken("retry", locked.toString());
        assertThat(retry.exit()).as(retry.err()).isZero();
        assertThat(retry.out()).contains(locked + ": retrying now.");
        await("the retry's attempt").atMost(DEADLINE).until(() -> json.readTree(withToken("failed", "--json").out())
                .path("files").path(0).path("attempts").asLong() > attemptsBefore);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        Result again = withToken("retry", locked.toString());
        assertThat(again.exit()).as("retried, or already uploaded by the daemon's own retry: " + again.out())
                .isIn(0, 1);
        await().atMost(DEADLINE).until(() -> s3.readObject("private", "locked.jpg").isPresent());
        await().atMost(DEADLINE).until(() -> withToken("failed").out().contains("No failed files."));

        Result all = withToken("retry");
        assertThat(all.exit()).isZero();
        assertThat(all.out()).contains("No failed files: nothing to retry.");
    }

    @Test
    void whatFailedListsRetryRetriesOrSaysWhyNotTheSameWayForOneFileAndForAll() throws Exception {
        awaitSettled();
        Path misplaced = write("Not A Bucket/c.jpg", "photo c");
        await("the file in an invalid bucket folder is listed as failed").atMost(DEADLINE).until(() -> json
                .readTree(withToken("failed", "--json").out()).path("total").asLong() == 2);
        JsonNode listed = json.readTree(withToken("failed", "--json").out()).path("files");
        assertThat(listed.findValuesAsText("path")).contains(misplaced.toString());
        assertThat(withToken("failed").out().lines().filter(l -> l.startsWith(misplaced.toString())))
                .singleElement().asString().contains("never (move it)");

        Result one = withToken("retry", misplaced.toString());
        assertThat(one.exit()).isEqualTo(1);
        String why = misplaced + ": cannot be retried: it cannot be uploaded where it is (";
        assertThat(one.out()).startsWith(why).contains("rename or move it").doesNotContain("may be uploaded already");

        Result all = withToken("retry");
        assertThat(all.exit()).as("a listed file could not be retried").isEqualTo(1);
        assertThat(all.out()).contains("Retrying ").contains(why);
        String sameLine = one.out().lines().findFirst().orElseThrow();
        assertThat(all.out().lines()).contains(sameLine);

        JsonNode answer = json.readTree(withToken("retry", "--json", misplaced.toString()).out());
        assertThat(answer.path("retrying").asLong()).isZero();
        assertThat(answer.path("notRetried").get(0).path("path").asText()).isEqualTo(misplaced.toString());
        assertThat(answer.path("notRetried").get(0).path("reason").asText()).contains("cannot be uploaded where it is");
    }

    @Test
    void aRefusedOrMissingTokenAndADaemonThatIsDownExitNonZeroWithAClearMessage() throws Exception {
        Result wrong = ferry(Map.of(), "failed", "--url", ferry.url(""), "--token", "not-the-token-at-all");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("refused the admin token").doesNotContain("not-the-token-at-all");

        Result missing = ferry(Map.of(), "retry", "--url", ferry.url(""));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("needs its admin token").contains("ADMIN_TOKEN");

        Result publicStatus = ferry(Map.of(), "status", "--url", ferry.url(""));
        assertThat(publicStatus.exit()).as("status needs no token").isZero();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        Result down = ferry(env, "status");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the Ferry daemon at http://127.0.0.1:" + port)
                .contains("is it running?");
        assertThat(down.out()).isEmpty();
    }

    @Test
    void theJarRunsTheCommandsAndListsThemInItsHelp() throws Exception {
        awaitSettled();
        Map<String, String> env = new HashMap<>();
        env.put("ADMIN_TOKEN", TOKEN);

        FerryProcess status = FerryProcess.run("cli-jar", env, "status", "--url", ferry.url(""));
        assertThat(status.exitCode()).as(status.log()).isZero();
        assertThat(status.log()).contains("BUCKET").contains("photos");

        Result help = ferry(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--watch-path").contains("status").contains("failed").contains("retry");
        Result retryHelp = ferry(Map.of(), "retry", "--help");
        assertThat(retryHelp.out()).contains("PATH").contains("--token").contains("--json");
    }
}
