package dev.ferry.transfer;

import dev.ferry.core.RemoteEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A ListObjectsV2 listing as an iterator that fetches the next page only when the current one is used up, so
 * at most one page is held in memory. Zero-byte keys ending in "/" are skipped: S3 consoles create them as
 * folder placeholders and S3Proxy's filesystem backend lists one for each directory; no file has such a name.
 * Not thread-safe (one consumer per listing, like any iterator); the store may run many listings at once.
 */
final class ObjectListing implements Iterator<RemoteEntry> {
    static final int PAGE_SIZE = 1000;

    private final S3Client s3;
    private final Failures failures;
    private final String bucket;
    private final String prefix;
    private final int pageSize;
    private Iterator<S3Object> page = Collections.emptyIterator();
    private String continuation;
    private boolean lastPage;
    private RemoteEntry next;

    private ObjectListing(S3Client s3, Failures failures, String bucket, String prefix, int pageSize) {
        this.s3 = s3;
        this.failures = failures;
        this.bucket = bucket;
        this.prefix = prefix;
        this.pageSize = pageSize;
    }

    static Stream<RemoteEntry> stream(S3Client s3, Failures failures, String bucket, String prefix, int pageSize) {
        if (pageSize < 1 || pageSize > PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + PAGE_SIZE + ", got " + pageSize);
        }
        ObjectListing listing = new ObjectListing(s3, failures, bucket, prefix, pageSize);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (!page.hasNext()) {
                if (lastPage) {
                    return false;
                }
                fetch();
                continue;
            }
            S3Object object = page.next();
            if (!isFolderPlaceholder(object)) {
                next = entry(object);
            }
        }
        return true;
    }

    @Override
    public RemoteEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RemoteEntry result = next;
        next = null;
        return result;
    }

    private void fetch() {
        ListObjectsV2Response response;
        try {
            response = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(pageSize)
                    .continuationToken(continuation));
        } catch (RuntimeException e) {
            throw failures.remote(bucket + "/" + prefix, "cannot list objects", e);
        }
        page = response.contents().iterator();
        continuation = response.nextContinuationToken();
        lastPage = !Boolean.TRUE.equals(response.isTruncated()) || continuation == null || continuation.isEmpty();
    }

    static boolean isFolderPlaceholder(S3Object object) {
        return object.key().endsWith("/") && (object.size() == null || object.size() == 0);
    }

    static RemoteEntry entry(S3Object object) {
        String storageClass = object.storageClassAsString();
        return new RemoteEntry(object.key(),
                object.size() == null ? 0 : object.size(),
                S3ObjectStore.unquote(object.eTag()),
                object.lastModified() == null ? Instant.EPOCH : object.lastModified(),
                storageClass == null || storageClass.isBlank() ? "STANDARD" : storageClass);
    }
}
