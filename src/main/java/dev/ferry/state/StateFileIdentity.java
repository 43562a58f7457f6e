package dev.ferry.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether the file at a path is still the one a connection opened. An open connection keeps its file (its inode)
 * whatever becomes of the name: deleted while Ferry runs (a clean-up job, a mistaken {@code rm}), the file would
 * take every write while no name reaches it, and the next start would find no records at all. One stat(2) reads
 * the identity (the file key: device and inode) to compare with the one read when the file was opened; where the
 * file system gives no file key, only a missing file is told.
 */
final class StateFileIdentity {
    /** What is at the path now, compared with the file opened. */
    enum Found {
        /** The file opened, or nothing can be told (the path cannot be read). */
        SAME,
        /** Nothing: the file was deleted or renamed away. */
        DELETED,
        /** Another file: the name now leads to a file other than the one open. */
        REPLACED;

        /** How a log line says what became of the file. */
        String what() {
            return this == REPLACED ? "replaced by another file" : "deleted";
        }
    }

    private final Path file;
    private final Object key;

    private StateFileIdentity(Path file, Object key) {
        this.file = file;
        this.key = key;
    }

    /** The identity of the file at {@code file} now, as the one opened. */
    static StateFileIdentity of(Path file) {
        return new StateFileIdentity(file, key(file));
    }

    /** What is at the path now; one stat(2). */
    Found now() {
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key == null || now == null || key.equals(now) ? Found.SAME : Found.REPLACED;
        } catch (NoSuchFileException e) {
            return Found.DELETED;
        } catch (IOException e) {
            return Found.SAME; // cannot be told (no permission on the folder): SQLite says more when it writes
        }
    }

    private static Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
