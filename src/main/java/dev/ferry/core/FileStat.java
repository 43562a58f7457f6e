package dev.ferry.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
     * regular file (a directory, a FIFO, a dangling link, a link whose chain of links loops or is too long).
     *
     * @throws IOException when the file exists but cannot be stat'ed (permission denied on its folder, I/O error)
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
        } catch (FileSystemException e) {
            // A symbolic link that cannot be resolved for a reason other than access (ELOOP: a loop, or too many
            // links in a row) leads to no file: like a dangling link, not a failure to retry for ever.
            if (!(e instanceof AccessDeniedException) && Files.isSymbolicLink(path)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Why {@code path}, for which {@link #of} found no regular file, is not uploaded: gone, or something else. */
    public static String notARegularFile(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return "no longer exists";
        }
        if (Files.isSymbolicLink(path)) {
            return "a symbolic link that leads to no regular file (dangling, a loop, or a folder): not uploaded";
        }
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "a folder, not a file"
                : "not a regular file (a FIFO, socket or device): not uploaded";
    }
}
