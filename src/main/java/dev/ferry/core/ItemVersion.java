package dev.ferry.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What a source says about the version of one item now: enough for the engine to tell whether it changed since it
 * was recorded, without reading its content. The {@link FileStat} part is what records keep and compare (size and
 * modification time for every source; inode change time and inode number where a local file has them, unknown
 * elsewhere). A source that knows more says so: an object's ETag, a checksum the source already has (so nothing
 * has to read the content to learn it).
 *
 * @param stat   size, modification time, and for a local file its ctime and inode
 * @param etag   the item's ETag when its source has one (an object of another bucket), else empty
 * @param md5Hex the lower-case hex MD5 of the content when the source knows it without reading, else empty
 */
public record ItemVersion(FileStat stat, Optional<String> etag, Optional<String> md5Hex) {
    public ItemVersion {
        Objects.requireNonNull(stat, "stat");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(md5Hex, "md5Hex");
    }

    /** The version of a local file: its stat alone (its checksum costs a read of the file). */
    public static ItemVersion of(FileStat stat) {
        return new ItemVersion(stat, Optional.empty(), Optional.empty());
    }

    public long size() {
        return stat.size();
    }

    public long mtimeMillis() {
        return stat.mtimeMillis();
    }
}
