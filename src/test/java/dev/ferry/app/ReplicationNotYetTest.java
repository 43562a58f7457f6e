package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Until the engine runs replicate: jobs, a daemon or a one-shot run given some refuses to start (exit 2) instead
 * of starting without them.
 */
class ReplicationNotYetTest {
    private static final String SECRET = "ReplicaSecretValue99";

    @TempDir
    Path tmp;

    private int run(PrintStream err, String... args) {
        return Main.run(args, Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), err);
    }

    @Test
    void aConfigWithReplicateJobsIsRefusedAtStartWithExit2() throws IOException {
        Files.createDirectories(tmp.resolve("drop"));
        Path file = Files.writeString(tmp.resolve("ferry.yml"), "watch_path: " + tmp.resolve("drop") + "\nport: 0\n"
                + "replicate:\n  - name: photos\n    source: {bucket: srcbucket, access_key: AKIA1, secret_access_key: "
                + SECRET + "}\n    destinations: [{bucket: dstbucket}]\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = run(new PrintStream(err, true, StandardCharsets.UTF_8), "--config", file.toString(),
                "--skip-fullsync", "--fullsync.interval=60");

        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
        assertThat(text).contains("nothing was started").contains("replicate: 1 job (photos)")
                .contains("not in this release yet").doesNotContain(SECRET);
        assertThat(tmp.resolve("state").resolve("ferry.db")).doesNotExist();
    }

    @Test
    void aOneShotSyncOfTheFileIsRefusedToo() throws IOException {
        Files.createDirectories(tmp.resolve("site"));
        Path file = Files.writeString(tmp.resolve("ferry.yml"), "sites:\n  - local_path: site\n    bucket: sitebucket\n"
                + "replicate:\n  - source: {bucket: srcbucket}\n    destinations: [{bucket: dstbucket}]\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = run(new PrintStream(err, true, StandardCharsets.UTF_8), "sync", "--config", file.toString());

        assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("replicate: 1 job (srcbucket)");
    }
}
