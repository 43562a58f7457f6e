package dev.ferry.state;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite state file written by the release that keyed records by path alone (schema 2, made by that release's
 * own code: src/test/resources/legacy/README.md) opens with every record kept, now this instance's; and a file
 * opened under a new instance id adopts the records of the one instance it held.
 */
class LegacySqliteStoreTest {

    private static final InstanceId HOST = new InstanceId("cam-host-1");

    @TempDir
    Path dir;
    private ListAppender<ILoggingEvent> logs;
    private Logger adoption;

    @BeforeEach
    void captureLogs() {
        adoption = (Logger) LoggerFactory.getLogger(SqliteAdoption.class);
        logs = new ListAppender<>();
        logs.start();
        adoption.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        adoption.detachAppender(logs);
    }

    private Path legacyCopy() throws Exception {
        Path db = dir.resolve("ferry.db");
        try (InputStream in = LegacyRecords.stream("ferry-v2.db")) {
            Files.copy(in, db);
        }
        return db;
    }

    @Test
    void opensAFileOfThePathKeyedReleaseWithEveryRecord() throws Exception {
        Path db = legacyCopy();
        List<FileRecord> expected = LegacyRecords.expected(HOST.value());
        assertThat(expected).hasSize(48);

        try (SqliteStateStore store = SqliteStateStore.open(db, HOST)) {
            Map<RecordId, FileRecord> found = store.getAll(expected.stream().map(FileRecord::id).toList());
            assertThat(found).hasSize(expected.size());
            for (FileRecord r : expected) {
                assertThat(found.get(r.id())).as(r.path()).isEqualTo(r);
            }
            assertThat(store.list(FileStatus.FAILED, 0, 100)).extracting(FileRecord::path)
                    .containsExactly("/srv/watch/scans/page one.pdf", "/srv/watch/scans/too-long.bin");
            assertThat(store.countByBucket().get("photos").get(FileStatus.UPLOADED)).isEqualTo(41L);
            assertThat(store.recordsOf(HOST.value(), "/srv/watch/at-root.txt")).extracting(FileRecord::bucket)
                    .containsExactly("");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
            assertThat(scalar(s, "SELECT count(*) FROM files WHERE source = 'cam-host-1'")).isEqualTo("48");
            assertThat(scalar(s, "SELECT count(*) FROM files")).isEqualTo("48");
        }
    }

    /**
     * The release before records kept their object's storage class (schema 3, ferry-v3.db, written by that release's
     * {@code SqliteStateStore.putAll} from records.tsv under cam-host-1): every record back, its class not known.
     */
    @Test
    void opensAFileOfTheReleaseBeforeStorageClassesWithEveryRecord() throws Exception {
        Path db = dir.resolve("ferry.db");
        try (InputStream in = LegacyRecords.stream("ferry-v3.db")) {
            Files.copy(in, db);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA user_version")).isEqualTo("3");
        }
        List<FileRecord> expected = LegacyRecords.expected(HOST.value());

        try (SqliteStateStore store = SqliteStateStore.open(db, HOST)) {
            Map<RecordId, FileRecord> found = store.getAll(expected.stream().map(FileRecord::id).toList());
            assertThat(found).hasSize(48);
            for (FileRecord r : expected) {
                assertThat(found.get(r.id())).as(r.path()).isEqualTo(r);
                assertThat(found.get(r.id()).storageClass()).isEmpty();
            }
            FileRecord photo = found.get(new RecordId(HOST.value(), "/srv/watch/photos/old.jpg", "photos"));
            FileRecord uploaded = photo.uploaded("photos", "old.jpg", photo.stat(), "", "e", "GLACIER",
                    photo.updatedAt());
            store.put(uploaded);
            assertThat(store.get(photo.id())).contains(uploaded);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
            assertThat(scalar(s, "SELECT count(*) FROM files")).isEqualTo("48");
        }
    }

    @Test
    void aMigratedFileTakesASecondDestinationOfTheSamePath() throws Exception {
        try (SqliteStateStore store = SqliteStateStore.open(legacyCopy(), HOST)) {
            FileRecord photo = store.get(new RecordId(HOST.value(), "/srv/watch/photos/old.jpg", "photos")).orElseThrow();
            FileRecord mirror = FileRecord.pending(HOST.value(), photo.path(), "photos-mirror", "old.jpg",
                    photo.stat(), photo.updatedAt());
            store.put(mirror);
            assertThat(store.recordsOf(HOST.value(), photo.path())).containsExactly(photo, mirror);
        }
    }

    @Test
    void anotherInstanceIdAdoptsTheRecordsOfTheOneInstanceTheFileHolds() throws Exception {
        Path db = legacyCopy();
        try (SqliteStateStore store = SqliteStateStore.open(db, HOST)) {
            assertThat(store.countByBucket()).isNotEmpty();
        }
        InstanceId recreated = new InstanceId("3f9c2a7b1d0e"); // a container created again: a new host name
        try (SqliteStateStore store = SqliteStateStore.open(db, recreated)) {
            List<FileRecord> expected = LegacyRecords.expected(recreated.value());
            assertThat(store.getAll(expected.stream().map(FileRecord::id).toList())).hasSize(48);
            assertThat(store.list(FileStatus.FAILED, 0, 100)).hasSize(2);
        }
        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("INFO");
            assertThat(e.getFormattedMessage()).contains("48 records", "'cam-host-1'", "'3f9c2a7b1d0e'");
        });
    }

    @Test
    void recordsOfSeveralOtherInstancesAreLeftWithAWarning() throws Exception {
        Path db = dir.resolve("shared.db");
        try (SqliteStateStore store = SqliteStateStore.open(db, new InstanceId("host-b"))) {
            store.putAll(List.of(
                    FileRecord.pending("host-b", "/w/b/1", "b", "1", new dev.ferry.core.FileStat(1, 1),
                            java.time.Instant.EPOCH),
                    FileRecord.pending("host-b", "/w/b/2", "b", "2", new dev.ferry.core.FileStat(1, 1),
                            java.time.Instant.EPOCH),
                    FileRecord.pending("host-c", "/w/b/3", "b", "3", new dev.ferry.core.FileStat(1, 1),
                            java.time.Instant.EPOCH)));
        }
        // now: host-b's two records; host-c's one. Opened as host-d: two other instances, none adopted
        logs.list.clear();
        try (SqliteStateStore store = SqliteStateStore.open(db, new InstanceId("host-d"))) {
            assertThat(store.countByBucket()).isEmpty();
            assertThat(store.recordsOf("host-b", "/w/b/1")).hasSize(1);
            assertThat(store.recordsOf("host-c", "/w/b/3")).hasSize(1);
        }
        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
            assertThat(e.getFormattedMessage()).contains("host-b", "host-c", "'host-d'", "INSTANCE_ID");
        });
    }

    private static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
