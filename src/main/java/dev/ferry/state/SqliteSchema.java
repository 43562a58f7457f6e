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
 */
final class SqliteSchema {

    /** The version this code writes and understands. */
    static final int VERSION = 2;

    static final String COLUMNS = "path, bucket, key, status, size, mtime_millis, checksum, etag, attempts, reason,"
            + " permanent, created_at, updated_at, uploaded_at, ctime_nanos, inode";

    /** Upsert that keeps the original created_at of an existing row. */
    static final String UPSERT = "INSERT INTO files (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(path) DO UPDATE SET bucket = excluded.bucket, key = excluded.key,"
            + " status = excluded.status, size = excluded.size, mtime_millis = excluded.mtime_millis,"
            + " checksum = excluded.checksum, etag = excluded.etag, attempts = excluded.attempts,"
            + " reason = excluded.reason, permanent = excluded.permanent, updated_at = excluded.updated_at,"
            + " uploaded_at = excluded.uploaded_at, ctime_nanos = excluded.ctime_nanos, inode = excluded.inode";

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

    private SqliteSchema() {
    }

    /** Brings the schema of a freshly opened connection up to {@link #VERSION}; returns the version found. */
    static int migrate(Connection c) throws SQLException {
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
            // Later migrations go here: if (found < 3) { ... }
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

    /** Binds a record to the 16 parameters of {@link #UPSERT}. */
    static void bind(PreparedStatement ps, FileRecord r) throws SQLException {
        ps.setString(1, r.path());
        ps.setString(2, r.bucket());
        ps.setString(3, r.key());
        ps.setString(4, r.status().name());
        ps.setLong(5, r.size());
        ps.setLong(6, r.mtimeMillis());
        ps.setString(7, r.checksum());
        ps.setString(8, r.etag());
        ps.setInt(9, r.attempts());
        ps.setString(10, r.reason());
        ps.setInt(11, r.permanent() ? 1 : 0);
        ps.setLong(12, r.createdAt().toEpochMilli());
        ps.setLong(13, r.updatedAt().toEpochMilli());
        if (r.uploadedAt().isPresent()) {
            ps.setLong(14, r.uploadedAt().get().toEpochMilli());
        } else {
            ps.setNull(14, Types.INTEGER);
        }
        setKnown(ps, 15, r.ctimeNanos());
        setKnown(ps, 16, r.inode());
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
        long uploaded = rs.getLong(14);
        Optional<Instant> uploadedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(uploaded));
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3), StoredValues.status(rs.getString(4)),
                rs.getLong(5), rs.getLong(6), known(rs, 15), known(rs, 16), rs.getString(7), rs.getString(8),
                rs.getInt(9), rs.getString(10), rs.getInt(11) != 0, Instant.ofEpochMilli(rs.getLong(12)),
                Instant.ofEpochMilli(rs.getLong(13)), uploadedAt);
    }
}
