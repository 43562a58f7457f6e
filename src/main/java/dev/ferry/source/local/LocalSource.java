package dev.ferry.source.local;

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
        return LocalStat.of(path(item)).map(ItemVersion::of);
    }

    @Override
    public Optional<String> notAnItem(String item) {
        Path path = path(item);
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? Optional.of(LocalStat.notARegularFile(path))
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

    @Override
    public String toString() {
        return root.toString();
    }
}
