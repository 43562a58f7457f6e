package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * The SQLite table, its migrations and the mapping between a row and a {@link FileRecord}. The schema
 * version lives in {@code PRAGMA user_version}: 0 is an empty file, each migration raises it by one.
 * Version 2 added {@code ctime_nanos} and {@code inode}, NULL when not known (rows written by version 1).
 * Version 3 keys a row by (source, path, bucket) instead of the path alone: the table is copied into one with that
 * primary key, every existing row taking the source of the instance that opens it (a SQLite file is one
 * machine's), in the same transaction, so nothing is lost and a failed migration leaves version 2 as it was.
 * Version 4 added {@code storage_class}, the class Ferry asked for when it uploaded the object ("" for rows written
 * before: not known).
 */
final class SqliteSchema {

    /** The version this code writes and understands. */
    static final int VERSION = 4;

    static final String COLUMNS = "source, path, bucket, key, status, size, mtime_millis, checksum, etag, attempts, reason,"
            + " permanent, created_at, updated_at, uploaded_at, ctime_nanos, inode, storage_class";

    /** Upsert that keeps the original created_at of an existing row. */
    static final String UPSERT = "INSERT INTO files (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(source, path, bucket) DO UPDATE SET key = excluded.key,"
            + " status = excluded.status, size = excluded.size, mtime_millis = excluded.mtime_millis,"
            + " checksum = excluded.checksum, etag = excluded.etag, attempts = excluded.attempts,"
            + " reason = excluded.reason, permanent = excluded.permanent, updated_at = excluded.updated_at,"
            + " uploaded_at = excluded.uploaded_at, ctime_nanos = excluded.ctime_nanos, inode = excluded.inode,"
            + " storage_class = excluded.storage_class";

    private static final String[] V1 = {
        "CREATE TABLE IF NOT EXISTS files ("
                + " path TEXT NOT NULL PRIMARY KEY,"
                + " bucket TEXT NOT NULL,"
                + " key TEXT NOT NULL,"
                + " status TEXT NOT NULL,"
                + " size INTEGER NOT NULL,"
                + " mtime_millis INTEGER NOT NULL,"
                + " checksum TEXT NOT NULL,"
                + " etag TEXT NOT NULL,"
                + " attempts INTEGER NOT NULL,"
                + " reason TEXT NOT NULL,"
                + " permanent INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " updated_at INTEGER NOT NULL,"
                + " uploaded_at INTEGER)",
        // "all failed files" paged by path; the path column makes ORDER BY path use the index.
        "CREATE INDEX IF NOT EXISTS files_status_path ON files (status, path)",
        "CREATE INDEX IF NOT EXISTS files_bucket_status ON files (bucket, status)",
    };

    /** The inode change time and inode number of the version (NULL: not known). Existing rows are kept. */
    private static final String[] V2 = {
        "ALTER TABLE files ADD COLUMN ctime_nanos INTEGER",
        "ALTER TABLE files ADD COLUMN inode INTEGER",
    };

    /**
     * Version 3: the same columns with {@code source} first and the key (source, path, bucket); the indexes of the
     * listing queries lead with the source, since they list one instance's records.
     */
    private static final String[] V3_TABLE = {
        "CREATE TABLE files_v3 ("
                + " source TEXT NOT NULL,"
                + " path TEXT NOT NULL,"
                + " bucket TEXT NOT NULL,"
                + " key TEXT NOT NULL,"
                + " status TEXT NOT NULL,"
                + " size INTEGER NOT NULL,"
                + " mtime_millis INTEGER NOT NULL,"
                + " checksum TEXT NOT NULL,"
                + " etag TEXT NOT NULL,"
                + " attempts INTEGER NOT NULL,"
                + " reason TEXT NOT NULL,"
                + " permanent INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " updated_at INTEGER NOT NULL,"
                + " uploaded_at INTEGER,"
                + " ctime_nanos INTEGER,"
                + " inode INTEGER,"
                + " PRIMARY KEY (source, path, bucket))",
    };
    /** Copies every version-2 row, with the source bound as the only parameter. */
    private static final String V3_COPY = "INSERT INTO files_v3 (source, path, bucket, key, status, size,"
            + " mtime_millis, checksum, etag, attempts, reason, permanent, created_at, updated_at, uploaded_at,"
            + " ctime_nanos, inode) SELECT ?, path, bucket, key, status, size, mtime_millis, checksum, etag, attempts,"
            + " reason, permanent, created_at, updated_at, uploaded_at, ctime_nanos, inode FROM files";
    private static final String[] V3_SWAP = {
        "DROP TABLE files",
        "ALTER TABLE files_v3 RENAME TO files",
        "CREATE INDEX files_status_path ON files (source, status, path)",
        "CREATE INDEX files_bucket_status ON files (source, bucket, status)",
    };

    /** The storage class of the object as Ferry asked for it ("": not known). Existing rows are kept. */
    private static final String[] V4 = {
        "ALTER TABLE files ADD COLUMN storage_class TEXT NOT NULL DEFAULT ''",
    };

    private SqliteSchema() {
    }

    /**
     * Brings the schema of a freshly opened connection up to {@link #VERSION}; rows of an earlier version take
     * {@code source} (this instance). Returns the version found.
     */
    static int migrate(Connection c, String source) throws SQLException {
        int found = userVersion(c);
        if (found > VERSION) {
            throw new SQLException("schema version " + found + " is newer than this Ferry understands (" + VERSION
                    + "); upgrade Ferry or use another state file");
        }
        if (found == VERSION) {
            return found;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (found < 1) {
                for (String ddl : V1) {
                    s.execute(ddl);
                }
            }
            if (found < 2) {
                for (String ddl : V2) {
                    s.execute(ddl);
                }
            }
            if (found < 3) {
                for (String ddl : V3_TABLE) {
                    s.execute(ddl);
                }
                try (PreparedStatement copy = c.prepareStatement(V3_COPY)) {
                    copy.setString(1, source);
                    copy.executeUpdate();
                }
                for (String ddl : V3_SWAP) {
                    s.execute(ddl);
                }
            }
            if (found < 4) {
                for (String ddl : V4) {
                    s.execute(ddl);
                }
            }
            // Later migrations go here: if (found < 5) { ... }
            s.execute("PRAGMA user_version = " + VERSION);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return found;
    }

    static int userVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Binds a record to the 18 parameters of {@link #UPSERT}. */
    static void bind(PreparedStatement ps, FileRecord r) throws SQLException {
        ps.setString(1, r.source());
        ps.setString(2, r.path());
        ps.setString(3, r.bucket());
        ps.setString(4, r.key());
        ps.setString(5, r.status().name());
        ps.setLong(6, r.size());
        ps.setLong(7, r.mtimeMillis());
        ps.setString(8, r.checksum());
        ps.setString(9, r.etag());
        ps.setInt(10, r.attempts());
        ps.setString(11, r.reason());
        ps.setInt(12, r.permanent() ? 1 : 0);
        ps.setLong(13, r.createdAt().toEpochMilli());
        ps.setLong(14, r.updatedAt().toEpochMilli());
        if (r.uploadedAt().isPresent()) {
            ps.setLong(15, r.uploadedAt().get().toEpochMilli());
        } else {
            ps.setNull(15, Types.INTEGER);
        }
        setKnown(ps, 16, r.ctimeNanos());
        setKnown(ps, 17, r.inode());
        ps.setString(18, r.storageClass());
    }

    private static void setKnown(PreparedStatement ps, int index, long value) throws SQLException {
        if (value == FileStat.UNKNOWN) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    private static long known(ResultSet rs, int index) throws SQLException {
        long value = rs.getLong(index);
        return rs.wasNull() ? FileStat.UNKNOWN : value;
    }

    /** Reads the row under the cursor, selected as {@link #COLUMNS}. */
    static FileRecord read(ResultSet rs) throws SQLException {
        long uploaded = rs.getLong(15);
        Optional<Instant> uploadedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(uploaded));
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                StoredValues.status(rs.getString(5)), rs.getLong(6), rs.getLong(7), known(rs, 16), known(rs, 17),
                rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11), rs.getInt(12) != 0,
                Instant.ofEpochMilli(rs.getLong(13)), Instant.ofEpochMilli(rs.getLong(14)), uploadedAt,
                rs.getString(18));
    }
}
