package dev.ferry.source.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the file behind a path string that holds U+FFFD. A name that is not valid UTF-8 (bytes of Latin-1 or
 * another charset) is read by Java with U+FFFD in place of those bytes, and that string, turned back into a path,
 * names other bytes (U+FFFD's own): {@code Path.of(record.path())} says such a file is not there although it is.
 * Its folder is listed instead, and an entry whose name Java reads as the same string is the file (two names that
 * read the same share one record, and either keeps it). Paths without U+FFFD are taken as they are.
 */
public final class LossyNames {
    private static final char REPLACEMENT = '\uFFFD';

    private LossyNames() {
    }

    /** True when {@code path} holds the character Java reads for bytes that are not UTF-8. */
    public static boolean lossy(String path) {
        return path.indexOf(REPLACEMENT) >= 0;
    }

    /**
     * The path on disk that {@code path} names: {@code Path.of(path)} when it holds no U+FFFD, else the first entry
     * (in the order the folders list them) whose path reads as {@code path}; empty when there is none (a link that
     * leads nowhere counts as there).
     *
     * @throws IOException when a folder on the way cannot be listed for another reason than its absence
     */
    public static Optional<Path> onDisk(String path) throws IOException {
        Path given = Path.of(path);
        if (!lossy(path)) {
            return Optional.of(given);
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(given.getRoot() == null ? null : given.getRoot());
        for (int i = 0; i < given.getNameCount() && !candidates.isEmpty(); i++) {
            String name = given.getName(i).toString();
            List<Path> next = new ArrayList<>();
            for (Path folder : candidates) {
                if (!lossy(name)) {
                    next.add(folder == null ? Path.of(name) : folder.resolve(name));
                    continue;
                }
                Path listed = folder == null ? Path.of("") : folder;
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(listed)) {
                    for (Path entry : entries) {
                        if (entry.getFileName().toString().equals(name)) {
                            next.add(folder == null ? entry.getFileName() : entry);
                        }
                    }
                } catch (NoSuchFileException | NotDirectoryException e) {
                    // this branch leads nowhere
                }
            }
            candidates = next;
        }
        for (Path candidate : candidates) {
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * True only when nothing is at {@code path} for sure: false when it is there, and when that cannot be told (a
     * folder on the way cannot be read).
     */
    public static boolean confirmedGone(String path) {
        if (!lossy(path)) {
            return Files.notExists(Path.of(path), LinkOption.NOFOLLOW_LINKS);
        }
        try {
            return onDisk(path).isEmpty();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
