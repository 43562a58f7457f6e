package dev.ferry.core;

import java.util.Objects;

/**
 * Names one item of one source: what the queues, the lanes and the uploader carry instead of a local path, so
 * they work alike for every kind of source (a local tree, another bucket, a control plane's choice of files).
 * The item key means something only to its source (a local tree: the file's absolute normalized path; a bucket:
 * the object's key); nobody else parses it.
 *
 * @param source the {@link Source#id() id} of the source
 * @param item   the item's key within that source
 */
public record ItemRef(String source, String item) {
    public ItemRef {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(item, "item");
    }

    /** The item key: what log lines and the state store show. */
    @Override
    public String toString() {
        return item;
    }
}
