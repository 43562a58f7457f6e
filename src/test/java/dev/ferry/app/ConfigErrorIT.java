package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration stops the daemon before anything starts, with a message that names the key. */
class ConfigErrorIT {
    @TempDir
    Path tmp;

    @Test
    void aBadValueExitsNonZeroNamingTheKey() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WATCH_PATH", tmp.toString());
        env.put("STATE_DIR", tmp.resolve("state").toString());
        env.put("CONCURRENCY", "lots");
        env.put("AWS_SECRET", "do-not-print-me");
        env.put("AWS_KEY", "AKIAEXAMPLE");
        FerryProcess p = FerryProcess.run("config-error", env);
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("CONCURRENCY").contains("lots").doesNotContain("do-not-print-me");
    }

    @Test
    void aMissingWatchPathExitsNonZeroAndExplainsWhyPathIsNotRead() {
        FerryProcess p = FerryProcess.run("config-missing", Map.of("STATE_DIR", tmp.resolve("state").toString()));
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("WATCH_PATH");
    }

    @Test
    void anUnknownYamlKeyIsNamed() throws Exception {
        Path yml = tmp.resolve("ferry.yml");
        java.nio.file.Files.writeString(yml, "watch_path: " + tmp + "\nconcurency: 3\n");
        FerryProcess.shareWithDaemon(tmp);
        FerryProcess p = FerryProcess.run("config-yaml", Map.of("STATE_DIR", tmp.resolve("state").toString()),
                "--config", yml.toString());
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("concurency").contains("concurrency");
    }
}
