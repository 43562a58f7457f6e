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
 * Until the daemon follows SQS queues, a daemon given a replicate: job with sqs: refuses to start (exit 2) instead
 * of starting without following it.
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
    void aConfigWithAnSqsReplicateJobIsRefusedAtStartWithExit2() throws IOException {
        Files.createDirectories(tmp.resolve("drop"));
        Path file = Files.writeString(tmp.resolve("ferry.yml"), "watch_path: " + tmp.resolve("drop") + "\nport: 0\n"
                + "replicate:\n  - name: photos\n    source: {bucket: srcbucket, access_key: AKIA1, secret_access_key: "
                + SECRET + "}\n    destinations: [{bucket: dstbucket}]\n    sqs: {url: \"https://sqs.us-west-2.amazonaws.com/1/q\", "
                + "region: us-west-2}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = run(new PrintStream(err, true, StandardCharsets.UTF_8), "--config", file.toString(),
                "--skip-fullsync", "--fullsync.interval=60");

        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
        assertThat(text).contains("nothing was started").contains("replicate: 1 job (photos)")
                .contains("SQS event mode is not in this release yet").doesNotContain(SECRET);
        assertThat(tmp.resolve("state").resolve("ferry.db")).doesNotExist();
    }
}
