package dev.ferry.queue;

import dev.ferry.core.ItemRef;
import dev.ferry.core.UploadOptions;
import java.time.Instant;

/**
 * One unit of work handed to a worker: do {@code work} to {@code key} of the queue's bucket for {@code item}. The
 * item is named by its source and key, not by a local path, so the queue holds the work of every kind of source
 * alike.
 *
 * @param key      destination key, the queue's de-duplication key
 * @param item     the item to carry, whose object to delete, or whose folder a marker marks
 * @param attempts failed attempts so far (0 for a fresh change)
 * @param queuedAt when the change was first seen, for latency
 * @param work     what to do to the key
 */
public record Task(String key, ItemRef item, int attempts, Instant queuedAt, Work work) {

    /** What a task does to its key. Every write to S3 goes through a lane as a task of one of these. */
    public sealed interface Work permits Carry, Delete, Mark {
        /** Carry the item to the key. */
        Work CARRY = new Carry();
        /** Delete the object at the key. */
        Work DELETE = new Delete();
    }

    /** Carry the item to the key: upload it, or find it there already (or retire it, gone, where the site does). */
    public record Carry() implements Work {
    }

    /**
     * Delete the object at the key: a sweep found it without its item (retire_deleted) and its guard allowed it.
     * Done only while the item is still absent; a worker takes the other due deletions of its queue with it and
     * sends them in one request.
     */
    public record Delete() implements Work {
    }

    /**
     * Write the sync marker object at the key (seed 004's "Synced at: ..."): a sweep found every file of its folder
     * in S3. With {@code localCopy} the same text is written to the item, the marker's path in the local folder.
     *
     * @param options storage class and encryption of the marker object, the site's
     */
    public record Mark(boolean localCopy, UploadOptions options) implements Work {
    }

    /** A task that carries its item. */
    public Task(String key, ItemRef item, int attempts, Instant queuedAt) {
        this(key, item, attempts, queuedAt, Work.CARRY);
    }
}
