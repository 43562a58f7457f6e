package dev.ferry.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Writes the state file again at its path from a connection that still has the old one open, after the file was
 * deleted or replaced while Ferry ran: SQLite's online backup of that connection (every committed record, those of
 * its write-ahead log included) into a new file beside it, synced, then renamed into place. A file found in its
 * place is never deleted: it is set aside, with its {@code -wal} and {@code -shm}, under a name that says when.
 * The {@code -wal} and {@code -shm} left by a deleted file are removed first: SQLite would read them as the new
 * file's.
 */
final class SqliteRecovery {
    private static final int SQLITE_OK = 0;
    private static final List<String> SIDE_FILES = List.of("-wal", "-shm");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SqliteRecovery() {
    }

    /**
     * Copies what {@code open} holds to a new file beside {@code file} (its folder made again if it is gone too),
     * synced to disk; returns the copy.
     */
    static Path copy(Connection open, Path file) throws SQLException, IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".recovering");
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(copy); // a copy an earlier try left
        int rc = open.unwrap(org.sqlite.SQLiteConnection.class).getDatabase().backup("main", copy.toString(), null);
        if (rc != SQLITE_OK) {
            throw new SQLException("backup to " + copy + " failed (SQLite result code " + rc + ")", null, rc);
        }
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return copy;
    }

    /**
     * Puts {@code copy} in place of {@code file}: a file found there is set aside first (returned), or the side
     * files of the deleted one are removed; then the rename, and the folder synced so that it survives a crash.
     */
    static Optional<Path> install(Path copy, Path file, Instant now) throws IOException {
        Optional<Path> aside = Optional.empty();
        if (Files.exists(file)) {
            Path to = file.resolveSibling(file.getFileName() + ".replaced-" + STAMP.format(now));
            Files.move(file, to);
            for (String side : SIDE_FILES) {
                Path found = sideFile(file, side);
                if (Files.exists(found)) {
                    Files.move(found, sideFile(to, side));
                }
            }
            aside = Optional.of(to);
        } else {
            for (String side : SIDE_FILES) {
                Files.deleteIfExists(sideFile(file, side));
            }
        }
        Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(file.getParent());
        return aside;
    }

    private static Path sideFile(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Makes the folder's entries durable (a rename is in the folder); a file system that cannot is left so. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every file system syncs a folder; the rename is still done
        }
    }
}
