package dev.ferry.replicate;

import dev.ferry.core.FileStat;
import dev.ferry.core.ItemContent;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.Source;
import dev.ferry.core.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The objects under a prefix of a bucket as a {@link Source}: what a replication job carries from. Its id is
 * {@code s3://bucket/prefix}, qualified by the endpoint's host and port when the bucket is not on AWS (two
 * servers may each have a bucket of that name), so records of two sources never mix. An item is an object's
 * full key; its version is its size and ETag (the ETag is its MD5 too when it is a plain MD5, a single-part
 * object); its listing is the store's, page by page in key order, so memory stays flat whatever the bucket
 * holds; its content is read by ranged GETs.
 */
public final class BucketSource implements Source {
    private final String id;
    private final String bucket;
    private final String prefix;
    private final ObjectStore store;
    private final RangeReader reader;

    /**
     * @param endpoint the bucket's endpoint, empty for AWS (part of the id)
     * @param prefix   "" or ending in "/"
     */
    public BucketSource(String bucket, String prefix, Optional<URI> endpoint, ObjectStore store, RangeReader reader) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.store = Objects.requireNonNull(store, "store");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.id = idOf(bucket, prefix, endpoint);
    }

    /** {@code s3://bucket/prefix}, or {@code s3://host:port/bucket/prefix} for a bucket on another endpoint. */
    public static String idOf(String bucket, String prefix, Optional<URI> endpoint) {
        return endpoint.map(e -> "s3://" + e.getHost() + (e.getPort() > 0 ? ":" + e.getPort() : "") + "/" + bucket
                + "/" + prefix).orElse("s3://" + bucket + "/" + prefix);
    }

    @Override
    public String id() {
        return id;
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public boolean owns(String item) {
        return item.startsWith(prefix);
    }

    /** The listing as the store gives it (key order, paged): what a full sync merges with a destination's. */
    public Stream<RemoteEntry> entries() {
        return store.list(bucket, prefix);
    }

    @Override
    public Stream<Item> list() {
        return entries().map(e -> new Item(e.key(), versionOf(e.size(), e.etag(), e.lastModified().toEpochMilli())));
    }

    @Override
    public Optional<ItemVersion> version(String item) throws IOException {
        try {
            return store.head(bucket, item).map(BucketSource::versionOf);
        } catch (TransferException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static ItemVersion versionOf(RemoteObject o) {
        return new ItemVersion(new FileStat(o.size(), o.mtimeMillis().orElse(0L)), Optional.of(o.etag()),
                CopyMetadata.isPlainMd5(o.etag()) ? Optional.of(o.etag().toLowerCase(java.util.Locale.ROOT))
                        : o.md5Hex());
    }

    static ItemVersion versionOf(long size, String etag, long lastModifiedMillis) {
        return new ItemVersion(new FileStat(size, lastModifiedMillis), Optional.of(etag),
                CopyMetadata.isPlainMd5(etag) ? Optional.of(etag.toLowerCase(java.util.Locale.ROOT)) : Optional.empty());
    }

    /** The object's HEAD, empty when it does not exist; throws {@link TransferException}. */
    Optional<RemoteObject> head(String key) {
        return store.head(bucket, key);
    }

    @Override
    public Optional<String> notAnItem(String item) {
        return Optional.empty(); // a key names an object or nothing
    }

    @Override
    public boolean available() {
        return true; // a bucket that cannot be listed fails the listing; it is never taken for an empty one
    }

    /** Asks the source's endpoint one cheap question; throws an UNREACHABLE TransferException when it does not. */
    void probe() {
        store.probe(bucket);
    }

    @Override
    public ItemContent content(String item) {
        return new ItemContent() {
            @Override
            public String name() {
                int slash = item.lastIndexOf('/');
                return slash < 0 ? item : item.substring(slash + 1);
            }

            @Override
            public InputStream open(long offset, long length) throws IOException {
                return reader.open(bucket, item, offset, length);
            }

            @Override
            public long currentLength() throws IOException {
                return version(item).map(ItemVersion::size).orElseThrow(() -> new IOException("s3://" + bucket + "/"
                        + item + ": no such object"));
            }
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
