package dev.ferry.testing;

import dev.ferry.core.Checksums;
import dev.ferry.core.FileStat;
import dev.ferry.core.ItemContent;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.Source;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A {@link Source} held in memory, for tests: what a new kind of source must implement to be carried by the
 * engine, and nothing more. Items are named under a root (as {@code /memory/docs/a.txt}), because a site's router
 * maps path-shaped item keys; each has bytes and a modification time, its version states its size, mtime, ETag and
 * MD5 (as an object of another bucket would), and every {@link #put} or {@link #delete} is fed to the listeners
 * the engine gave, as an SQS feed of S3 events would.
 */
public final class MemorySource implements Source {
    private final String id;
    private final String root;
    private final ConcurrentSkipListMap<String, Entry> items = new ConcurrentSkipListMap<>(RemoteEntry.KEY_ORDER);
    private final CopyOnWriteArrayList<Changes> feeds = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;

    private record Entry(byte[] content, long mtimeMillis, String md5) {
    }

    /** @param root the folder-like prefix of every item key, as "/memory" */
    public MemorySource(String id, String root) {
        this.id = id;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    /** The key of the item at {@code relative} under the root. */
    public String item(String relative) {
        return root + "/" + relative;
    }

    /** Creates or replaces an item, then tells the feeds. Returns its key. */
    public String put(String relative, String content, Instant mtime) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String item = item(relative);
        items.put(item, new Entry(bytes, mtime.toEpochMilli(), md5(bytes)));
        feeds.forEach(f -> f.changed(ref(item)));
        return item;
    }

    /** Removes an item, then tells the feeds. */
    public void delete(String relative) {
        String item = item(relative);
        items.remove(item);
        feeds.forEach(f -> f.changed(ref(item)));
    }

    /** Makes the whole source away (as an unreachable bucket, an unmounted disk) or back. */
    public void available(boolean now) {
        available = now;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean owns(String item) {
        return item.startsWith(root + "/");
    }

    @Override
    public Stream<Item> list() {
        return items.entrySet().stream().map(e -> new Item(e.getKey(), version(e.getValue())));
    }

    @Override
    public Optional<ItemVersion> version(String item) {
        return Optional.ofNullable(items.get(item)).map(MemorySource::version);
    }

    @Override
    public Optional<String> notAnItem(String item) {
        return Optional.empty();
    }

    @Override
    public boolean available() {
        return available;
    }

    @Override
    public ItemContent content(String item) {
        return new ItemContent() {
            @Override
            public String name() {
                return item.substring(item.lastIndexOf('/') + 1);
            }

            @Override
            public InputStream open(long offset, long length) throws IOException {
                byte[] bytes = current().content();
                int from = (int) Math.min(offset, bytes.length);
                return new ByteArrayInputStream(bytes, from, bytes.length - from);
            }

            @Override
            public long currentLength() throws IOException {
                return current().content().length;
            }

            private Entry current() throws IOException {
                Entry entry = items.get(item);
                if (entry == null) {
                    throw new NoSuchFileException(item);
                }
                return entry;
            }
        };
    }

    @Override
    public AutoCloseable feed(Changes changes) {
        feeds.add(changes);
        return () -> feeds.remove(changes);
    }

    private static ItemVersion version(Entry e) {
        return new ItemVersion(new FileStat(e.content().length, e.mtimeMillis()), Optional.of(e.md5()),
                Optional.of(e.md5()));
    }

    private static String md5(byte[] bytes) {
        try {
            return Checksums.md5Hex(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
