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

/** A bad seed 004 config.txt stops {@code ferry --config} and {@code ferry sync --config} with exit 2, before anything. */
class ConfigTxtMainTest {
    private static final String SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";

    @TempDir
    Path tmp;

    private String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anUnknownKeyOrABadValueNamesTheKeyAndLineAndExitsTwo() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path config = Files.writeString(tmp.resolve("config.txt"), "aws_access_key=AKIAIOSFODNN7EXAMPLE\n"
                + "aws_secret_key=" + SECRET + "\nlocal_dir=" + data + "\nbucket_name=backups\n"
                + "sync_intervall=5m\nsync_marker_file=a/b\n");

        for (String[] r : new String[][] {run("--config", config.toString()), run("sync", "--config", config.toString())}) {
            assertThat(r[0]).isEqualTo(Integer.toString(Main.EXIT_CONFIG));
            assertThat(r[2]).contains("nothing was started")
                    .contains("sync_intervall (" + config + " line 5): unknown key; did you mean 'sync_interval'?")
                    .contains("sync_marker_file (" + config + " line 6): must be a file name")
                    .doesNotContain(SECRET);
            assertThat(Files.exists(tmp.resolve("state"))).as("nothing started").isFalse();
        }
    }

    @Test
    void s3syncsConfigJsIsOneClearProblemAndExitsTwo() throws IOException {
        Path config = Files.writeString(tmp.resolve("config.js"), "module.exports = {\n  replicate: []\n};\n");

        String[] r = run("--config", config.toString());

        assertThat(r[0]).isEqualTo(Integer.toString(Main.EXIT_CONFIG));
        assertThat(r[2]).contains("Ferry does not read").contains("replicate:").doesNotContain("unknown key")
                .doesNotContain("line 2");
        assertThat(Files.exists(tmp.resolve("state"))).as("nothing started").isFalse();
    }
}
