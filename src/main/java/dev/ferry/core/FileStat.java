package dev.ferry.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Size and modification time of a regular file: the version a record describes.
 *
 * @param size        bytes
 * @param mtimeMillis modification time, ms since the epoch
 */
public record FileStat(long size, long mtimeMillis) {

    /**
     * Stats {@code path}, following a symbolic link to its target. Empty when nothing is there or it is not a
     * regular file (a directory, a FIFO, a dangling link).
     *
     * @throws IOException when the file exists but cannot be stat'ed
     */
    public static Optional<FileStat> of(Path path) throws IOException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new FileStat(attrs.size(), attrs.lastModifiedTime().toMillis()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
