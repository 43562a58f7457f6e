package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default {@link StateStore}: one SQLite file in WAL mode ({@code synchronous=NORMAL}: a
 * power cut may lose the last commits, never corrupt the file), inspectable with the {@code sqlite3} CLI.
 *
 * <p>One connection serves reads and writes, guarded by a lock, so calls are serialized; the statements
 * are prepared once. {@link #putAll} is one transaction of batched upserts. Instants are kept to the
 * millisecond. An upsert replaces every field except {@code createdAt}, which keeps the first value written.
 */
public final class SqliteStateStore implements StateStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);
    /** Paths per {@code IN (...)} query: well below SQLite's limit of bound parameters. */
    static final int CHUNK = 500;
    /**
     * The sizes of the prepared {@code IN (...)} lists. Each query takes the smallest that holds the paths left
     * and pads it with NULL: a single path (every upload looks its record up) binds one parameter, not 500,
     * which made that lookup a tenth of an upload worker's CPU.
     */
    static final int[] LIST_SIZES = {1, 50, CHUNK};
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path dbFile;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // guarded by lock; null once closed
    private final PreparedStatement upsert;
    private final PreparedStatement[] selectChunk = new PreparedStatement[LIST_SIZES.length];
    private final PreparedStatement[] deleteChunk = new PreparedStatement[LIST_SIZES.length];

    private SqliteStateStore(Path dbFile, Connection connection) throws SQLException {
        this.dbFile = dbFile;
        this.connection = connection;
        this.upsert = connection.prepareStatement(SqliteSchema.UPSERT);
        for (int i = 0; i < LIST_SIZES.length; i++) {
            String marks = String.join(", ", Collections.nCopies(LIST_SIZES[i], "?"));
            selectChunk[i] = connection.prepareStatement(
                    "SELECT " + SqliteSchema.COLUMNS + " FROM files WHERE path IN (" + marks + ")");
            deleteChunk[i] = connection.prepareStatement("DELETE FROM files WHERE path IN (" + marks + ")");
        }
    }

    /**
     * Opens (creating it, its parent folders and its schema when missing) the state file.
     *
     * @throws StateStoreException when the file cannot be opened or was written by a newer schema
     */
    public static SqliteStateStore open(Path dbFile) {
        Path file = dbFile.toAbsolutePath().normalize();
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StateStoreException("sqlite " + file + ": open failed: cannot create its folder: " + e, e);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        log.warn("{}: journal mode is {}, not WAL (filesystem without shared memory?)", file, mode);
                    }
                }
                s.execute("PRAGMA synchronous = NORMAL");
            }
            int found = SqliteSchema.migrate(c);
            if (found != SqliteSchema.VERSION) {
                log.info("{}: state schema migrated from version {} to {}", file, found, SqliteSchema.VERSION);
            }
            return new SqliteStateStore(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("open", file, e);
        }
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    /** The absolute path of the database file. */
    @Override
    public String location() {
        return dbFile.toString();
    }

    @Override
    public Optional<FileRecord> get(String path) {
        return Optional.ofNullable(getAll(List.of(path)).get(path));
    }

    @Override
    public Map<String, FileRecord> getAll(Collection<String> paths) {
        Map<String, FileRecord> found = new HashMap<>();
        List<String> all = List.copyOf(paths);
        lock.lock();
        try {
            connection("getAll");
            for (int from = 0; from < all.size(); from += CHUNK) {
                PreparedStatement select = bindChunk(selectChunk, all, from);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        FileRecord r = SqliteSchema.read(rs);
                        found.put(r.path(), r);
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw failure("getAll of " + all.size() + " paths", dbFile, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void putAll(Collection<FileRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            inTransaction("putAll of " + records.size() + " records", c -> {
                upsert.clearBatch();
                for (FileRecord r : records) {
                    SqliteSchema.bind(upsert, r);
                    upsert.addBatch();
                }
                upsert.executeBatch();
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void deleteAll(Collection<String> paths) {
        List<String> all = List.copyOf(paths);
        if (all.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            inTransaction("deleteAll of " + all.size() + " paths", c -> {
                for (int from = 0; from < all.size(); from += CHUNK) {
                    bindChunk(deleteChunk, all, from).executeUpdate();
                }
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<FileRecord> list(FileStatus status, int offset, int limit) {
        StoredValues.checkPage(offset, limit);
        List<FileRecord> page = new ArrayList<>(Math.min(limit, 1_000));
        if (limit == 0) {
            return page;
        }
        lock.lock();
        try (PreparedStatement ps = connection("list").prepareStatement("SELECT " + SqliteSchema.COLUMNS
                + " FROM files WHERE status = ? ORDER BY path LIMIT ? OFFSET ?")) {
            ps.setString(1, status.name());
            ps.setInt(2, limit);
            ps.setInt(3, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(SqliteSchema.read(rs));
                }
            }
            return page;
        } catch (SQLException e) {
            throw failure("list " + status, dbFile, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Map<FileStatus, Long>> countByBucket() {
        Map<String, Map<FileStatus, Long>> counts = new TreeMap<>();
        lock.lock();
        try (Statement s = connection("countByBucket").createStatement();
             ResultSet rs = s.executeQuery("SELECT bucket, status, COUNT(*) FROM files GROUP BY bucket, status")) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), b -> new EnumMap<>(FileStatus.class))
                        .merge(StoredValues.status(rs.getString(2)), rs.getLong(3), Long::sum);
            }
            return counts;
        } catch (SQLException e) {
            throw failure("countByBucket", dbFile, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ping() {
        lock.lock();
        try (Statement s = connection("ping").createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        } catch (SQLException e) {
            throw failure("ping", dbFile, e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the file; later calls throw {@link StateStoreException}. Closing twice does nothing. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly(connection);
            connection = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteStateStore[" + dbFile + "]";
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    /** Runs work in one transaction on the locked connection, rolling back on failure. */
    private void inTransaction(String operation, SqlWork work) {
        Connection c = connection(operation);
        try {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(operation, dbFile, e);
        }
    }

    private Connection connection(String operation) {
        if (connection == null) {
            throw new StateStoreException("sqlite " + dbFile + ": " + operation + " failed: the store is closed");
        }
        return connection;
    }

    /**
     * Binds paths[from, from + CHUNK) to the smallest of the statements (one per {@link #LIST_SIZES}) that holds
     * them, padding the rest with NULL, which matches no row; returns that statement.
     */
    private static PreparedStatement bindChunk(PreparedStatement[] bySize, List<String> paths, int from)
            throws SQLException {
        int count = Math.min(CHUNK, paths.size() - from);
        int which = listSizeIndex(count);
        PreparedStatement ps = bySize[which];
        for (int i = 0; i < LIST_SIZES[which]; i++) {
            int at = from + i;
            if (i < count) {
                ps.setString(i + 1, paths.get(at));
            } else {
                ps.setNull(i + 1, Types.VARCHAR);
            }
        }
        return ps;
    }

    /** The index in {@link #LIST_SIZES} of the smallest list that holds {@code count} paths (at most CHUNK). */
    static int listSizeIndex(int count) {
        int i = 0;
        while (LIST_SIZES[i] < count) {
            i++;
        }
        return i;
    }

    private static StateStoreException failure(String operation, Path file, SQLException e) {
        return new StateStoreException("sqlite " + file + ": " + operation + " failed: " + e.getMessage(), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("close failed", e);
        }
    }
}
