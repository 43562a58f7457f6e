package dev.ferry.queue;

import dev.ferry.core.ItemRef;
import java.time.Instant;

/**
 * One unit of work handed to a worker: carry {@code item} to {@code key} of the queue's bucket. The item is named
 * by its source and key, not by a local path, so the queue holds the work of every kind of source alike.
 *
 * @param key      destination key, the queue's de-duplication key
 * @param item     the item to carry
 * @param attempts failed attempts so far (0 for a fresh change)
 * @param queuedAt when the change was first seen, for latency
 */
public record Task(String key, ItemRef item, int attempts, Instant queuedAt) {
}
