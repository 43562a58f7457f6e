package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Ferry processes on one SQLite state folder would each upload what the other has not recorded yet: the
 * second is refused before it starts, naming the first, and the folder is free again once the first is gone,
 * also after kill -9.
 */
class StateFolderLockIT {
    @TempDir
    Path tmp;

    @Test
    void aSecondProcessOnTheSameStateFolderIsRefusedUntilTheFirstIsGone() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, watch, state);
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            try (FerryProcess first = FerryProcess.start("lock-first", env)) {
                Map<String, String> second = new java.util.LinkedHashMap<>(env);
                second.put("PORT", "0");
                FerryProcess refused = FerryProcess.runSplit("lock-second", second, "sync", "--json");

                assertThat(refused.exitCode()).as("nothing was started: exit 2, " + refused.stderr()).isEqualTo(2);
                assertThat(refused.stderr()).contains(state.toString()).contains("in use by another Ferry process")
                        .contains("pid " + first.pid()).contains("nothing was started");
                com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(refused.stdout()); // a script reading stdout gets its document
                assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
                assertThat(doc.get("error").asText()).contains("in use by another Ferry process");

                first.kill9();
            }
            FerryProcess after = FerryProcess.run("lock-after", env, "sync");
            assertThat(after.exitCode()).as(after.log()).isZero();
        }
    }

    @Test
    void verifyAndADryRunReadTheStateFolderOfARunningDaemonAndWriteNothing() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("watch"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.createDirectories(watch.resolve("photos"));
        Files.writeString(watch.resolve("photos/a.jpg"), "a");
        FerryProcess.shareWithDaemon(tmp, watch, state, watch.resolve("photos"));
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            try (FerryProcess daemon = FerryProcess.start("lock-daemon", env)) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> s3.readObject("photos", "a.jpg").equals(java.util.Optional.of("a")));
                Map<String, String> beside = new java.util.LinkedHashMap<>(env);
                beside.put("PORT", "0");

                FerryProcess verify = FerryProcess.run("lock-verify", beside, "verify");
                FerryProcess dry = FerryProcess.run("lock-dry-run", beside, "sync", "--dry-run");

                assertThat(verify.exitCode()).as(verify.log()).isZero();
                assertThat(verify.log()).contains("verified: every file is in S3");
                assertThat(dry.exitCode()).as(dry.log()).isZero();
                assertThat(daemon.alive()).isTrue();
            }
        }
    }
}
