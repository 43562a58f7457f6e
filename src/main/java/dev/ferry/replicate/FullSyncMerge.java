package dev.ferry.replicate;

import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision of a full sync, as a stream: merges the source listing (its prefix remapped to the
 * destination's) with the destination listing, both in S3's key order, into one {@link SyncDecision} per key.
 * It holds one entry of each side at a time, so memory does not grow with the bucket; the listings are
 * iterators the caller pages. Copy when the destination lacks the key or holds another size or content
 * ({@link CopyMetadata#sameContent}); delete a destination-only key only when {@code delete} is on and the key
 * is inside the destination prefix; else same. A key of either side that {@link KeyMapping#refusal} refuses is
 * {@link SyncDecision.Refused}: neither compared, copied nor deleted.
 *
 * <p>A destination HEAD ({@link Lookup}) is asked only where the listing cannot decide: equal sizes and an
 * ETag on either side that is not a plain MD5 (a multipart object).
 *
 * <p>The merge is only right when both listings come in {@link RemoteEntry#KEY_ORDER}, as S3 lists (UTF-8 byte
 * order). Some S3-compatible servers list in another order (S3Proxy in Java's UTF-16 order, which puts an emoji
 * before a full-width letter), and then a key both sides hold reads as missing on one side and extra on the other.
 * So each listing's order is checked as it is read ({@link #outOfOrder()}): from the first key out of order on,
 * a key that reads as missing is looked up in the destination before it is called missing, and the caller must
 * look up the source before it deletes what read as extra ({@link FullSync} does).
 */
public final class FullSyncMerge implements Iterator<SyncDecision> {

    /** The destination object's HEAD, by key; empty when it is gone. Called only when the listing cannot decide. */
    @FunctionalInterface
    public interface Lookup {
        Optional<RemoteObject> head(String destinationKey);
    }

    private static final Comparator<String> ORDER = RemoteEntry.KEY_ORDER;

    private final Iterator<RemoteEntry> source;
    private final Iterator<RemoteEntry> destination;
    private final String sourcePrefix;
    private final String destinationPrefix;
    private final boolean delete;
    private final Lookup lookup;
    private RemoteEntry src;
    private RemoteEntry dst;
    private SyncDecision next;
    private String lastSource;
    private String lastDestination;
    private String disorder;

    /**
     * @param source            the source listing under {@code sourcePrefix}, in key order
     * @param destination       the destination listing under {@code destinationPrefix}, in key order
     * @param sourcePrefix      "" or ending in "/"
     * @param destinationPrefix "" or ending in "/"
     * @param delete            whether destination-only keys are deleted
     */
    public FullSyncMerge(Iterator<RemoteEntry> source, Iterator<RemoteEntry> destination, String sourcePrefix,
            String destinationPrefix, boolean delete, Lookup lookup) {
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.sourcePrefix = Objects.requireNonNull(sourcePrefix, "sourcePrefix");
        this.destinationPrefix = Objects.requireNonNull(destinationPrefix, "destinationPrefix");
        this.delete = delete;
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (src == null) {
                src = nextInside(source, sourcePrefix);
                lastSource = checkOrder("source", lastSource, src);
            }
            if (dst == null) {
                dst = nextInside(destination, destinationPrefix);
                lastDestination = checkOrder("destination", lastDestination, dst);
            }
            if (src == null && dst == null) {
                return false;
            }
            if (src != null && KeyMapping.refusal(src.key()).isPresent()) {
                next = new SyncDecision.Refused(src.key(), true, KeyMapping.refusal(src.key()).get());
                src = null;
                continue;
            }
            if (dst != null && KeyMapping.refusal(dst.key()).isPresent()) {
                if (delete) { // without delete: true, a destination-only key is left alone anyway
                    next = new SyncDecision.Refused(dst.key(), false, KeyMapping.refusal(dst.key()).get());
                }
                dst = null;
                continue;
            }
            String mapped = src == null ? null : KeyMapping.remap(src.key(), sourcePrefix, destinationPrefix);
            int c = src == null ? 1 : dst == null ? -1 : ORDER.compare(mapped, dst.key());
            if (c < 0) {
                next = disorder == null ? new SyncDecision.Copy(src, mapped, SyncDecision.Reason.MISSING)
                        : missingOrElsewhere(src, mapped);
                src = null;
            } else if (c > 0) {
                if (delete) {
                    next = new SyncDecision.Delete(dst);
                }
                dst = null;
            } else {
                next = compare(src, mapped, dst);
                src = null;
                dst = null;
            }
        }
        return true;
    }

    @Override
    public SyncDecision next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SyncDecision d = next;
        next = null;
        return d;
    }

    /** Whether a listing came out of {@link RemoteEntry#KEY_ORDER}: the merge may then have mispaired keys. */
    public boolean outOfOrder() {
        return disorder != null;
    }

    /** The first key out of order, for the log ("source: a before b"); empty while the order holds. */
    public Optional<String> disorder() {
        return Optional.ofNullable(disorder);
    }

    private String checkOrder(String side, String last, RemoteEntry e) {
        if (e == null) {
            return last;
        }
        if (last != null && ORDER.compare(last, e.key()) >= 0 && disorder == null) {
            disorder = side + " listing: " + e.key() + " after " + last;
        }
        return e.key();
    }

    /** A source key the destination listing seemed to lack while the order does not hold: its HEAD decides. */
    private SyncDecision missingOrElsewhere(RemoteEntry s, String key) {
        Optional<RemoteObject> there = lookup.head(key);
        if (there.isEmpty()) {
            return new SyncDecision.Copy(s, key, SyncDecision.Reason.MISSING);
        }
        if (there.get().size() != s.size()) {
            return new SyncDecision.Copy(s, key, SyncDecision.Reason.SIZE);
        }
        return CopyMetadata.sameContent(s.etag(), there.get().etag(), there) ? new SyncDecision.Same(s, key)
                : new SyncDecision.Copy(s, key, SyncDecision.Reason.CONTENT);
    }

    private SyncDecision compare(RemoteEntry s, String key, RemoteEntry d) {
        if (s.size() != d.size()) {
            return new SyncDecision.Copy(s, key, SyncDecision.Reason.SIZE);
        }
        Optional<RemoteObject> head = CopyMetadata.listingShowsSame(s.etag(), d.etag()) ? Optional.empty()
                : lookup.head(key);
        if (!CopyMetadata.sameContent(s.etag(), d.etag(), head)) {
            return new SyncDecision.Copy(s, key, SyncDecision.Reason.CONTENT);
        }
        if (!CopyMetadata.writtenAfter(s.lastModified(), d.lastModified())) {
            return new SyncDecision.Same(s, key);
        }
        Optional<RemoteObject> copy = head.isPresent() ? head : lookup.head(key);
        return copy.isEmpty() || writtenAfter(s, d, copy.get()) ? new SyncDecision.Copy(s, key, SyncDecision.Reason.MODIFIED)
                : new SyncDecision.Same(s, key);
    }

    /**
     * Whether the source was written after its copy, though its content is the same: a change of metadata in place
     * (a copy onto itself with new headers) keeps the ETag and size, and only its time shows it. A copy is written
     * after its source, so this holds for no copy Ferry made of the source as it is. Listing times count whole
     * seconds: a change within the second of the copy waits for the next change. Only when the listing's dates say
     * so is the copy's HEAD read: the source date it records decides, so a destination whose clock is behind the
     * source's copies nothing again ({@link CopyMetadata#writtenAfter}).
     */
    static boolean writtenAfter(RemoteEntry source, RemoteEntry copy, RemoteObject copyHead) {
        return CopyMetadata.writtenAfter(source.lastModified(), copy.lastModified(), copyHead.metadata());
    }

    /** The next entry under {@code prefix}; entries outside it (a listing that strays) are skipped, never acted on. */
    private static RemoteEntry nextInside(Iterator<RemoteEntry> it, String prefix) {
        while (it.hasNext()) {
            RemoteEntry e = it.next();
            if (e.key().startsWith(prefix)) {
                return e;
            }
        }
        return null;
    }
}
