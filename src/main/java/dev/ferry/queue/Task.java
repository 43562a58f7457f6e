package dev.ferry.queue;

import dev.ferry.core.ItemRef;
import java.time.Instant;

/**
 * One unit of work handed to a worker: do {@code work} to {@code key} of the queue's bucket for {@code item}. The
 * item is named by its source and key, not by a local path, so the queue holds the work of every kind of source
 * alike.
 *
 * @param key      destination key, the queue's de-duplication key
 * @param item     the item to carry, or whose object to delete
 * @param attempts failed attempts so far (0 for a fresh change)
 * @param queuedAt when the change was first seen, for latency
 * @param work     what to do to the key
 */
public record Task(String key, ItemRef item, int attempts, Instant queuedAt, Work work) {

    /** What a task does to its key. Every write to S3 goes through a lane as a task of one of these. */
    public enum Work {
        /** Carry the item to the key: upload it, or find it there already (or retire it, gone, where the site does). */
        CARRY,
        /**
         * Delete the object at the key: a sweep found it without its item (retire_deleted) and its guard allowed it.
         * Done only while the item is still absent; a worker takes the other due deletions of its queue with it and
         * sends them in one request.
         */
        DELETE
    }

    /** A task that carries its item. */
    public Task(String key, ItemRef item, int attempts, Instant queuedAt) {
        this(key, item, attempts, queuedAt, Work.CARRY);
    }
}
