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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One folder feeding two sites, each to its own bucket, through the daemon against S3Proxy: new files and rewrites
 * reach both buckets, a deletion is retired only by the site with retire_deleted, each destination has its own
 * record, and {@code ferry failed} and {@code ferry retry PATH} show and retry each destination's record.
 */
class SharedFolderSitesIT {
    private static final String TOKEN = "shared-folder-admin-token-0123";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;
    Path shared;
    S3ProxyServer s3;
    FerryProcess ferry;

    /** What one command printed and returned. */
    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        Path state = Files.createDirectories(tmp.resolve("state"));
        shared = Files.createDirectories(tmp.resolve("shared"));
        FerryProcess.shareWithDaemon(tmp, state, shared);
        s3 = S3ProxyServer.start();
    }

    @AfterEach
    void tearDown() {
        if (ferry != null) {
            ferry.close();
        }
        s3.close();
    }

    private Path write(String relative, String content) throws IOException {
        Path p = shared.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private void awaitObject(String bucket, String key, String content) {
        await(bucket + "/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }

    private Result ferryCommand(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", ferry.url("")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(all.toArray(String[]::new), Map.of("ADMIN_TOKEN", TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The records of {@code status}, as "path -> bucket". */
    private List<String> records(String status) throws IOException {
        JsonNode page = json.readTree(ferry.send("GET", "/files?status=" + status + "&limit=100", Optional.of(TOKEN))
                .body());
        List<String> found = new ArrayList<>();
        page.path("files").forEach(f -> found.add(f.path("path").asText() + " -> " + f.path("bucket").asText()));
        return found;
    }

    @Test
    void oneFolderFeedsTwoBucketsWithARecordEachAndRetiresDeletionsOnlyWhereAsked() throws Exception {
        Path a = write("docs/a.txt", "first a");
        Path locked = write("locked.txt", "locked away");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, """
                sites:
                - local_path: %s
                  bucket: primary
                - local_path: %s
                  bucket: archive
                  bucket_path: kept
                  retire_deleted: true
                """.formatted(shared, shared));
        Map<String, String> env = FerryProcess.sitesEnv(tmp.resolve("state"), s3);
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("SWEEP_INTERVAL", "0");
        ferry = FerryProcess.start("shared-folder", env, "--config", config.toString());

        awaitObject("primary", "docs/a.txt", "first a");
        awaitObject("archive", "kept/docs/a.txt", "first a");
        await("each destination's record").atMost(DEADLINE).until(() -> records("uploaded")
                .containsAll(List.of(a + " -> primary", a + " -> archive")));

        Path b = write("b.txt", "new b");
        awaitObject("primary", "b.txt", "new b");
        awaitObject("archive", "kept/b.txt", "new b");
        write("docs/a.txt", "second a, rewritten");
        awaitObject("primary", "docs/a.txt", "second a, rewritten");
        awaitObject("archive", "kept/docs/a.txt", "second a, rewritten");

        Files.delete(a);
        await("the archive site retires the deleted file").atMost(DEADLINE)
                .until(() -> !s3.listKeys("archive").contains("kept/docs/a.txt"));
        assertThat(s3.listKeys("archive")).containsExactly("kept/b.txt");
        assertThat(s3.listKeys("primary")).as("no retire_deleted: the object stays")
                .containsExactlyInAnyOrder("docs/a.txt", "b.txt");
        assertThat(s3.readObject("primary", "docs/a.txt")).contains("second a, rewritten");
        // the record follows the deletion through the state writer's buffer, a moment after S3 does
        await("the archive record is retired").atMost(DEADLINE)
                .until(() -> !records("uploaded").contains(a + " -> archive"));
        assertThat(records("uploaded")).contains(b + " -> primary", b + " -> archive", a + " -> primary");

        // the unreadable file fails in both destinations: one failed record each, listed and retried each
        await("a failed record per destination").atMost(DEADLINE).until(() -> records("failed")
                .containsAll(List.of(locked + " -> primary", locked + " -> archive")));
        Result failed = ferryCommand("failed");
        assertThat(failed.exit()).as(failed.err()).isZero();
        List<String> lines = failed.out().lines().toList();
        assertThat(lines.get(0)).startsWith("PATH").contains("BUCKET", "ATTEMPTS", "RETRIED", "REASON");
        assertThat(lines.stream().filter(l -> l.startsWith(locked.toString())).toList()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains(" primary ").contains("cannot read file"))
                .anySatisfy(l -> assertThat(l).contains(" archive ").contains("cannot read file"));

        Result retry = ferryCommand("retry", locked.toString(), "--json");
        assertThat(retry.exit()).as(retry.out() + retry.err()).isZero();
        assertThat(json.readTree(retry.out()).path("retrying").asLong()).as("one retry per destination")
                .isEqualTo(2);

        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        Result again = ferryCommand("retry", locked.toString());
        assertThat(again.exit()).as("retried, or already uploaded by the daemon's own retry: " + again.out())
                .isIn(0, 1);
        awaitObject("primary", "locked.txt", "locked away");
        awaitObject("archive", "kept/locked.txt", "locked away");
        await().atMost(DEADLINE).until(() -> ferryCommand("failed").out().contains("No failed files."));
        assertThat(records("uploaded")).contains(locked + " -> primary", locked + " -> archive");
    }
}
