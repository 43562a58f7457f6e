package dev.ferry.source.local;

import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regular files under a folder, in the order S3 lists their keys: siblings are sorted with a folder
 * named as "name/", so that a depth-first walk yields relative paths in UTF-8 byte order ("a-b" before "a/c"
 * before "a0"). Memory holds one sorted listing per level of depth. Symbolic links to files are followed,
 * links to folders are not. The walk may start at a folder or a file under the root (a sweep of one folder);
 * relative paths are still the root's. An entry that cannot be read is counted, logged and passed over: one bad
 * entry never ends the walk of the others.
 */
public final class LocalTree implements Iterator<LocalTree.Entry> {
    private static final Logger log = LoggerFactory.getLogger(LocalTree.class);
    private static final Comparator<Child> ORDER = Comparator.comparing(Child::sortName, RemoteEntry.KEY_ORDER);
    private static final String FOLDER_MARK = "/";

    /** A file: its path relative to the root ('/'-separated), its path, size and mtime. */
    public record Entry(String relative, Path path, FileStat stat) {
    }

    /**
     * One entry of a listed folder, as small as it can be: a flat folder of a million files holds a million of
     * them while its siblings are sorted. Its name is {@code sortName} (without the "/" a folder sorts with), its
     * path is made only when it is yielded, and {@code stat} is null for a folder or an entry that is no file.
     */
    private record Child(String sortName, boolean directory, FileStat stat) {
        String name() {
            return directory ? sortName.substring(0, sortName.length() - 1) : sortName;
        }
    }

    private record Level(Path dir, String relativeDir, Iterator<Child> children) {
    }

    /**
     * An entry whose name is known (its folder was listed, or it was named as the start) but which could not be
     * read: a folder that can be listed but not searched (no {@code x} permission) lets no entry in it be stat'ed,
     * and an I/O error does the same to one. {@code reason} says why, for the entry's record.
     */
    public record Unreadable(Path path, String reason) {
    }

    private final Deque<Level> stack = new ArrayDeque<>();
    private Entry next;
    private long unreadable;
    private final java.util.List<String> unreadableFolders = new java.util.ArrayList<>();
    private final java.util.List<Unreadable> unreadableEntries = new java.util.ArrayList<>();
    private final java.util.List<Path> notFiles = new java.util.ArrayList<>();

    public LocalTree(Path root) {
        stack.push(new Level(root, "", list(root).iterator()));
    }

    /**
     * The files under {@code start}, a folder or a file under {@code root} (or the root itself), with their paths
     * relative to the root. A start that cannot be read (gone since it was named, say) is counted as unreadable.
     */
    public LocalTree(Path root, Path start) {
        Path under = root.toAbsolutePath().normalize().relativize(start.toAbsolutePath().normalize());
        if (under.toString().isEmpty()) {
            stack.push(new Level(start, "", list(start).iterator()));
            return;
        }
        StringBuilder relative = new StringBuilder();
        for (Path part : under) {
            relative.append(part).append('/');
        }
        LocalStat.Entry entry;
        try {
            entry = LocalStat.entry(start);
        } catch (IOException e) {
            unreadableEntry(start, e);
            return;
        }
        if (entry.folder()) {
            stack.push(new Level(start, relative.toString(), list(start).iterator()));
        } else if (entry.file().isPresent()) {
            String name = start.getFileName().toString();
            String parent = relative.substring(0, relative.length() - name.length() - 1);
            stack.push(new Level(start.getParent(), parent,
                    List.of(new Child(name, false, entry.file().get())).iterator()));
        }
    }

    public long unreadable() {
        return unreadable;
    }

    /**
     * The folders that could not be listed and the entries that could not be read, each with the reason:
     * "DIR: cannot list this folder: permission denied".
     */
    public java.util.List<String> unreadableFolders() {
        return java.util.List.copyOf(unreadableFolders);
    }

    /**
     * What the walk passed over so far as no regular file (a FIFO, socket or device, a link that leads to no
     * file, a link to a folder): not uploaded, which a one-shot run names ({@link LocalStat#notARegularFile}).
     */
    public java.util.List<Path> notFiles() {
        return java.util.List.copyOf(notFiles);
    }

    /** The entries of {@link #unreadableFolders} whose names are known: each may be a file that is not uploaded. */
    public java.util.List<Unreadable> unreadableEntries() {
        return java.util.List.copyOf(unreadableEntries);
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            Level level = stack.peek();
            if (!level.children().hasNext()) {
                stack.pop();
                continue;
            }
            Child c = level.children().next();
            String name = c.name();
            String relative = level.relativeDir() + name;
            if (c.directory()) {
                Path dir = level.dir().resolve(name);
                stack.push(new Level(dir, relative + "/", list(dir).iterator()));
            } else if (c.stat() != null) {
                next = new Entry(relative, level.dir().resolve(name), c.stat());
            } else {
                notFiles.add(level.dir().resolve(name));
            }
        }
        return next != null;
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Entry e = next;
        next = null;
        return e;
    }

    private List<Child> list(Path dir) {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                LocalStat.Entry entry;
                try {
                    // one stat per entry, taken as the folder is listed (the sort needs to know folders anyway)
                    entry = LocalStat.entry(p);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // deleted since the folder was listed
                } catch (IOException e) {
                    // listed but not stat'ed (a folder readable but not searchable, an I/O error): something is
                    // there, so it is neither skipped in silence nor taken for a deleted file
                    unreadableEntry(p, e);
                    continue;
                }
                children.add(new Child(entry.folder() ? name + FOLDER_MARK : name, entry.folder(),
                        entry.file().orElse(null)));
            }
        } catch (IOException e) {
            unreadable(dir, "cannot list this folder", e);
        } catch (java.nio.file.DirectoryIteratorException e) {
            // the listing failed part of the way (an I/O error): what was read is walked, the folder is unreadable
            unreadable(dir, "cannot list this folder", e.getCause());
        }
        children.sort(ORDER);
        return children;
    }

    private void unreadableEntry(Path path, IOException e) {
        unreadable(path, "cannot read this entry", e);
        Path folder = path.toAbsolutePath().getParent();
        boolean unsearchable = e instanceof java.nio.file.AccessDeniedException && folder != null
                && Files.isReadable(folder) && !Files.isExecutable(folder);
        unreadableEntries.add(new Unreadable(path, unsearchable
                ? "cannot read it: permission denied: its folder can be listed but not searched (it lacks the x"
                        + " permission)"
                : "cannot read it: " + (e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                        : e.toString())));
    }

    private void unreadable(Path path, String what, IOException e) {
        unreadable++;
        unreadableFolders.add(path + ": " + what + ": " + (e instanceof java.nio.file.AccessDeniedException
                ? "permission denied" : e.toString()));
        log.warn("{}: cannot read during sweep ({}): {}", path, what, e.toString());
    }
}
