package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A state store outage for a daemon running as another user (nobody) on SQLite in {@code stateDir}: the folder
 * and its files are made read-only (so a reopen or a new file fails, as on a read-only remount), and the test holds
 * the database's write lock (so the daemon's open connection, which permissions do not reach, cannot write either:
 * its writes fail with SQLITE_BUSY). {@link #end()} puts both back.
 */
final class StoreOutage {
    private final Path stateDir;
    private final Map<Path, Set<PosixFilePermission>> saved = new HashMap<>();
    private Connection lock;

    StoreOutage(Path stateDir) {
        this.stateDir = stateDir;
    }

    synchronized void begin() {
        try {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir)) {
                for (Path f : files) {
                    saved.put(f, Files.getPosixFilePermissions(f));
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
                }
            }
            saved.put(stateDir, Files.getPosixFilePermissions(stateDir));
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("r-xr-xr-x"));
            Properties immediate = new Properties();
            // the driver opens each transaction with BEGIN IMMEDIATE: the write lock is taken at once and held
            // (a BEGIN IMMEDIATE statement of its own would not be held by the driver in autocommit mode)
            immediate.setProperty("transaction_mode", "IMMEDIATE");
            lock = DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve("ferry.db"), immediate);
            lock.setAutoCommit(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(stateDir + ": cannot take the state store's write lock: " + e.getMessage(), e);
        }
    }

    synchronized void end() {
        try {
            if (lock != null) {
                lock.rollback();
                lock.close();
                lock = null;
            }
            for (Map.Entry<Path, Set<PosixFilePermission>> e : saved.entrySet()) {
                Files.setPosixFilePermissions(e.getKey(), e.getValue());
            }
            saved.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(stateDir + ": cannot release the state store's write lock", e);
        }
    }
}
