package dev.ferry.control;

import dev.ferry.config.AwsKeys;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the keys the mothership sends to aws_keys_file: created with mode 0600 where the file system has POSIX
 * permissions (before a byte is written, so the keys are never readable by others), written whole and renamed
 * over the old file. On Windows the file inherits its folder's ACL: keep it in a folder only the service reads.
 */
final class KeysFile {
    private KeysFile() {
    }

    /** Throws IOException whose message names the file, never the keys. */
    static void write(Path file, AwsKeys keys) throws IOException {
        writePrivate(file, keys.toFileJson());
    }

    /**
     * Writes {@code content} whole to {@code file}, readable by its owner only (mode 0600 where the file system has
     * POSIX permissions, set before a byte is written), through a temporary file renamed over the old one.
     */
    static void writePrivate(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, content);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
