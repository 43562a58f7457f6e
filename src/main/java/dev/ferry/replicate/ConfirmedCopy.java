package dev.ferry.replicate;

import dev.ferry.core.FailureKind;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.transfer.CopyRequest;
import dev.ferry.transfer.CopyResult;
import dev.ferry.transfer.SourceChangedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one source key to one destination key so that the destination ends with the version the source holds,
 * however many copiers write that key at once: a full sync and event mode in one process, or several instances
 * consuming one queue. The rule is "the last writer confirms":
 * <ol>
 * <li>each copy is of one named version: the copier is told the ETag the caller listed or headed, copies exactly
 * it (conditional reads), or stops with {@link SourceChangedException} when the source holds another, so the copy's
 * metadata ({@link CopyMetadata#SOURCE_ETAG}) always names what it holds;</li>
 * <li>after the copy is written, the source is headed again. Still that version: the destination held the
 * source's version at a moment after this write, and any later change is a later event or the next full sync, whose
 * copy confirms the same way. Another version: a slower copy of an older version may have landed after a newer
 * one (a streamed copy that read the old bytes before the rewrite), so the copy runs again with the version there
 * now. Gone: the copy may have landed after the deletion was mirrored; the caller decides
 * ({@link Outcome.SourceGone}).</li>
 * </ol>
 * Of all concurrent writers of a key, the one whose write lands last confirms after it, so the key never stays
 * at an older version; no lock or conditional write across processes is needed, at the price of one HEAD of the
 * source per copy. A source that keeps changing through {@link #MAX_ROUNDS} copies fails this one (retryable): its
 * next event or full sync copies it again.
 *
 * <p>The confirmation is asked for ({@code confirm}) by jobs that have an event queue. A job without one has no
 * writer that could land a newer version before a slower older one: its only writers are full syncs, and a source
 * that changes after a full sync listed it is the next full sync's, whichever copy landed last; so its copies are
 * not confirmed, one HEAD fewer each.
 *
 * <p>In a job without an event queue, a copy of a single-part object (a plain MD5 ETag) with no metadata but Ferry's goes to a server-side replica
 * without that metadata: the copy's ETag is then the source's, which says the same ({@link CopyMetadata#sameContent}),
 * and the copier needs no HEAD of the source to carry its metadata over (one request per copy instead of two). A
 * replica whose copies come out with other ETags (KMS encryption) gets the metadata from its first such copy on,
 * that copy made again with it.
 */
final class ConfirmedCopy {
    private static final Logger log = LoggerFactory.getLogger(ConfirmedCopy.class);
    /** Copies of one key at most in one call, when the source changes during each. */
    static final int MAX_ROUNDS = 4;

    /**
     * A version of the source object: what a listing or HEAD said.
     *
     * @param storageClass the source's storage class when known: a copy that carries metadata over as it is keeps it
     */
    record Version(long size, String etag, Optional<String> md5Hex, long mtimeMillis, Optional<String> storageClass,
            Optional<java.time.Instant> lastModified) {
        Version {
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(md5Hex, "md5Hex");
            Objects.requireNonNull(storageClass, "storageClass");
            Objects.requireNonNull(lastModified, "lastModified");
        }

        Version(long size, String etag, Optional<String> md5Hex, long mtimeMillis) {
            this(size, etag, md5Hex, mtimeMillis, Optional.empty(), Optional.empty());
        }

        static Version of(RemoteEntry e) {
            return new Version(e.size(), e.etag(), Optional.empty(), e.lastModified().toEpochMilli(),
                    Optional.of(e.storageClass()), Optional.of(e.lastModified()));
        }

        static Version of(RemoteObject o) {
            return new Version(o.size(), o.etag(), o.md5Hex(), o.mtimeMillis().orElse(0L),
                    Optional.of(o.storageClass()), o.lastModified());
        }

        boolean sameAs(RemoteObject o) {
            return etag.equalsIgnoreCase(o.etag()) && size == o.size();
        }
    }

    /** How a confirmed copy ended. */
    sealed interface Outcome {
        /** The destination holds {@code version}, which the source held after the copy was written. */
        record Copied(CopyResult result, Version version, int rounds) implements Outcome {
        }

        /**
         * The source object is gone. {@code copyMayRemain}: a copy may have been written before it went (or a
         * failed copy may have written it), which the mirrored deletion may have missed; false when nothing was.
         */
        record SourceGone(boolean copyMayRemain) implements Outcome {
        }
    }

    private final BucketSource source;
    private final boolean confirm;
    /** Replicas whose copies came out with another ETag than their source's: they always get the metadata. */
    private final Set<Replica> etagsDiffer = ConcurrentHashMap.newKeySet();

    /** @param confirm whether each copy is confirmed by a HEAD of the source (jobs with an event queue) */
    ConfirmedCopy(BucketSource source, boolean confirm) {
        this.source = Objects.requireNonNull(source, "source");
        this.confirm = confirm;
    }

    /**
     * Copies {@code key}, first as {@code first} (the version listed or headed), to {@code destinationKey} of
     * {@code r}, with {@code extra} metadata beside Ferry's copy metadata; throws {@link TransferException}.
     */
    Outcome copy(String key, Version first, Replica r, String destinationKey, Map<String, String> extra) {
        // a destination prefix longer than the source's can make a key S3 refuses: said once, never retried
        dev.ferry.transfer.S3ObjectStore.checkKey(dev.ferry.transfer.S3ObjectStore.subject(r.bucket(), destinationKey),
                destinationKey);
        Version v = first;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            CopyResult done;
            try {
                done = copyOnce(key, v, r, destinationKey, extra);
            } catch (SourceChangedException changed) {
                Optional<RemoteObject> now = source.head(key);
                if (now.isEmpty()) {
                    return new Outcome.SourceGone(false);
                }
                log.debug("{}; copying the version there now", changed.getMessage());
                v = Version.of(now.get());
                continue;
            } catch (TransferException failed) {
                if (source.head(key).isEmpty()) { // deleted since it was listed or headed: not a failure
                    return new Outcome.SourceGone(true);
                }
                throw failed;
            }
            if (!confirm) {
                return new Outcome.Copied(done, v, round);
            }
            Optional<RemoteObject> now = source.head(key);
            if (now.isEmpty()) {
                return new Outcome.SourceGone(true);
            }
            if (v.sameAs(now.get())) {
                return new Outcome.Copied(done, v, round);
            }
            log.debug("s3://{}/{} changed while it was copied to s3://{}/{} (ETag {}, copied {}): copying again",
                    source.bucket(), key, r.bucket(), destinationKey, now.get().etag(), v.etag());
            v = Version.of(now.get());
        }
        throw new TransferException(FailureKind.RETRYABLE, "s3://" + source.bucket() + "/" + key + ": changed during "
                + "each of " + MAX_ROUNDS + " copies to s3://" + r.bucket() + "/" + destinationKey
                + "; its next event or full sync copies it again");
    }

    /**
     * One copy of version {@code v}: without metadata when its ETag says all ({@link #bare}), made again with it
     * when the copy's ETag came out another.
     */
    private CopyResult copyOnce(String key, Version v, Replica r, String destinationKey, Map<String, String> extra) {
        CopyRequest.Version named = new CopyRequest.Version(v.etag(), v.size());
        if (bare(v, r, extra)) {
            UploadOptions options = r.options();
            if (options.storageClass().isEmpty()) { // the source's, as a copy that reads it keeps it
                options = new UploadOptions(v.storageClass().filter(c -> !c.equals("STANDARD")),
                        options.serverSideEncryption(), options.kmsKeyId());
            }
            CopyResult done = r.copier().copy(new CopyRequest(source.bucket(), key, r.bucket(), destinationKey,
                    Map.of(), options, Optional.of(named)));
            if (done.etag().equalsIgnoreCase(v.etag())) {
                return done;
            }
            if (etagsDiffer.add(r)) {
                log.info("s3://{}/{}: copies there get other ETags than their sources (encryption): each carries the "
                        + "source's ETag in its metadata from now on", r.bucket(), r.prefix());
            }
        }
        return r.copier().copy(new CopyRequest(source.bucket(), key, r.bucket(), destinationKey, metadata(v, extra),
                r.options(), Optional.of(named)));
    }

    /**
     * Whether a copy may go without Ferry's metadata: a server-side copy of a single-part object (plain MD5 ETag,
     * which its copy keeps) with no other metadata to add, to a replica not known to change ETags, in a job without
     * an event queue. A bare copy takes the source's metadata as it is, and a source that is itself a copy (a chain
     * of jobs) carries the sequencer of its own source's events: with events, that would make this job's newer
     * events look older than the copy and be skipped.
     */
    private boolean bare(Version v, Replica r, Map<String, String> extra) {
        return !confirm && extra.isEmpty() && r.serverSide() && CopyMetadata.isPlainMd5(v.etag()) && !etagsDiffer.contains(r)
                && r.options().serverSideEncryption().filter(e -> e.startsWith("aws:kms")).isEmpty();
    }

    private static Map<String, String> metadata(Version v, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(CopyMetadata.forCopyOf(v.etag(), v.md5Hex(), v.lastModified()));
        m.putAll(extra);
        return m;
    }
}
