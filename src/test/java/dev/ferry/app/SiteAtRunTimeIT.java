package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.SiteConfig;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One site started and stopped while the daemon runs, the others untouched (the control plane changes sites
 * so). In process, against S3Proxy over a real socket.
 */
class SiteAtRunTimeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    S3ProxyServer s3;
    Daemon daemon;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        s3 = S3ProxyServer.start();
        env = FerryProcess.sitesEnv(Files.createDirectories(tmp.resolve("state")), s3);
        env.put("PORT", "0");
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.stop();
        }
        s3.close();
    }

    @Test
    void aSiteStartedWhileRunningIsCarriedAndAStoppedOneNoLongerIsWhileTheOtherGoesOn() throws Exception {
        Path kept = Files.createDirectories(tmp.resolve("kept"));
        Path added = Files.createDirectories(tmp.resolve("added"));
        Files.writeString(added.resolve("before.txt"), "there before the site started");
        daemon = Daemon.start(config("kept", kept, "kept-bucket"), Clock.systemUTC());
        Files.writeString(kept.resolve("a.txt"), "first");
        awaitObject("kept-bucket", "kept/a.txt", "first");

        SiteConfig site = config("added", added, "added-bucket").sites().get(0);
        daemon.startSite(site);
        awaitObject("added-bucket", "added/before.txt", "there before the site started"); // its first sweep
        Files.writeString(added.resolve("watched.txt"), "seen by its watcher");
        awaitObject("added-bucket", "added/watched.txt", "seen by its watcher");
        assertThat(daemon.status().buckets()).containsKeys("kept", "added");
        assertThatThrownBy(() -> daemon.startSite(site)).hasMessageContaining("added");

        assertThat(daemon.stopSite("added", Duration.ofSeconds(5))).isTrue();
        assertThat(daemon.stopSite("added", Duration.ofSeconds(5))).as("stopped already").isFalse();
        assertThat(daemon.status().buckets()).containsKey("kept").doesNotContainKey("added");
        Files.writeString(added.resolve("after-stop.txt"), "not carried");
        Files.writeString(kept.resolve("b.txt"), "the other site goes on");
        awaitObject("kept-bucket", "kept/b.txt", "the other site goes on");
        assertThat(s3.readObject("added-bucket", "added/after-stop.txt")).isEmpty();

        daemon.startSite(site); // again: its first sweep finds what changed while it was stopped
        awaitObject("added-bucket", "added/after-stop.txt", "not carried");
    }

    private FerryConfig config(String name, Path folder, String bucket) throws IOException {
        Path file = tmp.resolve(name + ".yml");
        Files.writeString(file, """
                sites:
                - name: %s
                  local_path: %s
                  bucket: %s
                  bucket_path: %s
                """.formatted(name, folder, bucket, name));
        return FerryConfig.load(env, Map.of(), Optional.of(file));
    }

    private void awaitObject(String bucket, String key, String content) {
        await(bucket + "/" + key).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }
}
