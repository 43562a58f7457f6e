package dev.ferry.core;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Anything Ferry carries items from: a local tree today, another bucket (listed, or announced by SQS events) or
 * the files a control plane's policies choose tomorrow. The engine, its queues and lanes, the uploader and the
 * state store know items only through this interface and by {@link ItemRef} (source id and item key), never by a
 * local {@code Path}, so a new kind of source is one new implementation and some wiring, and none of those is
 * edited for it.
 *
 * <p>What a source must say, and why:
 * <ul>
 *   <li>its {@link #id()}, so two sources never share records;
 *   <li>its items in key order ({@link #list()}), streamed, so a sweep can merge it with the state store and a
 *       bucket listing, page by page, whatever the number of items;
 *   <li>an item's {@link #version} now, so the engine can tell a changed item from one already carried and see
 *       an item that changed while it was carried;
 *   <li>its {@link #content} by range, so a multipart upload reads parts in parallel;
 *   <li>optionally, its changes as they happen ({@link #feed}), so the engine hears of them before a sweep.
 * </ul>
 * Implementations are thread-safe: every worker of every lane of a site asks the same instance.
 */
public interface Source {

    /**
     * The source's identity, part of every {@link ItemRef} and record key. Stable across restarts: a local tree's
     * is the instance's id (so two hosts sharing one state store never collide), a bucket's its endpoint and name.
     */
    String id();

    /** The reference to one of this source's items. */
    default ItemRef ref(String item) {
        return new ItemRef(id(), item);
    }

    /** Whether {@code item} names an item of this source (several sources may share an id: each owns a part of it). */
    boolean owns(String item);

    /**
     * Every item now, with its version, in the order of its key as S3 orders keys ({@link RemoteEntry#KEY_ORDER}),
     * produced as it is consumed: memory does not grow with the number of items. Close the stream (a local walk
     * holds open folders, a listing an HTTP connection).
     */
    Stream<Item> list();

    /**
     * The item's version now; empty when there is no such item (deleted, or something there that is no item:
     * see {@link #notAnItem}).
     *
     * @throws IOException when the source cannot say (permission denied on a folder, the endpoint unreachable)
     */
    Optional<ItemVersion> version(String item) throws IOException;

    /**
     * For an item {@link #version} found nothing for: why something there is no item (a FIFO, a dangling link), or
     * empty when nothing is there, so the engine tells a deletion (which may retire the object) from an entry it
     * leaves alone. A container in the item's place (a local folder where a file was) is no entry of the item:
     * empty, as a deletion.
     */
    Optional<String> notAnItem(String item);

    /**
     * Whether the source as a whole is there now (a local tree: its folder exists). Items missing from a source
     * that is not there are not deletions: their objects are kept.
     */
    boolean available();

    /** The item's content, read by range; nothing is read or opened before a range is asked for. */
    ItemContent content(String item);

    /**
     * Deletes or moves the item ({@code how}) after its upload was verified and recorded, but only while it is
     * still the version {@code uploaded} (same size, modification time and inode): a file written again since is
     * left for its own upload. Never throws: what went wrong is the answer. A source that cannot do it (a bucket)
     * says so as a {@link AfterUpload.Failed}.
     */
    default AfterUpload.Result release(String item, FileStat uploaded, AfterUpload how) {
        return how.keeps() ? new AfterUpload.Done("kept")
                : new AfterUpload.Failed("this source does not delete or move its items");
    }

    /**
     * Starts telling {@code changes} about items that change, until the returned handle is closed. A source that
     * cannot feed changes (the engine then finds them by sweeps alone) returns a handle that does nothing.
     */
    default AutoCloseable feed(Changes changes) {
        return () -> {
        };
    }

    /** One item of a listing. */
    record Item(String item, ItemVersion version) {
    }

    /**
     * What a source tells the engine as changes happen. Never blocks and never throws: a source calls it from its
     * own thread (a watcher's, a queue poller's).
     */
    interface Changes {
        /** The item may differ from its destination (created, changed or deleted): it carries no content. */
        void changed(ItemRef item);

        /** Changes were lost (an overflow, a watcher error): the source needs a full sweep. */
        void rescan();
    }
}
