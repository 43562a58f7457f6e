package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code ferry sync DIR s3://bucket/prefix} and {@code ferry verify DIR s3://bucket/prefix}, run as the jar
 * against a real S3-compatible server, with credentials, region and endpoint from the standard AWS variables.
 */
class SyncFormsIT {
    @TempDir
    Path tmp;
    Path dir;
    Path state;
    S3ProxyServer s3;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("photos"));
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, dir, state);
        s3 = S3ProxyServer.start();
        env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", s3.accessKey()); // the SDK's own variables, as rclone and aws-cli users set them
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("STATE_DIR", state.toString());
        env.put("SETTLE_TIME", "0");
        env.put("TIMEOUT", "5000");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        for (Path d = p.getParent(); d.startsWith(dir); d = d.getParent()) {
            FerryProcess.shareWithDaemon(d);
        }
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    private FerryProcess ferry(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        return FerryProcess.run("forms-" + command, env, all.toArray(String[]::new));
    }

    @Test
    void syncCarriesDirToThePrefixWithIncludeAndExcludeAndKeepsItsStateInAFolderOfItsOwn() throws IOException {
        write("a.jpg", "a");
        write("sub/b.jpg", "b");
        write("c.txt", "c");
        write("cache/d.jpg", "d");
        write("x/cache/e.jpg", "e");

        FerryProcess p = ferry("sync", dir.toString(), "s3://backup/host1", "--include", "*.jpg", "--exclude",
                "cache/", "--transfers", "8", "--bwlimit", "10M");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("host1/a.jpg", "host1/sub/b.jpg");
        assertThat(p.log()).contains("bandwidthLimit=10485760 bytes/s"); // rclone's 10M is 10 MiB/s
        try (Stream<Path> folders = Files.list(state.resolve("sync"))) {
            List<Path> own = folders.toList();
            assertThat(own).hasSize(1);
            assertThat(own.get(0).getFileName().toString()).startsWith("backup-");
            assertThat(own.get(0).resolve("ferry.db")).exists();
        }
        assertThat(state.resolve("ferry.db")).doesNotExist(); // a daemon's store is not touched

        FerryProcess again = ferry("sync", dir.toString(), "s3://backup/host1", "--include", "*.jpg", "--exclude",
                "cache/");
        assertThat(again.exitCode()).as(again.log()).isZero();
        assertThat(again.log()).contains("added 0, updated 0, unchanged 2");
    }

    @Test
    void theBucketAloneIsItsRoot() throws IOException {
        write("a.txt", "a");
        write("sub/b.txt", "b");

        FerryProcess p = ferry("sync", dir.toString(), "s3://rootbucket");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(s3.listKeys("rootbucket")).containsExactlyInAnyOrder("a.txt", "sub/b.txt");
    }

    @Test
    void aDryRunStoppedBySigtermLeavesNoTemporaryFolder() throws Exception {
        write("a.jpg", "a");
        Path scratchParent = Files.createDirectories(tmp.resolve("java-tmp"));
        FerryProcess.shareWithDaemon(scratchParent);
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            // a server that takes the connection and never answers: the dry run waits for its listing
            env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + silent.getLocalPort());
            env.put("TIMEOUT", "60000");
            env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + scratchParent);
            env.put("STATE_DIR", tmp.resolve("no-state-yet").toString()); // no state file: the dry run uses a scratch one
            FerryProcess dry = FerryProcess.launch("forms-dry-run-stopped", env, "sync", "--dry-run", dir.toString(),
                    "s3://backup/host1");
            org.awaitility.Awaitility.await("the dry run's scratch folder").atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> scratch(scratchParent).isPresent());

            dry.stop();

            assertThat(scratch(scratchParent)).as("left behind by a dry run stopped with SIGTERM").isEmpty();
        }
    }

    private static java.util.Optional<Path> scratch(Path parent) throws IOException {
        try (var entries = Files.list(parent)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("ferry-dry-run")).findFirst();
        }
    }

    @Test
    void dryRunChangesNothing() throws IOException {
        write("new.txt", "new");
        s3.createBucket("backup");
        s3.client().putObject(b -> b.bucket("backup").key("p/gone.txt"), RequestBody.fromString("gone"));

        FerryProcess p = ferry("sync", "--dry-run", "--delete", "--max-delete-percent", "100", dir.toString(),
                "s3://backup/p");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.log()).contains("would upload: s3://backup/p/new.txt").contains("would delete: s3://backup/p/gone.txt")
                .contains(", would delete 1");
        assertThat(s3.listKeys("backup")).containsExactly("p/gone.txt");
        assertThat(state.resolve("sync")).as("a dry run creates no state file").doesNotExist();
    }

    @Test
    void deleteRefusesBeyondMaxDeleteAndExits1ThenDeletesWithinIt() throws IOException {
        for (String name : new String[] {"keep.txt", "one.txt", "two.txt", "three.txt"}) {
            write(name, name);
        }
        assertThat(ferry("sync", dir.toString(), "s3://backup/p").exitCode()).isZero();
        s3.client().putObject(b -> b.bucket("backup").key("elsewhere/x.txt"),
                RequestBody.fromString("not under the prefix"));
        for (String name : new String[] {"one.txt", "two.txt", "three.txt"}) {
            Files.delete(dir.resolve(name));
        }

        FerryProcess dry = ferry("sync", dir.toString(), "s3://backup/p", "--delete", "--max-delete", "2",
                "--max-delete-percent", "100", "--dry-run");
        FerryProcess refused = ferry("sync", dir.toString(), "s3://backup/p", "--delete", "--max-delete", "2",
                "--max-delete-percent", "100");

        assertThat(dry.exitCode()).as("the dry run predicts the refusal: " + dry.log()).isEqualTo(1);
        assertThat(dry.log()).contains("more than max_delete 2").contains("would delete 0")
                .doesNotContain("would delete: ");

        assertThat(refused.exitCode()).as(refused.log()).isEqualTo(1);
        assertThat(refused.log()).contains("not deleting").contains("more than max_delete 2");
        assertThat(s3.listKeys("backup")).contains("p/one.txt", "p/two.txt", "p/three.txt");

        FerryProcess within = ferry("sync", dir.toString(), "s3://backup/p", "--delete", "--max-delete", "3",
                "--max-delete-percent", "100");

        assertThat(within.exitCode()).as(within.log()).isZero();
        assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("p/keep.txt", "elsewhere/x.txt");
        assertThat(within.log()).contains("deleted: s3://backup/p/one.txt", "deleted: s3://backup/p/two.txt",
                "deleted: s3://backup/p/three.txt").contains("failed 0, deleted 3");
    }

    @Test
    void aDeletionTheServerRefusesIsNamedAndTheSyncExitsOne() throws IOException {
        write("keep.txt", "kept");
        write("gone.txt", "deleted locally");
        assertThat(ferry("sync", dir.toString(), "s3://backup/p").exitCode()).isZero();
        Files.delete(dir.resolve("gone.txt"));

        try (dev.ferry.testing.CountingProxy proxy = dev.ferry.testing.CountingProxy.start(s3.port())) {
            proxy.refuse(r -> r.operation() == dev.ferry.testing.S3Request.Operation.DELETE_OBJECTS
                    || r.operation() == dev.ferry.testing.S3Request.Operation.DELETE_OBJECT);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            FerryProcess refused = FerryProcess.runSplit("forms-delete-refused", env, "sync", dir.toString(),
                    "s3://backup/p", "--delete", "--max-attempts", "1", "--json");

            assertThat(refused.exitCode()).as(refused.log()).isEqualTo(1);
            JsonNode doc = new ObjectMapper().readTree(refused.stdout());
            assertThat(doc.path("deleteFailures")).singleElement().extracting(JsonNode::asText).asString()
                    .startsWith("s3://backup/p/gone.txt: ").contains("ccess");
            assertThat(doc.path("files").path("deleted").asLong()).isZero();
        }
        assertThat(s3.listKeys("backup")).as("nothing lost, nothing deleted").contains("p/keep.txt", "p/gone.txt");
    }

    @Test
    void aFileThatCannotBeReadIsAFailureAndItsObjectIsNeverDeletedAsIfTheFileWereGone() throws IOException {
        write("open/b.txt", "b");
        write("locked/a.txt", "a");
        assertThat(ferry("sync", dir.toString(), "s3://backup").exitCode()).isZero();
        Path locked = dir.resolve("locked");
        // listed but not searchable: its entries can be named but not stat'ed
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        try {
            FerryProcess sync = ferry("sync", dir.toString(), "s3://backup", "--delete", "--max-delete-percent", "100");

            assertThat(sync.exitCode()).as(sync.log()).isEqualTo(1);
            assertThat(sync.log()).contains("failed: " + locked.resolve("a.txt") + ": cannot read this entry: "
                    + "permission denied").contains("not deleting").contains("failed 1, deleted 0");
            assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("open/b.txt", "locked/a.txt");
        } finally {
            FerryProcess.shareWithDaemon(locked);
        }
    }

    @Test
    void ignoredFilesAreNamedByADryRunVerboseAndJsonButNotByAPlainSync() throws IOException {
        write("a.jpg", "a");
        write("cache/b.jpg", "b");
        String skipped = dir.resolve("cache/b.jpg").toString();
        String[] form = {dir.toString(), "s3://backup/p", "--exclude", "cache/"};

        FerryProcess dry = FerryProcess.runSplit("forms-ignored", env, concat(form, "sync", "--dry-run"));
        FerryProcess json = FerryProcess.runSplit("forms-ignored", env, concat(form, "sync", "--json"));
        FerryProcess plain = FerryProcess.runSplit("forms-ignored", env, concat(form, "sync"));
        FerryProcess verbose = FerryProcess.runSplit("forms-ignored", env, concat(form, "sync", "-v"));

        assertThat(dry.stdout()).contains("ignored: " + skipped + " (");
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.stdout());
        assertThat(doc.path("ignored").findValuesAsText("path")).containsExactly(skipped);
        assertThat(doc.path("ignored").get(0).path("reason").asText()).isNotEmpty();
        assertThat(plain.exitCode()).as(plain.log()).isZero();
        assertThat(plain.stdout()).doesNotContain("ignored: ").contains("ignored 1");
        assertThat(verbose.stdout()).contains("ignored: " + skipped + " (");
    }

    private static String[] concat(String[] form, String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(form));
        return all.toArray(String[]::new);
    }

    @Test
    void deleteJsonListsEachDeletedObjectAndItsDryRunCountsThem() throws IOException {
        write("keep.txt", "keep");
        write("gone.txt", "gone");
        assertThat(ferry("sync", dir.toString(), "s3://backup/p").exitCode()).isZero();
        Files.delete(dir.resolve("gone.txt"));

        FerryProcess dry = FerryProcess.runSplit("forms-json", env, "sync", "--json", "--dry-run", "--delete",
                "--max-delete-percent", "100", dir.toString(), "s3://backup/p");
        FerryProcess real = FerryProcess.runSplit("forms-json", env, "sync", "--json", "--delete",
                "--max-delete-percent", "100", dir.toString(), "s3://backup/p");

        assertThat(dry.exitCode()).as(dry.log()).isZero();
        var dryDoc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dry.stdout());
        assertThat(dryDoc.path("files").path("wouldDelete").asLong()).isEqualTo(1);
        assertThat(dryDoc.path("wouldDelete").get(0).asText()).isEqualTo("s3://backup/p/gone.txt");
        assertThat(real.exitCode()).as(real.log()).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(real.stdout());
        assertThat(doc.path("files").path("deleted").asLong()).isEqualTo(1);
        assertThat(doc.path("deleted").size()).isEqualTo(1);
        assertThat(doc.path("deleted").get(0).asText()).isEqualTo("s3://backup/p/gone.txt");
        assertThat(s3.listKeys("backup")).containsExactly("p/keep.txt");
    }

    @Test
    void checksumComparesWithS3AndPutsBackAnObjectDeletedThere() throws IOException {
        write("a.txt", "a");
        write("b.txt", "b");
        assertThat(ferry("sync", dir.toString(), "s3://backup/p").exitCode()).isZero();
        s3.client().deleteObject(b -> b.bucket("backup").key("p/b.txt"));

        FerryProcess p = ferry("sync", "--checksum", dir.toString(), "s3://backup/p");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(s3.readObject("backup", "p/b.txt")).contains("b");
        assertThat(p.log()).contains("added 1, updated 0, unchanged 1");
    }

    @Test
    void verifyReportsADifferenceWithExit1AndSizeOnlyComparesSizesAlone() throws IOException {
        write("same.txt", "same");
        write("planted.txt", "original");
        assertThat(ferry("sync", dir.toString(), "s3://backup/host1").exitCode()).isZero();
        FerryProcess clean = ferry("verify", dir.toString(), "s3://backup/host1");
        assertThat(clean.exitCode()).as(clean.log()).isZero();
        assertThat(clean.log()).contains("verified: every file is in S3");

        s3.client().putObject(b -> b.bucket("backup").key("host1/planted.txt"), RequestBody.fromString("ORIGINAL"));
        FerryProcess checksum = ferry("verify", "--checksum", dir.toString(), "s3://backup/host1");
        FerryProcess sizeOnly = ferry("verify", "--size-only", dir.toString(), "s3://backup/host1");

        assertThat(checksum.exitCode()).as(checksum.log()).isEqualTo(1);
        assertThat(checksum.log()).contains("differs: host1/planted.txt").doesNotContain("same.txt (");
        assertThat(sizeOnly.exitCode()).as(sizeOnly.log()).isZero(); // same size: --size-only cannot see it
        assertThat(s3.readObject("backup", "host1/planted.txt")).contains("ORIGINAL");
    }

    @Test
    void progressShowsTheBarWhenOutputIsNotATerminal() throws IOException {
        write("a.txt", "a");
        write("b.txt", "b");

        FerryProcess p = ferry("sync", "--progress", dir.toString(), "s3://backup/p");
        FerryProcess quiet = ferry("sync", dir.toString(), "s3://backup/q");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.log()).contains("2/2");
        assertThat(quiet.log()).doesNotContain("2/2");
    }

    @Test
    void credentialsComeFromAnAwsProfileAndSizeOnlyPutsBackAMissingObject() throws IOException {
        Path credentials = tmp.resolve("credentials");
        Files.writeString(credentials, "[backup]\naws_access_key_id = " + s3.accessKey() + "\naws_secret_access_key = "
                + s3.secretKey() + "\n");
        Files.setPosixFilePermissions(credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_CONFIG_FILE", tmp.resolve("no-config").toString());
        env.put("AWS_PROFILE", "backup");
        write("a.txt", "a");
        write("b.txt", "b");
        assertThat(ferry("sync", dir.toString(), "s3://backup/p").exitCode()).isZero();
        s3.client().deleteObject(b -> b.bucket("backup").key("p/a.txt"));

        FerryProcess p = ferry("sync", "--size-only", "--no-progress", dir.toString(), "s3://backup/p");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(s3.readObject("backup", "p/a.txt")).contains("a");
        assertThat(p.log()).contains("added 1, updated 0, unchanged 1").doesNotContain("1/1");

        env.put("AWS_PROFILE", "nosuchprofile");
        write("c.txt", "c"); // something to upload, so S3 is asked
        FerryProcess refused = ferry("sync", dir.toString(), "s3://backup/p");
        assertThat(refused.exitCode()).as(refused.log()).isEqualTo(1);
        assertThat(refused.log()).contains("no credentials found");
    }
}
