package dev.ferry.core;

import java.util.Objects;

/** Where a local file goes: a bucket and a key. */
public record Destination(String bucket, String key) {
    public Destination {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return bucket + "/" + key;
    }
}
