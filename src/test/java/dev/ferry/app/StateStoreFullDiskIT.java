package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.state.SqliteStateStore;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The disk holding the SQLite state store full (a small tmpfs filled up): uploads go on, /status says
 * SQLITE_FULL (not an error of the clean-up that followed it), and once there is room again the records
 * catch up without a restart. Needs permission to mount a tmpfs (root); skipped otherwise, with the reason.
 */
class StateStoreFullDiskIT extends DaemonTestBase {

    @Test
    void aFullDiskShowsAsSqliteFullAndTheStoreRecoversOnceThereIsRoom() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        String refused = mount(disk);
        Assumptions.assumeTrue(refused.isEmpty(), () -> "cannot mount a tmpfs here: " + refused);
        Path filler = disk.resolve("filler");
        try {
            FerryProcess.shareWithDaemon(disk);
            Map<String, String> env = FerryProcess.baseEnv(watch, disk, s3);
            ferry = FerryProcess.start("store-full-disk", env);
            await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
            fill(filler);

            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                files.add(write("full/f" + i + ".txt", "file " + i + " " + "x".repeat(2000)));
            }
            await("every file in S3").atMost(DEADLINE).until(() -> s3.listKeys("full").size() == files.size());
            await("the full disk in /status").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                    .until(() -> !store().path("reachable").asBoolean());
            assertThat(store().path("lastError").asText()).contains("SQLITE_FULL").doesNotContain("no transaction");
            assertThat(ferry.status().path("ready").asBoolean()).isFalse();

            Files.delete(filler);
            await("the records catch up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> store().path("reachable").asBoolean() && store().path("pendingWrites").asInt() == 0);
            try (SqliteStateStore db = SqliteStateStore.open(disk.resolve("ferry.db"))) {
                for (Path f : files) {
                    assertThat(db.recordsOf(db.instance().value(), f.toString()).stream().findFirst()).as(f.toString()).map(FileRecord::status)
                            .contains(FileStatus.UPLOADED);
                }
            }
        } finally {
            if (ferry != null) {
                ferry.close();
                ferry = null;
            }
            run("umount", disk.toString());
        }
    }

    private JsonNode store() {
        return ferry.status().path("store");
    }

    /** Fills the disk to the last byte. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // no space left: what was wanted
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 64 * 1024; i++) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // the last bytes too
        }
    }

    /** Mounts an 8 MiB tmpfs on dir; "" when done, else why not. */
    private static String mount(Path dir) throws Exception {
        return run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0777", "tmpfs", dir.toString());
    }

    private static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? "" : (String.join(" ", command) + ": " + out.trim());
    }
}
