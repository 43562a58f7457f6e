package dev.ferry.transfer;

import dev.ferry.core.RemoteEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A ListObjectsV2 listing as an iterator. While the consumer works through one page, the next one is already
 * being fetched (on a daemon thread of its own), so a comparison of a large prefix does not wait for a round
 * trip every 1,000 keys; at most two pages are held in memory. Closing the stream cancels a fetch ahead.
 * Zero-byte keys ending in "/" are skipped: S3 consoles create them as folder placeholders and S3Proxy's
 * filesystem backend lists one for each directory; no file has such a name.
 * Not thread-safe (one consumer per listing, like any iterator); the store may run many listings at once.
 */
final class ObjectListing implements Iterator<RemoteEntry> {
    static final int PAGE_SIZE = 1000;

    private final S3Client s3;
    private final Failures failures;
    private final String bucket;
    private final String prefix;
    private final int pageSize;
    /** Fetches of the next page, ahead of the consumer: a thread for each that is busy, none when idle. */
    private static final ExecutorService AHEAD = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "s3-listing-ahead");
        t.setDaemon(true);
        return t;
    });

    private Iterator<S3Object> page = Collections.emptyIterator();
    /** The next page, being fetched while this one is consumed; null when none is. */
    private Future<ListObjectsV2Response> ahead;
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
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false).onClose(listing::cancel);
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
        ListObjectsV2Response response = ahead == null ? request(continuation) : awaitAhead();
        page = response.contents().iterator();
        continuation = response.nextContinuationToken();
        lastPage = !Boolean.TRUE.equals(response.isTruncated()) || continuation == null || continuation.isEmpty();
        if (!lastPage) {
            String token = continuation;
            ahead = AHEAD.submit(() -> request(token));
        }
    }

    private ListObjectsV2Response request(String token) {
        try {
            return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(pageSize).continuationToken(token));
        } catch (RuntimeException e) {
            if (!unparsable(e)) {
                throw failures.remote(bucket + "/" + prefix, "cannot list objects", e);
            }
        }
        // A key with a control character (a file name may hold any but '/' and NUL) cannot be written in XML 1.0:
        // the page is asked for again with its keys URL-encoded (the SDK decodes them). Only then: some
        // S3-compatible servers mishandle encoding-type=url (rclone turns it off for Ceph and a few others).
        try {
            return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(pageSize).continuationToken(token)
                    .encodingType(EncodingType.URL));
        } catch (RuntimeException e) {
            throw failures.remote(bucket + "/" + prefix, "cannot list objects", e);
        }
    }

    /** The answer came but its XML could not be read. */
    static boolean unparsable(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof javax.xml.stream.XMLStreamException) {
                return true;
            }
        }
        return false;
    }

    /** The page fetched ahead; its failure is thrown here, to the consumer, as if it had fetched it itself. */
    private ListObjectsV2Response awaitAhead() {
        Future<ListObjectsV2Response> f = ahead;
        ahead = null;
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw failures.remote(bucket + "/" + prefix, "cannot list objects", e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw failures.remote(bucket + "/" + prefix, "cannot list objects", e);
        }
    }

    /** The consumer is done (the stream was closed): a fetch ahead is not needed any more. */
    private void cancel() {
        Future<ListObjectsV2Response> f = ahead;
        ahead = null;
        if (f != null) {
            f.cancel(true);
        }
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
