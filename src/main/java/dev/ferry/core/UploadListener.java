package dev.ferry.core;

import java.time.Duration;

/**
 * Told of every outcome of every upload attempt (metrics, the status page). Called on worker threads:
 * implementations must be fast, must not block and must not throw.
 */
@FunctionalInterface
public interface UploadListener {

    /**
     * @param bucket      the name of the file's bucket in /status and metrics: the destination bucket, or for a
     *                    site ({@code sites:}) the site's name (bucket/prefix), so that every series of a site
     *                    carries the same label
     * @param key         destination key
     * @param item        the item carried (its source and key)
     * @param outcome     what happened
     * @param sinceQueued time from the change being seen (queued) to this outcome
     */
    void onOutcome(String bucket, String key, ItemRef item, UploadOutcome outcome, Duration sinceQueued);

    UploadListener NONE = (bucket, key, item, outcome, sinceQueued) -> { };
}
