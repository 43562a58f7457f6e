package dev.ferry.queue;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One unit of work handed to a worker: upload the file at {@code path} to {@code key} of the queue's bucket.
 *
 * @param key      destination key, the queue's de-duplication key
 * @param path     local file
 * @param attempts failed attempts so far (0 for a fresh change)
 * @param queuedAt when the change was first seen, for latency
 */
public record Task(String key, Path path, int attempts, Instant queuedAt) {
}
