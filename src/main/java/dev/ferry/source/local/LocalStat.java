package dev.ferry.source.local;

import dev.ferry.core.FileStat;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@link FileStat} of a local file: one {@code stat} through the JDK's {@code unix:} attributes (size,
 * mtime, ctime to the nanosecond, inode; on platforms without them, Windows, size and mtime alone), following
 * links to files and telling what is no regular file (a FIFO, a dangling link, a loop of links). The local
 * source's own: nothing outside the local tree reads a file's stat.
 */
public final class LocalStat {
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final String UNIX_ATTRIBUTES = "unix:size,lastModifiedTime,isRegularFile,ctime,ino";
    private static final String UNIX_ENTRY_ATTRIBUTES = UNIX_ATTRIBUTES + ",isDirectory,isSymbolicLink";

    private LocalStat() {
    }

    /**
     * What one entry of a folder is, for a walk: a folder to walk into (never through a link), or the version of
     * the regular file it is or that its link leads to; neither for anything else (a FIFO, socket or device, a
     * link to a folder, a link that leads nowhere or loops).
     */
    public record Entry(boolean folder, Optional<FileStat> file) {
        private static final Entry FOLDER = new Entry(true, Optional.empty());
    }

    /**
     * Stats {@code path}, following a symbolic link to its target. Empty when nothing is there or it is not a
     * regular file (a directory, a FIFO, a dangling link, a link whose chain of links loops or is too long).
     * One {@code stat} call; on platforms without the "unix" attribute view (Windows) ctime and inode are
     * {@link FileStat#UNKNOWN}.
     *
     * @throws IOException when the file exists but cannot be stat'ed (permission denied on its folder, I/O error)
     */
    public static Optional<FileStat> of(Path path) throws IOException {
        try {
            return UNIX ? ofUnix(path) : ofBasic(path);
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

    /**
     * Stats one entry of a folder for a walk with a single {@code lstat} (a link to a file costs a second
     * {@code stat}, to follow it), so a sweep reads each file's version, ctime and inode included, once.
     *
     * @throws IOException when the entry cannot be stat'ed, gone since the folder was listed included
     */
    public static Entry entry(Path path) throws IOException {
        if (!UNIX) {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isDirectory()) {
                return Entry.FOLDER;
            }
            return new Entry(false, a.isSymbolicLink() ? of(path) : a.isRegularFile()
                    ? Optional.of(new FileStat(a.size(), a.lastModifiedTime().toMillis())) : Optional.empty());
        }
        Map<String, Object> a = Files.readAttributes(path, UNIX_ENTRY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (Boolean.TRUE.equals(a.get("isDirectory"))) {
            return Entry.FOLDER;
        }
        return new Entry(false, Boolean.TRUE.equals(a.get("isSymbolicLink")) ? of(path) : unixStat(a));
    }

    private static Optional<FileStat> ofUnix(Path path) throws IOException {
        return unixStat(Files.readAttributes(path, UNIX_ATTRIBUTES));
    }

    private static Optional<FileStat> unixStat(Map<String, Object> a) {
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return Optional.empty();
        }
        FileTime ctime = (FileTime) a.get("ctime");
        Object ino = a.get("ino");
        return Optional.of(new FileStat((Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).toMillis(),
                ctime == null ? FileStat.UNKNOWN : nanos(ctime), ino instanceof Long n ? n : FileStat.UNKNOWN));
    }

    private static Optional<FileStat> ofBasic(Path path) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        return attrs.isRegularFile() ? Optional.of(new FileStat(attrs.size(), attrs.lastModifiedTime().toMillis()))
                : Optional.empty();
    }

    private static long nanos(FileTime time) {
        Instant i = time.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /**
     * Whether a folder (not a link to one) is at {@code path}: it holds no file there, so a file that was there is
     * gone, as a deletion (the folder's own files are items of their own). One rule for the local source, the
     * reconciliation and the closing of failed records.
     */
    public static boolean folderInPlace(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
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
