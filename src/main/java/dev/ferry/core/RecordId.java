package dev.ferry.core;

import java.util.Objects;

/**
 * The identity of a record: what was carried from where to where. One item of one source has one record per
 * destination, so one folder may feed two buckets, and two hosts sharing one MongoDB never share a record.
 *
 * @param source      the source's id; for a local tree, this daemon's {@link InstanceId} (later sources: e.g.
 *                    {@code s3://bucket/prefix})
 * @param item        the item's key in its source; for a local tree, the absolute normalized path
 * @param destination the destination bucket ("" for an item that has none, e.g. a file rejected at the root)
 */
public record RecordId(String source, String item, String destination) {

    public RecordId {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(destination, "destination");
    }

    /** The record of a local file of this daemon's trees going to {@code bucket}. */
    public static RecordId local(InstanceId instance, String path, String bucket) {
        return new RecordId(instance.value(), path, bucket);
    }

    @Override
    public String toString() {
        return source + ":" + item + " -> " + destination;
    }
}
