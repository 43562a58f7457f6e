package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreBusyException;
import dev.ferry.core.StateStoreRefusesWritesException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * are prepared once per connection. {@link #putAll} is one transaction of batched upserts. Instants are kept
 * to the millisecond. An upsert replaces every field except {@code createdAt}, which keeps the first value
 * written. Rows are keyed by (source, path, bucket); lookups go by source and path (the primary key's prefix), the
 * bucket compared here. Opening migrates an older file (every row takes this instance's source) and adopts the
 * records of one other instance ({@link SqliteAdoption}).
 *
 * <p>SQLite opens a file it may not write read-only, and the connection stays so when the file becomes
 * writable again (its permissions fixed, the file system remounted read-write): after a write fails with
 * SQLITE_READONLY, the next call opens the file again, so the store recovers without a restart.
 *
 * <p>The connection keeps the file it opened whatever becomes of its name. Before each write the file at the path
 * is compared with the open one ({@link StateFileIdentity}, one stat(2)); a file deleted or replaced while Ferry
 * runs is written again at its path from the open one ({@link SqliteRecovery}) before the write, with one ERROR
 * line, and {@link #notice()} says so for /status. Until it can be, writes fail with the reason (the writer keeps
 * the records in memory) while reads go on from the open file.
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
    /** SQLite's primary result code for "attempt to write a readonly database". */
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private final Path dbFile;
    private final InstanceId instance;
    private final ReentrantLock lock = new ReentrantLock();
    // All guarded by lock. connection is null once closed.
    private Connection connection;
    private PreparedStatement upsert;
    private final PreparedStatement[] selectChunk = new PreparedStatement[LIST_SIZES.length];
    /** A write failed with SQLITE_READONLY: the next call opens the file again. */
    private boolean reopen;
    /** The file the connection has open, to tell whether the path still leads to it. */
    private StateFileIdentity opened;
    /** When the file was found deleted or replaced, while it is not written again yet; null otherwise. */
    private Instant lostAt;
    /** What became of the file since start, for /status (read without the lock); null while nothing did. */
    private volatile String notice;

    private SqliteStateStore(Path dbFile, InstanceId instance, Connection connection) throws SQLException {
        this.dbFile = dbFile;
        this.instance = instance;
        use(connection);
        this.opened = StateFileIdentity.of(dbFile);
    }

    /** Prepares the statements on c, then makes it the connection in use. */
    private void use(Connection c) throws SQLException {
        PreparedStatement newUpsert = c.prepareStatement(SqliteSchema.UPSERT);
        PreparedStatement[] selects = new PreparedStatement[LIST_SIZES.length];
        for (int i = 0; i < LIST_SIZES.length; i++) {
            String marks = String.join(", ", Collections.nCopies(LIST_SIZES[i], "?"));
            selects[i] = c.prepareStatement(
                    "SELECT " + SqliteSchema.COLUMNS + " FROM files WHERE source = ? AND path IN (" + marks + ")");
        }
        connection = c;
        upsert = newUpsert;
        System.arraycopy(selects, 0, selectChunk, 0, selects.length);
    }

    /** Like {@link #open(Path, InstanceId)} for the instance named after this host. */
    public static SqliteStateStore open(Path dbFile) {
        return open(dbFile, InstanceId.ofHost());
    }

    /**
     * Opens (creating it, its parent folders and its schema when missing) the state file for {@code instance}.
     *
     * @throws StateStoreException when the file cannot be opened or was written by a newer schema
     */
    public static SqliteStateStore open(Path dbFile, InstanceId instance) {
        Path file = dbFile.toAbsolutePath().normalize();
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StateStoreException("sqlite " + file + ": open failed: cannot create its folder: " + e, e);
        }
        loadNativeLibrary(file);
        Connection c = null;
        try {
            c = connect(file, instance);
            return new SqliteStateStore(file, instance, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("open", file, e);
        }
    }

    /**
     * Loads SQLite's native library, or says why it cannot: the driver's own error is only "Error opening
     * connection", which reads as a problem of the state file. Unless told where an unpacked copy is
     * ({@code -Dorg.sqlite.lib.path}, which bin/ferry gives), the driver unpacks the library into the temporary
     * folder, so a full or read-only {@code java.io.tmpdir} stops it.
     */
    private static void loadNativeLibrary(Path file) {
        try {
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception e) {
            String given = System.getProperty("org.sqlite.lib.path");
            throw new StateStoreException("sqlite " + file + ": open failed: SQLite's native library cannot be loaded ("
                    + e.getMessage() + "): " + (given != null ? "-Dorg.sqlite.lib.path=" + given
                            + " holds none that loads here, and " : "")
                    + "the driver unpacks it into the temporary folder " + System.getProperty("java.io.tmpdir")
                    + " (java.io.tmpdir), which must exist, be writable and not be full; bin/ferry gives the driver an "
                    + "unpacked copy (docs/operations.md, \"Temporary folder\")", e);
        }
    }

    /** A new connection to the file, set up and with its schema up to date. */
    private static Connection connect(Path file, InstanceId instance) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
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
            int found = SqliteSchema.migrate(c, instance.value());
            if (found != SqliteSchema.VERSION) {
                log.info("{}: state schema migrated from version {} to {}", file, found, SqliteSchema.VERSION);
            }
            try {
                SqliteAdoption.adopt(c, file, instance.value());
            } catch (SQLException e) {
                // a read-only file still opens: its records stay whose they were
                log.warn("{}: could not look for records of an earlier instance id: {}", file, e.getMessage());
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
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
    public InstanceId instance() {
        return instance;
    }

    /** What became of the state file while Ferry ran (deleted or replaced, and written again), if anything did. */
    @Override
    public Optional<String> notice() {
        return Optional.ofNullable(notice);
    }

    @Override
    public Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(getAll(List.of(id)).get(id));
    }

    /** By source, the paths asked for with their buckets; one query per chunk of paths of one source. */
    @Override
    public Map<RecordId, FileRecord> getAll(Collection<RecordId> ids) {
        Map<RecordId, FileRecord> found = new HashMap<>();
        Map<String, List<String>> pathsBySource = pathsBySource(ids);
        java.util.Set<RecordId> wanted = new java.util.HashSet<>(ids);
        lock.lock();
        try {
            connection("getAll");
            for (Map.Entry<String, List<String>> e : pathsBySource.entrySet()) {
                List<String> all = e.getValue();
                for (int from = 0; from < all.size(); from += CHUNK) {
                    PreparedStatement select = bindChunk(selectChunk, e.getKey(), all, from);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            FileRecord r = SqliteSchema.read(rs);
                            if (wanted.contains(r.id())) {
                                found.put(r.id(), r);
                            }
                        }
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw failed("getAll of " + ids.size() + " records", e);
        } finally {
            lock.unlock();
        }
    }

    private static Map<String, List<String>> pathsBySource(Collection<RecordId> ids) {
        Map<String, LinkedHashSet<String>> sets = new LinkedHashMap<>();
        for (RecordId id : ids) {
            sets.computeIfAbsent(id.source(), s -> new LinkedHashSet<>()).add(id.item());
        }
        Map<String, List<String>> lists = new LinkedHashMap<>();
        sets.forEach((source, paths) -> lists.put(source, List.copyOf(paths)));
        return lists;
    }

    @Override
    public List<FileRecord> recordsOf(String source, String item) {
        List<FileRecord> found = new ArrayList<>();
        lock.lock();
        try (PreparedStatement ps = connection("recordsOf").prepareStatement("SELECT " + SqliteSchema.COLUMNS
                + " FROM files WHERE source = ? AND path = ? ORDER BY bucket")) {
            ps.setString(1, source);
            ps.setString(2, item);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(SqliteSchema.read(rs));
                }
            }
            return found;
        } catch (SQLException e) {
            throw failed("recordsOf", e);
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
            inTransaction("putAll of " + records.size() + " records", true, c -> {
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
    public void deleteAll(Collection<RecordId> ids) {
        List<RecordId> all = List.copyOf(ids);
        if (all.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            inTransaction("deleteAll of " + all.size() + " records", true, c -> {
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM files WHERE source = ? AND path = ? AND bucket = ?")) {
                    for (RecordId id : all) {
                        delete.setString(1, id.source());
                        delete.setString(2, id.item());
                        delete.setString(3, id.destination());
                        delete.addBatch();
                    }
                    delete.executeBatch();
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
                + " FROM files WHERE source = ? AND status = ? ORDER BY path, bucket LIMIT ? OFFSET ?")) {
            ps.setString(1, instance.value());
            ps.setString(2, status.name());
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(SqliteSchema.read(rs));
                }
            }
            return page;
        } catch (SQLException e) {
            throw failed("list " + status, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Map<FileStatus, Long>> countByBucket() {
        Map<String, Map<FileStatus, Long>> counts = new TreeMap<>();
        lock.lock();
        try (PreparedStatement ps = connection("countByBucket").prepareStatement(
                "SELECT bucket, status, COUNT(*) FROM files WHERE source = ? GROUP BY bucket, status")) {
            ps.setString(1, instance.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getString(1), b -> new EnumMap<>(FileStatus.class))
                            .merge(StoredValues.status(rs.getString(2)), rs.getLong(3), Long::sum);
                }
            }
            return counts;
        } catch (SQLException e) {
            throw failed("countByBucket", e);
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
            throw failed("ping", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a write transaction that deletes nothing and rolls it back: a read-only file (or connection)
     * fails with SQLITE_READONLY, and nothing reaches the disk. A full disk is not seen here: it shows when
     * a write commits.
     */
    @Override
    public void checkWritable() {
        lock.lock();
        try {
            inTransaction("write check", false, c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM files WHERE path IS NULL");
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the file; later calls throw {@link StateStoreException}. Closing twice does nothing. A file deleted or
     * replaced since the last write is written again first, or its records would go with the process.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null && opened.now() != StateFileIdentity.Found.SAME) {
                try {
                    forWrite("close");
                } catch (StateStoreException e) {
                    log.error("{}: closing without the records written since start: {}", dbFile, e.getMessage());
                }
            }
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

    /**
     * Runs work in one transaction on the locked connection, then commits it (or rolls it back when
     * {@code commit} is false); rolls back on failure. The exception thrown is the first failure: one of the
     * clean-up that follows it (SQLite has already rolled back after SQLITE_FULL, so leaving the transaction
     * fails too) is added to it as suppressed, never put in its place.
     */
    private void inTransaction(String operation, boolean commit, SqlWork work) {
        Connection c = forWrite(operation);
        SQLException first = null;
        try {
            c.setAutoCommit(false);
            work.run(c);
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            first = e;
            rollbackQuietly(c);
        } catch (RuntimeException e) {
            rollbackQuietly(c);
            restoreAutoCommit(c, e);
            throw e;
        }
        if (first != null) {
            restoreAutoCommit(c, first);
            throw failed(operation, first);
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw failed(operation, e);
        }
    }

    private static void restoreAutoCommit(Connection c, Exception cause) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** The open connection; opens the file again first after SQLITE_READONLY. */
    private Connection connection(String operation) {
        if (connection == null) {
            throw new StateStoreException("sqlite " + dbFile + ": " + operation + " failed: the store is closed");
        }
        if (reopen) {
            Connection old = connection;
            Connection fresh = null;
            try {
                fresh = connect(dbFile, instance);
                use(fresh);
            } catch (SQLException e) {
                closeQuietly(fresh);
                throw failure(operation + " (opening the file again after SQLITE_READONLY)", dbFile, e);
            }
            closeQuietly(old);
            opened = StateFileIdentity.of(dbFile);
            reopen = false;
            log.debug("{}: opened again after SQLITE_READONLY", dbFile);
        }
        return connection;
    }

    /**
     * The connection for a write, once the path leads to the file it has open: a file deleted or replaced while
     * Ferry runs is first written again at its path from the open one, which still holds every record, so the
     * write reaches a file the next start reads. Until that works the write fails with the reason.
     */
    private Connection forWrite(String operation) {
        Connection c = connection(operation);
        StateFileIdentity.Found found = opened.now();
        if (found == StateFileIdentity.Found.SAME) {
            return c;
        }
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (lostAt == null) {
            lostAt = now;
            log.error("{}: the state file was {} while Ferry was running (not by Ferry: a clean-up job, a script, a "
                    + "person?). Ferry still has the file it opened, with every record, and writes it to {} again now, "
                    + "so nothing is lost; find what removes files from the state folder. To start with an empty "
                    + "state on purpose, stop Ferry before deleting the file", dbFile, found.what(), dbFile);
        }
        try {
            Path copy = SqliteRecovery.copy(c, dbFile);
            Optional<Path> aside = SqliteRecovery.install(copy, dbFile, now);
            Connection fresh = connect(dbFile, instance);
            try {
                use(fresh);
            } catch (SQLException e) {
                closeQuietly(fresh);
                throw e;
            }
            opened = StateFileIdentity.of(dbFile);
            closeQuietly(c);
            long records = count(fresh);
            String keptAside = aside.map(p -> "; the file found in its place is kept as " + p).orElse("");
            notice = "the state file was " + found.what() + " at " + lostAt + " while Ferry ran; written again at "
                    + now + " with its " + records + " records from the file Ferry had open" + keptAside;
            log.info("{}: written again with its {} records; nothing was lost{}", dbFile, records, keptAside);
            lostAt = null;
            return fresh;
        } catch (SQLException | IOException e) {
            String why = e instanceof SQLException ? e.getMessage() : e.toString();
            notice = "the state file was " + found.what() + " at " + lostAt + " while Ferry ran, and cannot be "
                    + "written again: " + why + "; every record is lost if Ferry stops before it can";
            throw new StateStoreException("sqlite " + dbFile + ": " + operation + " failed: the state file was "
                    + found.what() + " while Ferry ran, and cannot be written again: " + why, e);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM files")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The exception for a failed operation; after SQLITE_READONLY the next call opens the file again. */
    private StateStoreException failed(String operation, SQLException e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLITE_READONLY) {
            reopen = true;
        }
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            return new StateStoreBusyException("sqlite " + dbFile + ": " + operation + " failed: " + e.getMessage()
                    + " (another process holds the database's lock)", e);
        }
        StateStoreException failure = failure(operation, dbFile, e);
        if (STORE_WIDE.contains(code)) {
            // the disk, the file or the process, not the rows: every write fails alike until that changes
            return new StateStoreRefusesWritesException(failure.getMessage(), e);
        }
        return failure;
    }

    /** SQLite's result codes that say the database cannot be written now, whatever is written: PERM, NOMEM,
     * READONLY, IOERR, FULL, CANTOPEN. */
    private static final java.util.Set<Integer> STORE_WIDE = java.util.Set.of(3, 7, SQLITE_READONLY, 10, 13, 14);

    /**
     * Binds the source and paths[from, from + CHUNK) to the smallest of the statements (one per
     * {@link #LIST_SIZES}) that holds them, padding the rest with NULL, which matches no row; returns that
     * statement.
     */
    private static PreparedStatement bindChunk(PreparedStatement[] bySize, String source, List<String> paths,
            int from) throws SQLException {
        int count = Math.min(CHUNK, paths.size() - from);
        int which = listSizeIndex(count);
        PreparedStatement ps = bySize[which];
        ps.setString(1, source);
        for (int i = 0; i < LIST_SIZES[which]; i++) {
            int at = from + i;
            if (i < count) {
                ps.setString(i + 2, paths.get(at));
            } else {
                ps.setNull(i + 2, Types.VARCHAR);
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
