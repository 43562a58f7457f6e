package dev.ferry.replicate;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.DeleteGuard;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.transfer.CopyRequest;
import dev.ferry.transfer.CopyResult;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one S3 event of a job's source to each of its destinations, the way a full sync would carry that key:
 * <ul>
 * <li>created: HEAD the source (an object already gone is skipped: its removal event follows), then per destination
 * HEAD the copy (the key remapped from the source prefix to the destination's); a copy recording a newer S3
 * sequencer than the event's, or the source's current ETag, is left alone; otherwise the source's current object is
 * copied with the job's copier, the event's sequencer recorded in the copy's metadata
 * ({@link CopyMetadata#SOURCE_SEQUENCER}) beside the source ETag, and the copy recorded in the state store;</li>
 * <li>removed (only with {@code delete: true}): skipped while the source holds the key again (a newer creation);
 * else per destination deleted unless the copy records a newer sequencer, always inside the destination prefix,
 * each deletion allowed by its destination's {@link DeleteGuard} (max_delete in any 10 minutes);</li>
 * <li>any other event: nothing.</li>
 * </ul>
 * Events of one key are applied one at a time in this process (a lock per key stripe), so two messages of one key
 * in one batch cannot interleave their HEAD and copy. Across processes no lock is needed: every copy is confirmed
 * by a HEAD of the source after it is written ({@link ConfirmedCopy}), and every deletion too (a key created again
 * meanwhile is copied back), so whichever write lands last leaves the source's current state.
 */
final class EventApplier {
    private static final Logger log = LoggerFactory.getLogger(EventApplier.class);
    private static final int STRIPES = 64;
    /** Hand-overs between copying and deleting one key in one message while its source flips (then it returns). */
    private static final int TURNS = 2;

    private final String name;
    private final BucketSource source;
    private final List<Replica> replicas;
    private final boolean delete;
    /** Each destination's guard: max_delete holds for each, as a full sync's batch guard does. */
    private final Map<Replica, DeleteGuard> guards = new IdentityHashMap<>();
    private final Optional<RecordKeeper> records;
    private final Clock clock;
    private final JobStats stats;
    private final EventStats events;
    private final Object[] stripes = new Object[STRIPES];
    private final ConfirmedCopy confirmed;
    /** The source and each destination as {@link Outages} probes them. */
    private final Outages.Endpoint sourceEndpoint;
    private final Map<Replica, Outages.Endpoint> endpoints = new IdentityHashMap<>();
    /** Buckets whose events outside the source were logged at INFO (once each, a bounded number). */
    private final java.util.Set<String> outsideSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_OUTSIDE_SEEN = 1000;

    EventApplier(String name, BucketSource source, List<Replica> replicas, boolean delete, int maxDelete,
            Optional<RecordKeeper> records, Clock clock, JobStats stats, EventStats events) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.replicas = List.copyOf(replicas);
        this.delete = delete;
        this.records = Objects.requireNonNull(records, "records");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replicas.forEach(r -> guards.put(r, new DeleteGuard(maxDelete, clock)));
        this.stats = Objects.requireNonNull(stats, "stats");
        this.events = Objects.requireNonNull(events, "events");
        this.confirmed = new ConfirmedCopy(source, true);
        this.sourceEndpoint = new Outages.Endpoint("source", "s3://" + source.bucket() + "/" + source.prefix(),
                source::probe);
        this.replicas.forEach(r -> endpoints.put(r, new Outages.Endpoint("destination",
                "s3://" + r.bucket() + "/" + r.prefix(), () -> r.store().probe(r.bucket()))));
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Applies {@code e} to every destination; true when each is done (copied, deleted, or nothing to do), false when
     * one failed (logged and counted): the message stays on the queue and comes back.
     */
    boolean apply(String messageId, S3Event e) {
        return apply(messageId, e, new Outages.Away());
    }

    /**
     * As {@link #apply(String, S3Event)}; a failure for unreachability (FailureKind.UNREACHABLE) adds the endpoints
     * its request talked to to {@code away}, the one it went to first (a destination) before the source, and is
     * logged at DEBUG only: {@link EventFollower} holds such a message, or says why it does not. A success clears
     * the job's last error when that names this key ({@link JobStats#settled}).
     */
    boolean apply(String messageId, S3Event e, Outages.Away away) {
        if (e.kind() == S3Event.Kind.OTHER) {
            // a tag change, a restore, a transition: nothing to copy or delete, but counted and said, so that "why
            // was this not copied" has an answer
            log.debug("{}: message {}: {} of s3://{}/{}: nothing to copy or delete", name, messageId, e.eventName(),
                    e.bucket(), e.key());
            events.skipped.incrementAndGet();
            return true;
        }
        if (!e.bucket().equals(source.bucket()) || !source.owns(e.key())) {
            // another bucket's or prefix's event: the queue also receives notifications the job does not copy
            if (outsideSeen.size() < MAX_OUTSIDE_SEEN && outsideSeen.add(e.bucket())) {
                log.info("{}: events of s3://{}/ outside the job's source {} arrive on its queue (first: {} of {}): "
                        + "they are acknowledged and not copied, so no other consumer of the queue sees them either "
                        + "(said once per bucket)", name, e.bucket(), source.id(), e.eventName(), e.key());
            }
            log.debug("{}: message {}: {} of s3://{}/{} is not under the job's source {}: ignored", name, messageId,
                    e.eventName(), e.bucket(), e.key(), source.id());
            events.skipped.incrementAndGet();
            return true;
        }
        if (e.key().endsWith("/")) { // a "folder/" placeholder, which full syncs leave out too
            log.debug("{}: message {}: {} of the folder placeholder s3://{}/{}: ignored", name, messageId,
                    e.eventName(), e.bucket(), e.key());
            events.skipped.incrementAndGet();
            return true;
        }
        Optional<String> refused = KeyMapping.refusal(e.key());
        if (refused.isPresent()) { // acknowledged: it would come back to the same refusal until the DLQ took it
            String line = "s3://" + e.bucket() + "/" + e.key() + ": " + e.eventName() + " not applied: " + refused.get();
            stats.failed(line);
            log.warn("{}: message {}: {} (the message is acknowledged)", name, messageId, line);
            return true;
        }
        synchronized (stripes[Math.floorMod(e.key().hashCode(), STRIPES)]) {
            try {
                boolean done = e.kind() == S3Event.Kind.CREATED ? created(messageId, e, away)
                        : removed(messageId, e, away);
                if (done) {
                    stats.settled("s3://" + source.bucket() + "/" + e.key());
                }
                return done;
            } catch (TransferException x) {
                if (x.kind() == FailureKind.UNREACHABLE) {
                    away.add(List.of(sourceEndpoint),
                            "s3://" + source.bucket() + "/" + e.key() + ": " + x.getMessage());
                }
                fail(messageId, "s3://" + source.bucket() + "/" + e.key(), x.getMessage(), x.kind());
                return false;
            } catch (IllegalStateException | IllegalArgumentException x) {
                fail(messageId, "s3://" + source.bucket() + "/" + e.key(), x.getMessage());
                return false;
            }
        }
    }

    private boolean created(String messageId, S3Event e, Outages.Away away) {
        Optional<ConfirmedCopy.Version> version = announced(e);
        if (version.isEmpty()) {
            Optional<RemoteObject> src = source.head(e.key());
            if (src.isEmpty()) {
                log.debug("{}: message {}: s3://{}/{} is gone already: not copied", name, messageId, e.bucket(),
                        e.key());
                events.skipped.incrementAndGet();
                return true;
            }
            version = Optional.of(ConfirmedCopy.Version.of(src.get()));
        }
        boolean all = true;
        for (Replica r : replicas) {
            all &= settled(r, e, copyTo(messageId, e, version.get(), r, TURNS, away));
        }
        return all;
    }

    /**
     * The version an event announces (its ETag and size, as S3's notifications carry them), which saves a HEAD of
     * the source: a destination already holding it is a duplicate (a newer version has an event of its own), and
     * a copy asked for it finds the source's current version anyway ({@link ConfirmedCopy}).
     */
    static Optional<ConfirmedCopy.Version> announced(S3Event e) {
        return e.eTag().filter(t -> !t.isBlank()).filter(t -> e.size().isPresent())
                .map(t -> new ConfirmedCopy.Version(e.size().getAsLong(), t, Optional.empty(), 0L));
    }

    /**
     * Copies the source's current object to {@code r} (confirmed: {@link ConfirmedCopy}); when the source went
     * during the copy, with {@code delete: true}, deletes the copy again ({@code turns} bounds how often the two
     * may hand over to each other while the source flips between present and gone).
     */
    private boolean copyTo(String messageId, S3Event e, ConfirmedCopy.Version src, Replica r, int turns,
            Outages.Away away) {
        String key = destinationKey(r, e.key());
        try {
            Optional<RemoteObject> held = r.store().head(r.bucket(), key);
            if (held.isPresent() && newerHeld(e, held.get())) {
                log.debug("{}: message {}: s3://{}/{} holds a newer event's object than {}: not overwritten", name,
                        messageId, r.bucket(), key, e.eventName());
                events.skipped.incrementAndGet();
                return true;
            }
            if (held.isPresent() && held.get().size() == src.size()
                    && CopyMetadata.sameContent(src.etag(), held.get().etag(), held)
                    && !(newerEvent(e, held.get()) && writtenSince(e.key(), held.get()))) {
                events.skipped.incrementAndGet(); // a duplicate event, or the full sync was first
                return true;
            }
            if (held.isPresent() && heldCurrent(e.key(), held.get())) {
                // the copy holds a later version than this event's: the source was written again after it, and a copy
                // made for an earlier event read the source as it is. Copying would send the same bytes again (each
                // event of a backlog of rewrites once more), so the source's current version decides
                log.debug("{}: message {}: s3://{}/{} holds the source's current object, written after {}'s: not "
                        + "copied again", name, messageId, r.bucket(), key, e.eventName());
                events.skipped.incrementAndGet();
                return true;
            }
            Map<String, String> sequencer = e.sequencer().map(s -> Map.of(CopyMetadata.SOURCE_SEQUENCER, s))
                    .orElse(Map.of());
            ConfirmedCopy.Outcome outcome = confirmed.copy(e.key(), src, r, key, sequencer);
            if (outcome instanceof ConfirmedCopy.Outcome.SourceGone gone) {
                events.skipped.incrementAndGet();
                if (gone.copyMayRemain() && delete) {
                    // the copy may have landed after this key's removal was mirrored: mirror it again
                    log.debug("{}: message {}: s3://{}/{} was deleted while it was copied: deleting the copy", name,
                            messageId, e.bucket(), e.key());
                    return turns > 0 ? deleteFrom(messageId, e, r, turns - 1, away)
                            : flipping(messageId, "s3://" + r.bucket() + "/" + key);
                }
                return true; // deleted meanwhile: its removal event follows, or came and was mirrored
            }
            ConfirmedCopy.Outcome.Copied done = (ConfirmedCopy.Outcome.Copied) outcome;
            stats.copied(done.result().bytes());
            record(e.key(), r, key, done.version(), FileStatus.UPLOADED, done.result().etag(), "");
            // each copy is logged as each upload is (INFO): the record of what moved, when the counts say how much
            log.info("{}: copied s3://{}/{} to s3://{}/{} ({} bytes, event of message {})", name, e.bucket(), e.key(),
                    r.bucket(), key, done.result().bytes(), messageId);
            return true;
        } catch (TransferException x) {
            if (sourceGone(e.key())) {
                events.skipped.incrementAndGet(); // deleted meanwhile: its removal event follows
                return true;
            }
            unreachable(x, r, "s3://" + r.bucket() + "/" + key, away);
            fail(messageId, "s3://" + r.bucket() + "/" + key, x.getMessage(), x.kind());
            record(e.key(), r, key, src, FileStatus.FAILED, "", x.getMessage());
            return false;
        }
    }

    private boolean removed(String messageId, S3Event e, Outages.Away away) {
        if (!delete) {
            return true;
        }
        if (source.head(e.key()).isPresent()) {
            log.debug("{}: message {}: s3://{}/{} exists again: not deleted", name, messageId, e.bucket(), e.key());
            events.skipped.incrementAndGet();
            return true;
        }
        boolean all = true;
        for (Replica r : replicas) {
            all &= settled(r, e, deleteFrom(messageId, e, r, TURNS, away));
        }
        return all;
    }

    /**
     * Deletes the copy in {@code r} of a key the source no longer holds, then confirms: a source created again
     * meanwhile, whose copy this deletion may have undone, is copied back.
     */
    private boolean deleteFrom(String messageId, S3Event e, Replica r, int turns, Outages.Away away) {
        String key = destinationKey(r, e.key());
        String url = "s3://" + r.bucket() + "/" + key;
        try {
            Optional<RemoteObject> held = r.store().head(r.bucket(), key);
            if (held.isEmpty()) {
                return true;
            }
            if (newerHeld(e, held.get())) {
                events.skipped.incrementAndGet();
                return true;
            }
            if (!key.startsWith(r.prefix())) { // cannot happen by construction; never delete outside the prefix
                throw new IllegalStateException(url + " is outside the destination prefix " + r.prefix());
            }
            DeleteGuard guard = guards.get(r);
            if (!guard.allow()) {
                fail(messageId, url, "not deleted: more than max_delete " + guard.max() + " deletions in "
                        + DeleteGuard.WINDOW.toMinutes() + " minutes; deletions stop until the daemon restarts");
                return false;
            }
            List<DeleteFailure> refused = r.store().delete(r.bucket(), List.of(key));
            if (!refused.isEmpty()) {
                fail(messageId, url, "cannot delete: " + refused.get(0).reason());
                return false;
            }
            stats.deleted(1);
            log.info("{}: deleted {} (its source was deleted; event of message {})", name, url, messageId);
            Optional<RemoteObject> back = source.head(e.key());
            if (back.isPresent()) {
                log.debug("{}: message {}: s3://{}/{} was created again while {} was deleted: copying it back", name,
                        messageId, e.bucket(), e.key(), url);
                return turns > 0
                        ? copyTo(messageId, recreated(e), ConfirmedCopy.Version.of(back.get()), r, turns - 1, away)
                        : flipping(messageId, url);
            }
            return true;
        } catch (TransferException x) {
            unreachable(x, r, url, away);
            fail(messageId, url, x.getMessage(), x.kind());
            return false;
        }
    }

    /** A failure for unreachability while working on {@code r}: the destination, then the source, may be away. */
    private void unreachable(TransferException x, Replica r, String url, Outages.Away away) {
        if (x.kind() == FailureKind.UNREACHABLE) {
            away.add(List.of(endpoints.get(r), sourceEndpoint), url + ": " + x.getMessage());
        }
    }

    /** A destination done with the event's key: the job's last error no longer names its copy. */
    private boolean settled(Replica r, S3Event e, boolean done) {
        if (done) {
            stats.settled("s3://" + r.bucket() + "/" + destinationKey(r, e.key()));
        }
        return done;
    }

    /** The creation that a removal found at the source: no sequencer of its own is known, so none is recorded. */
    private static S3Event recreated(S3Event removal) {
        return new S3Event(S3Event.Kind.CREATED, removal.eventName(), removal.bucket(), removal.key(),
                java.util.OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    private boolean flipping(String messageId, String url) {
        fail(messageId, url, "the source object was created and deleted again while it was copied; not settled");
        return false;
    }

    /** Whether the destination's copy records an event newer than {@code e} (both sequencers known). */
    static boolean newerHeld(S3Event e, RemoteObject held) {
        String recorded = held.metadata().get(CopyMetadata.SOURCE_SEQUENCER);
        return recorded != null && e.sequencer().isPresent() && Sequencers.isNewer(recorded, e.sequencer().get());
    }

    /**
     * Whether {@code e} is newer than the event the destination's copy records (both sequencers known): the source
     * was written again since that copy, with the same content or not. The same content written again is mostly a
     * change of metadata in place (a copy onto itself with a new content type or user metadata), which only a new
     * copy carries over.
     */
    static boolean newerEvent(S3Event e, RemoteObject held) {
        String recorded = held.metadata().get(CopyMetadata.SOURCE_SEQUENCER);
        return recorded != null && e.sequencer().isPresent() && Sequencers.isNewer(e.sequencer().get(), recorded);
    }

    /**
     * For an event newer than the copy's with the same content: whether the source was written after the copy (a
     * change of metadata in place), or the copy already caught up with that write (a copy made for an older event
     * reads the source as it is, so it can hold a later version than its event's). One HEAD of the source, asked
     * only in that case; a time that is not known counts as not written since.
     */
    private boolean writtenSince(String key, RemoteObject copy) {
        return writtenSince(source.head(key), copy);
    }

    /** The same for the source's {@code current} object, as a HEAD found it. */
    private static boolean writtenSince(Optional<RemoteObject> current, RemoteObject copy) {
        Optional<java.time.Instant> written = current.flatMap(RemoteObject::lastModified);
        return written.isPresent() && copy.lastModified().isPresent()
                && CopyMetadata.writtenAfter(written.get(), copy.lastModified().get(), copy.metadata());
    }

    /**
     * Whether {@code copy} already holds the source's current version of {@code key} (its content, and not written
     * at the source since the copy): one HEAD of the source, asked only when the copy does not hold the version an
     * event announced. A source that cannot be asked, or is gone, answers no: the copy decides then, as before.
     */
    private boolean heldCurrent(String key, RemoteObject copy) {
        Optional<RemoteObject> current;
        try {
            current = source.head(key);
        } catch (TransferException x) {
            return false;
        }
        return current.isPresent() && current.get().size() == copy.size()
                && CopyMetadata.sameContent(current.get().etag(), copy.etag(), Optional.of(copy))
                && !writtenSince(current, copy);
    }

    /** The source key moved from the source prefix to the destination's (seed 001's srcfolder/ to destfolder/). */
    String destinationKey(Replica r, String sourceKey) {
        return KeyMapping.remap(sourceKey, source.prefix(), r.prefix());
    }

    private boolean sourceGone(String key) {
        try {
            return source.head(key).isEmpty();
        } catch (TransferException x) {
            return false;
        }
    }

    private void fail(String messageId, String url, String why) {
        fail(messageId, url, why, FailureKind.PERMANENT);
    }

    private void fail(String messageId, String url, String why, FailureKind kind) {
        String line = url + ": " + why;
        stats.failed(line);
        if (kind == FailureKind.UNREACHABLE) { // the follower holds the message or says why not
            log.debug("{}: message {}: {}", name, messageId, line);
            return;
        }
        log.warn("{}: message {}: {} (the message returns after its visibility timeout)", name, messageId, line);
    }

    private void record(String item, Replica r, String key, ConfirmedCopy.Version v, FileStatus status, String etag,
            String reason) {
        if (records.isEmpty()) {
            return;
        }
        RecordId id = new RecordId(source.id(), item, r.bucket());
        Instant now = clock.instant();
        try {
            records.get().offer(CopyRecord.of(id, key, status, v.size(), v.mtimeMillis(), v.etag(), etag, 1, reason,
                    false, records.get().get(id), now));
        } catch (RuntimeException x) { // the store is away: the copy is in the destination's metadata anyway
            log.debug("{}: {}: record not written: {}", name, item, x.toString());
        }
    }
}
