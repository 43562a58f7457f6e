package dev.ferry.source.local;

import dev.ferry.core.AfterUpload;
import dev.ferry.core.FileStat;
import dev.ferry.core.ItemContent;
import dev.ferry.core.ItemRef;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A local folder as a {@link Source}: its items are its regular files (links to files followed, links to folders
 * not), each named by its absolute normalized path, versioned by one {@code stat} ({@link FileStat}: size, mtime,
 * ctime, inode) and read from the file itself. What touches {@code java.nio.file} for the tree lives here, so the
 * engine never does.
 *
 * <p>Every local tree of one daemon has the same {@link #id()}, the instance's: records of two hosts sharing one
 * state store never collide, and the file's absolute path tells the trees of one host apart ({@link #owns}).
 */
public final class LocalSource implements Source {
    /** How many numbered names ({@code a-1.jpg}, ...) a move tries when the file's own name is taken. */
    private static final int MAX_SUFFIX = 1000;
    private final String id;
    private final Path root;

    /**
     * @param id   the daemon's instance id ({@link dev.ferry.core.InstanceId}), shared by all its local trees
     * @param root the tree's folder; made absolute and normalized
     */
    public LocalSource(String id, Path root) {
        this.id = java.util.Objects.requireNonNull(id, "id");
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The reference to the local file at {@code path} of the daemon whose instance id is {@code id} (its path as
     * given: the state store knows files by it).
     */
    public static ItemRef ref(String id, Path path) {
        return new ItemRef(id, path.toString());
    }

    /** The reference to the local file at {@code path} of this tree's daemon. */
    public ItemRef ref(Path path) {
        return ref(id, path);
    }

    /** The path of a local item. */
    public static Path path(String item) {
        return Path.of(item);
    }

    public Path root() {
        return root;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean owns(String item) {
        return path(item).toAbsolutePath().normalize().startsWith(root);
    }

    @Override
    public Stream<Item> list() {
        LocalTree tree = new LocalTree(root);
        Spliterator<LocalTree.Entry> files = Spliterators.spliteratorUnknownSize(tree,
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(files, false)
                .map(e -> new Item(e.path().toString(), ItemVersion.of(e.stat())));
    }

    @Override
    public Optional<ItemVersion> version(String item) throws IOException {
        // a name that is not valid UTF-8 reads with U+FFFD, and that string names other bytes: found by listing
        Optional<Path> path = LossyNames.onDisk(item);
        return path.isEmpty() ? Optional.empty() : LocalStat.of(path.get()).map(ItemVersion::of);
    }

    @Override
    public Optional<String> notAnItem(String item) {
        Path path = path(item);
        // a folder in the file's place: the file is gone, so where deletions are carried its object goes; a FIFO or
        // a link that leads nowhere is something made there on purpose, left alone with its reason
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !LocalStat.folderInPlace(path)
                ? Optional.of(LocalStat.notARegularFile(path))
                : Optional.empty();
    }

    @Override
    public boolean available() {
        return Files.isDirectory(root);
    }

    @Override
    public ItemContent content(String item) {
        return new LocalFileContent(path(item));
    }

    /**
     * Deletes the file, or moves it under the folder of {@link AfterUpload.MoveTo} at its path there
     * ({@link AfterUpload.MoveTo#subPath}; parent folders created; a rename on one filesystem, else a copy then a
     * delete, which {@link Files#move} rolls back when the delete fails). A name already taken there is never
     * overwritten: the file takes the first free {@code name-N.ext}. A symbolic link is left alone: deleting or
     * moving it would not free what it leads to, and what it leads to is not this tree's to delete.
     */
    @Override
    public AfterUpload.Result release(String item, FileStat uploaded, AfterUpload how) {
        if (how.keeps()) {
            return new AfterUpload.Done("kept");
        }
        Path path = path(item);
        Optional<FileStat> now;
        try {
            now = LocalStat.of(path);
        } catch (IOException e) {
            return new AfterUpload.Failed("cannot stat it: " + describe(e));
        }
        if (now.isEmpty()) {
            return new AfterUpload.Changed("it is no longer there");
        }
        Optional<String> changed = AfterUpload.changedSince(uploaded, now.get());
        if (changed.isPresent()) {
            return new AfterUpload.Changed(changed.get());
        }
        if (Files.isSymbolicLink(path)) {
            return new AfterUpload.Failed("it is a symbolic link: neither it nor the file it leads to is touched");
        }
        try {
            if (how instanceof AfterUpload.MoveTo move) {
                return new AfterUpload.Done("moved to " + moveUnder(path, move));
            }
            Files.delete(path);
            return new AfterUpload.Done("deleted");
        } catch (IOException e) {
            return new AfterUpload.Failed(describe(e));
        }
    }

    /** Moves the file to the first free name at its path under the move's folder; where it went. */
    private Path moveUnder(Path path, AfterUpload.MoveTo move) throws IOException {
        Path folder = move.folder();
        Path target = folder.resolve(move.subPath(root.relativize(path).toString().replace('\\', '/'))).normalize();
        if (!target.startsWith(folder) || target.equals(folder)) {
            throw new IOException(target + " would not be inside " + folder);
        }
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int n = 0; n <= MAX_SUFFIX; n++) {
            Path candidate = n == 0 ? target : target.resolveSibling(stem + "-" + n + ext);
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.move(path, candidate); // without REPLACE_EXISTING: a name taken meanwhile is refused
                return candidate;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken between the look and the move: try the next name
            }
        }
        throw new IOException(target + " and " + MAX_SUFFIX + " numbered names beside it are taken");
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
