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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SQLite state store refusing writes while the daemon runs (a read-only file, a full disk): uploads go
 * on at full speed, /status says what is wrong, the store recovers without a restart once the cause is
 * fixed, and no file is uploaded twice, neither after a clean stop nor after a kill -9 during the outage.
 */
class StateStoreOutageIT extends DaemonTestBase {
    private static final Pattern UPLOADED = Pattern.compile(" - (\\S+): uploaded \\d+ bytes");

    @Test
    void aReadOnlyStoreShowsAsRefusingWritesFromTheStartBeforeAnyWrite() throws Exception {
        readOnlyStore();
        ferry = FerryProcess.start("store-readonly-start", FerryProcess.baseEnv(watch, state, s3));

        await("the read-only store in /status").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> !store().path("reachable").asBoolean() && lastStoreError().contains("READONLY"));
        assertThat(ferry.status().path("ready").asBoolean()).isFalse();
        assertThat(ferry.get("/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void uploadsGoOnAtFullSpeedWhileTheStoreRefusesWrites() throws Exception {
        readOnlyStore();
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("CONCURRENCY", "5");
        ferry = FerryProcess.start("store-readonly-speed", env);
        write("speed/first.txt", "creates the bucket and warms up the S3 client");
        await("the first file in S3").atMost(DEADLINE).until(() -> s3.listKeys("speed").size() == 1);

        int files = 100;
        long started = System.nanoTime();
        for (int i = 0; i < files; i++) {
            write("speed/f" + i + ".txt", "file " + i);
        }
        // Waiting 5 s (the durable wait) for each "uploading" mark the store cannot take made this at least
        // 100 x 5 s / 5 workers = 100 s; half of that leaves room for a loaded machine.
        await("every file in S3").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.listKeys("speed").size() == files + 1);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("100 files, 5 workers, the store refusing writes").isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void aReadOnlyStoreRecoversWithoutARestartOnceWritable() throws Exception {
        readOnlyStore();
        ferry = FerryProcess.start("store-readonly-recovers", FerryProcess.baseEnv(watch, state, s3));
        List<Path> files = writeFiles("recover", 10);
        await("every file in S3").atMost(DEADLINE).until(() -> s3.listKeys("recover").size() == files.size());
        await().atMost(DEADLINE).until(() -> !store().path("reachable").asBoolean());

        writableStore();
        await("the store takes the pending records").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> store().path("reachable").asBoolean() && store().path("pendingWrites").asInt() == 0);
        assertThat(ferry.status().path("ready").asBoolean()).isTrue();
        for (Path f : files) {
            assertThat(record(f)).as(f.toString()).map(FileRecord::status).contains(FileStatus.UPLOADED);
        }
    }

    @Test
    void aCleanStopWithTheStoreBackWritesThePendingRecords() throws Exception {
        readOnlyStore();
        ferry = FerryProcess.start("store-readonly-stop", FerryProcess.baseEnv(watch, state, s3));
        List<Path> files = writeFiles("stop", 20);
        await("every file in S3").atMost(DEADLINE).until(() -> s3.listKeys("stop").size() == files.size());
        await().atMost(DEADLINE).until(() -> store().path("pendingWrites").asInt() >= files.size());

        writableStore();
        assertThat(ferry.stop()).isZero();
        for (Path f : files) {
            assertThat(record(f)).as(f.toString()).map(FileRecord::status).contains(FileStatus.UPLOADED);
        }
        assertThat(ferry.log()).doesNotContain("could not be written");
    }

    @Test
    void aKillDuringAnOutageThenARestartWithTheStoreBackUploadsNothingAgain() throws Exception {
        readOnlyStore();
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        ferry = FerryProcess.start("store-outage-kill", env);
        List<Path> files = writeFiles("killed", 30);
        await("every file in S3").atMost(DEADLINE).until(() -> s3.listKeys("killed").size() == files.size());
        ferry.kill9();
        String firstLog = ferry.log();
        ferry.close();

        writableStore();
        ferry = FerryProcess.start("store-outage-restart", env);
        await("every file recorded as uploaded").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> files.stream().allMatch(f -> record(f).map(FileRecord::status)
                        .filter(FileStatus.UPLOADED::equals).isPresent()));
        Map<String, Long> puts = countUploads(firstLog + ferry.log());
        assertThat(puts).hasSize(files.size());
        assertThat(puts.values()).as("PUTs per key").allMatch(n -> n == 1);
    }

    private List<Path> writeFiles(String bucket, int count) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(write(bucket + "/f" + i + ".txt", bucket + " file " + i));
        }
        return files;
    }

    /** An existing state file the daemon may read but not write (created here, then made read-only). */
    private void readOnlyStore() throws IOException {
        SqliteStateStore.open(state.resolve("ferry.db")).close();
        chmodStore("r--r--r--");
    }

    /** What an operator does to fix it: the state file and its -wal and -shm files writable again. */
    private void writableStore() throws IOException {
        chmodStore("rw-rw-rw-");
    }

    private void chmodStore(String mode) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(state, "ferry.db*")) {
            for (Path f : files) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
            }
        }
    }

    private JsonNode store() {
        return ferry.status().path("store");
    }

    private String lastStoreError() {
        return store().path("lastError").asText("");
    }

    static Map<String, Long> countUploads(String log) {
        Map<String, Long> counts = new HashMap<>();
        Matcher m = UPLOADED.matcher(log);
        while (m.find()) {
            counts.merge(m.group(1), 1L, Long::sum);
        }
        return counts;
    }
}
