package dev.ferry.state;

import dev.ferry.testing.TestIds;
import dev.ferry.core.FileRecord;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static dev.ferry.core.FileStatus.FAILED;
import static dev.ferry.core.FileStatus.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStateStoreTest extends StateStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StateStore openStore() {
        return SqliteStateStore.open(dir.resolve("state.db"), TestIds.INSTANCE);
    }

    @Test
    void takesTheSmallestPathListThatHoldsTheBatch() {
        assertThat(SqliteStateStore.listSizeIndex(1)).isZero();
        assertThat(SqliteStateStore.LIST_SIZES[SqliteStateStore.listSizeIndex(2)]).isEqualTo(50);
        assertThat(SqliteStateStore.LIST_SIZES[SqliteStateStore.listSizeIndex(50)]).isEqualTo(50);
        assertThat(SqliteStateStore.LIST_SIZES[SqliteStateStore.listSizeIndex(51)]).isEqualTo(SqliteStateStore.CHUNK);
        assertThat(SqliteStateStore.LIST_SIZES[SqliteStateStore.listSizeIndex(SqliteStateStore.CHUNK)])
                .isEqualTo(SqliteStateStore.CHUNK);
    }

    @Test
    void createsTheFileAndItsParentFolders() {
        Path db = dir.resolve("deep/er/ferry-state/state.db");
        try (SqliteStateStore s = SqliteStateStore.open(db, TestIds.INSTANCE)) {
            s.put(record("/a", "b", UPLOADED));
            assertThat(s.location()).isEqualTo(db.toAbsolutePath().toString());
        }
        assertThat(db).isRegularFile();
    }

    @Test
    void keepsRecordsAcrossCloseAndReopen() {
        Path db = dir.resolve("state.db");
        store.close();
        List<FileRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            records.add(record("/r/" + i, "b", i % 2 == 0 ? UPLOADED : FAILED));
        }
        try (SqliteStateStore s = SqliteStateStore.open(db, TestIds.INSTANCE)) {
            s.putAll(records);
        }
        try (SqliteStateStore s = SqliteStateStore.open(db, TestIds.INSTANCE)) {
            assertThat(s.getAll(records.stream().map(FileRecord::id).toList())).hasSize(1_500);
            assertThat(s.get(TestIds.id("/r/7", "b"))).contains(records.get(7));
        }
    }

    @Test
    void usesWalAndRecordsTheSchemaVersion() throws Exception {
        store.put(record("/a", "b", UPLOADED));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
             Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(scalar(s, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
            assertThat(scalar(s, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index'"))
                    .contains("files_status_path", "files_bucket_status");
            assertThat(scalar(s, "SELECT uploaded_at IS NULL FROM files WHERE path = '/a'")).isEqualTo("0");
        }
    }

    /** A file written by the release before ctime and inode were kept (schema 1) opens with every row kept. */
    @Test
    void opensAFileOfTheFirstSchemaKeepingEveryRecord() throws Exception {
        store.close();
        Path db = dir.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE files (path TEXT NOT NULL PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,"
                    + " status TEXT NOT NULL, size INTEGER NOT NULL, mtime_millis INTEGER NOT NULL,"
                    + " checksum TEXT NOT NULL, etag TEXT NOT NULL, attempts INTEGER NOT NULL, reason TEXT NOT NULL,"
                    + " permanent INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                    + " uploaded_at INTEGER)");
            s.execute("CREATE INDEX files_status_path ON files (status, path)");
            s.execute("CREATE INDEX files_bucket_status ON files (bucket, status)");
            s.execute("INSERT INTO files VALUES ('/w/b/a.txt', 'b', 'a.txt', 'UPLOADED', 5, 1714979289123,"
                    + " '0123456789abcdef0123456789abcdef', 'etag-a', 0, '', 0, 1714979289000, 1714979289500,"
                    + " 1714979289500)");
            s.execute("INSERT INTO files VALUES ('/w/b/f.txt', 'b', 'f.txt', 'FAILED', 7, 1714979289124, '', '', 2,"
                    + " 'slow down', 0, 1714979289000, 1714979289600, NULL)");
            s.execute("PRAGMA user_version = 1");
        }
        FileRecord uploaded = new FileRecord(TestIds.SOURCE, "/w/b/a.txt", "b", "a.txt", UPLOADED, 5, 1_714_979_289_123L,
                "0123456789abcdef0123456789abcdef", "etag-a", 0, "", false, java.time.Instant.ofEpochMilli(1714979289000L),
                java.time.Instant.ofEpochMilli(1714979289500L),
                java.util.Optional.of(java.time.Instant.ofEpochMilli(1714979289500L)));
        try (SqliteStateStore s = SqliteStateStore.open(db, TestIds.INSTANCE)) {
            assertThat(s.get(TestIds.id("/w/b/a.txt", "b"))).contains(uploaded);
            assertThat(s.get(TestIds.id("/w/b/a.txt", "b")).orElseThrow().stat().knowsIdentity()).isFalse();
            assertThat(s.get(TestIds.id("/w/b/f.txt", "b"))).hasValueSatisfying(r -> {
                assertThat(r.status()).isEqualTo(FAILED);
                assertThat(r.reason()).isEqualTo("slow down");
                assertThat(r.attempts()).isEqualTo(2);
            });
            FileRecord known = uploaded.withIdentity(new dev.ferry.core.FileStat(5, 1_714_979_289_123L,
                    1_714_979_289_123_456_789L, 4242L), "", uploaded.updatedAt());
            s.put(known);
            assertThat(s.get(TestIds.id("/w/b/a.txt", "b"))).contains(known);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA user_version")).isEqualTo(String.valueOf(SqliteSchema.VERSION));
            assertThat(scalar(s, "SELECT count(*) FROM files")).isEqualTo("2");
        }
    }

    @Test
    void refusesAFileWrittenByANewerSchema() throws Exception {
        store.close();
        Path db = dir.resolve("newer.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (SqliteSchema.VERSION + 1));
        }
        assertThatThrownBy(() -> SqliteStateStore.open(db, TestIds.INSTANCE))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("open")
                .hasMessageContaining("newer");
    }

    @Test
    void namesTheOperationAndFileWhenItCannotOpen() throws Exception {
        Path notADb = dir.resolve("garbage.db");
        Files.writeString(notADb, "this is not a database, just some text that is long enough to be a header");
        assertThatThrownBy(() -> SqliteStateStore.open(notADb, TestIds.INSTANCE))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(notADb.toString())
                .hasMessageContaining("open failed");
    }

    @Test
    void namesTheOperationAndFileOnceClosed() {
        store.close();
        assertThatThrownBy(() -> store.getAll(List.of(TestIds.id("/a", "b"))))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("getAll")
                .hasMessageContaining(dir.resolve("state.db").toString());
    }

    private static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
