package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ItemRef;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.SettleRule;
import dev.ferry.core.Source;
import dev.ferry.core.StateStoreException;
import dev.ferry.core.TransferException;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.core.UploadDecision;
import dev.ferry.core.UploadOutcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one item of a site's {@link Source} to S3 and records the result: version, settle check, state check,
 * durable "uploading" mark, upload, version again. It knows the item by its {@link ItemRef} and reaches it only
 * through the source, so it carries items of every kind of source alike (the record's key is the item's key).
 * The "uploading" mark is what makes a crash safe: a record left in that state is checked against S3 (size and
 * mtime metadata) before the file is uploaded again, so a file whose upload completed just before a kill -9 is
 * not uploaded twice. While the state store does not take writes, the
 * {@link UnmarkedUploads} flag stands in for the marks, and the files it leaves in doubt are checked the same
 * way.
 */
final class Uploader {
    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    private final RecordKeeper records;
    private final EngineSettings settings;
    private final Clock clock;
    private final UnmarkedUploads unmarked;
    private final SettleRule settle;
    private final AfterUploadStep afterUpload;
    /** Why an item whose source finds nothing there is skipped (the words of a local file's). */
    private static final String GONE = "no longer exists";

    Uploader(RecordKeeper records, EngineSettings settings, Clock clock, UnmarkedUploads unmarked) {
        this.records = records;
        this.settings = settings;
        this.clock = clock;
        this.unmarked = unmarked;
        this.settle = settings.settleRule();
        this.afterUpload = new AfterUploadStep(records, settings.durableWait());
    }

    UploadOutcome process(Site site, Destination dest, ItemRef ref, BucketGate gate) throws InterruptedException {
        ObjectStore store = site.store();
        Source source = site.source();
        String item = ref.item();
        String pathText = item; // the record's key, and the subject of its log lines
        Optional<FileStat> before;
        try {
            before = source.version(item).map(ItemVersion::stat);
        } catch (IOException e) {
            return unreadable(ref, dest, pathText + ": cannot stat file: " + describe(e));
        }
        if (before.isEmpty()) {
            Optional<String> notAnItem = source.notAnItem(item);
            boolean deleted = notAnItem.isEmpty();
            if (site.retireDeleted() && deleted) {
                return retire(site, dest, ref, gate);
            }
            if (deleted) {
                closeUnfinished(ref, dest);
            }
            return new UploadOutcome.Gone(notAnItem.orElse(GONE), !deleted);
        }
        FileStat stat = before.get();
        Instant now = clock.instant();
        Optional<Instant> settling = site.policy().settle(settle, item).quietAt(stat, now);
        if (settling.isPresent()) {
            return new UploadOutcome.Requeue(settling.get(), site.policy().waitReason(settle, item));
        }

        Optional<FileRecord> record;
        boolean storeDown = false;
        try {
            record = records.get(recordOf(ref, dest));
        } catch (StateStoreException e) {
            record = Optional.empty();
            storeDown = true;
        }
        boolean suspect = UploadDecision.suspect(record, dest, stat);
        if (suspect) {
            // a rewrite that put the old mtime back may still be under way: wait until the ctime is quiet too
            Optional<Instant> quiet = ContentCheck.ctimeQuietAt(stat, settle, now);
            if (quiet.isPresent()) {
                return new UploadOutcome.Requeue(quiet.get(), "inode changed just now");
            }
        }
        // force_upload: this version, recorded as uploaded, is sent again, and neither its content nor S3 is asked
        boolean forced = site.policy().forceUpload() && UploadDecision.uploaded(record, stat);
        if (forced) {
            log.debug("{}: uploading it again (force_upload)", pathText);
        } else if (UploadDecision.needsUpload(record, dest, stat).isEmpty()) {
            if (record.get().status() == FileStatus.UPLOADED) {
                Optional<FileRecord> filled = UploadDecision.identityToFill(record, dest, stat, now);
                if (site.policy().afterUpload().keeps()) {
                    filled.ifPresent(records::offer);
                } else {
                    // still here although delete_after_upload or move_after_upload: its release did not happen
                    // after the upload, so it happens now, verified as then (the record written with it)
                    afterUpload.leftover(site, dest, pathText, filled.orElse(record.get()), stat);
                }
                return new UploadOutcome.Unchanged("already uploaded");
            }
            return new UploadOutcome.Unchanged("permanent failure recorded for this version");
        }
        boolean touched = UploadDecision.touched(record, dest, stat);
        boolean inDoubt = storeDown || unmarked.inDoubt(stat.mtimeMillis())
                || record.map(r -> r.status() == FileStatus.UPLOADING
                        && r.describes(stat.size(), stat.mtimeMillis())).orElse(false);

        boolean sending = false;
        try {
            gate.ensureBucket();
            if (forced) {
                // sent whatever the record, the content or S3 say
            } else if (suspect || touched || inDoubt && record.isPresent()
                    && stat.identityMovedFrom(record.get().stat())) {
                // Same size and mtime, but the ctime or inode moved, or the same size under a new mtime (a touch):
                // only the content can tell. For an interrupted upload the mark's checksum is empty, so S3's MD5
                // is the reference.
                String expected = suspect || touched ? record.get().checksum() : "";
                ContentCheck.Result found = ContentCheck.check(source, item, stat, expected, store, dest);
                if (found instanceof ContentCheck.Moved) {
                    return new UploadOutcome.Requeue(clock.instant().plus(settle.time()),
                            "changed while its content was compared");
                }
                if (found instanceof ContentCheck.Same same) {
                    // the bytes S3 holds: the record takes the file's new version (a touch's mtime, a chmod's
                    // ctime), so the next look at the file trusts it
                    records.offer(suspect ? record.get().withIdentity(stat, same.md5(), clock.instant())
                            : record.get().uploaded(dest.bucket(), dest.key(), stat, same.md5(),
                                    record.get().etag(), record.get().storageClass(), clock.instant()));
                    return new UploadOutcome.Unchanged((touched ? "modification time" : "ctime or inode")
                            + " changed, content the same (MD5 " + same.md5() + ")");
                }
                if (!touched) {
                    log.info("{}: {}: uploading it again", pathText, ((ContentCheck.Differs) found).why());
                }
            } else if (UploadDecision.movedDestination(record, dest)) {
                // uploaded before under another key of this bucket (a prefix or rewrite changed, perhaps back): the
                // object at this key may hold the content already, and the record knows nothing of it
                Optional<UploadOutcome> done = heldAlready(source, item, stat, store, dest,
                        remote -> remote.size() == stat.size(), record.get(), now,
                        "already in S3 at its new key " + dest.key() + " (same MD5)", false);
                if (done.isPresent()) {
                    return done.get();
                }
            } else if (inDoubt) {
                // the object may be this version, or the one before it when the upload that was cut short carried a
                // rewrite that put the old mtime back: only the content tells
                Optional<UploadOutcome> done = heldAlready(source, item, stat, store, dest,
                        remote -> UploadDecision.sameSizeAndMtime(remote, stat),
                        record.orElseGet(() -> fresh(ref, dest, stat, now)), now,
                        "already in S3 (confirmed after an interrupted upload)", true);
                if (done.isPresent()) {
                    return done.get();
                }
            }
            FileRecord base = record.orElseGet(() -> fresh(ref, dest, stat, now));
            sending = true;
            mark(base.uploading(dest.bucket(), dest.key(), stat, "", now));

            Instant started = clock.instant();
            PutResult result = store.put(new PutRequest(dest.bucket(), dest.key(), source.content(item),
                    stat.size(), stat.mtimeMillis(), site.options()));
            Duration took = Duration.between(started, clock.instant());

            Optional<FileStat> after = statQuietly(source, item);
            FileStat recorded = stat;
            if (after.isPresent() && !after.get().equals(stat)) {
                if (after.get().size() != stat.size()
                        || !ContentCheck.holds(source, item, after.get(), result.md5Hex())) {
                    return new UploadOutcome.Requeue(clock.instant().plus(settle.time()),
                            "changed during upload");
                }
                // the bytes are the ones sent, and only the mtime (a touch), ctime or inode (a chmod, a hard link)
                // moved: record that version, or the next look at the file would compare or send it again
                recorded = after.get();
            }
            // recorded; and under delete_after_upload or move_after_upload, the file goes once S3 and the record hold
            afterUpload.recorded(site, dest, pathText, base.uploaded(dest.bucket(), dest.key(), recorded,
                    result.md5Hex(), result.etag(), site.options().storageClass().orElse(""), clock.instant()),
                    recorded, result);
            return new UploadOutcome.Uploaded(result, took);
        } catch (TransferException e) {
            if (Thread.currentThread().isInterrupted()) {
                // Shutdown interrupted the upload after its grace period: not a failure of this file. Its
                // UPLOADING mark stays, so the next start checks S3 and uploads it again.
                return new UploadOutcome.Requeue(clock.instant(), "interrupted by shutdown", false);
            }
            if (deletedNow(source, item)) {
                // Deleted while it was being sent (the read found it gone, or S3 was told less than promised): not
                // a failure, but a deletion like one seen before the upload, logged at DEBUG by the lane
                log.debug("{}: deleted during its upload ({})", pathText, e.getMessage());
                if (site.retireDeleted()) {
                    return retire(site, dest, ref, gate);
                }
                closeUnfinished(ref, dest);
                return new UploadOutcome.Gone(GONE);
            }
            if (e.kind().retryable() && !statQuietly(source, item).equals(before)) {
                // The file changed while it was being sent (it grew, shrank, or S3 refused a part whose bytes no
                // longer match their Content-MD5): not a failure, the new version is uploaded once it settles.
                return new UploadOutcome.Requeue(clock.instant().plus(settle.time()),
                        "changed during upload (" + e.getMessage() + ")");
            }
            boolean permanent = !e.kind().retryable();
            if (!sending && inDoubt && !permanent && record.map(r -> r.status() == FileStatus.UPLOADING).orElse(false)) {
                // S3 could not be asked whether the upload cut short before holds this version (it is away): the
                // UPLOADING mark stays, so the next attempt asks again instead of sending the file blind
                return retry(e);
            }
            FileRecord base = record.orElseGet(() -> fresh(ref, dest, stat, now));
            records.offer(base.failed(dest.bucket(), dest.key(), stat, e.getMessage(), permanent, clock.instant()));
            if (sending && e.accessDenied()) {
                gate.uploadRefused(pathText, e.getMessage());
            }
            if (e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET) {
                gate.bucketMissing();
            }
            return permanent ? new UploadOutcome.Permanent(e.getMessage())
                    : retry(e);
        }
    }

    /**
     * An item that cannot be looked at (a folder that can be listed but not searched, an I/O error): retried as any
     * failure, and recorded FAILED with {@code why} (once per reason), so that {@code ferry failed} lists it and
     * {@code ferry retry} can retry it, as when a sweep finds it. A store that cannot be asked leaves the record to
     * the next attempt.
     */
    private UploadOutcome unreadable(ItemRef ref, Destination dest, String why) {
        try {
            recordUnreadable(records, ref, dest, why, records.get(recordOf(ref, dest)), clock.instant());
        } catch (StateStoreException e) {
            log.debug("{}: not recorded as failed, the state store is away: {}", ref.item(), e.getMessage());
        }
        return new UploadOutcome.Retry(why);
    }

    /**
     * Records an item that cannot be read as FAILED with {@code why}, over {@code existing} (its record, if any), unless
     * it is recorded so already: a retry or a sweep that finds it so again writes nothing.
     */
    static void recordUnreadable(RecordKeeper records, ItemRef ref, Destination dest, String why,
            Optional<FileRecord> existing, Instant now) {
        if (existing.isPresent() && existing.get().status() == FileStatus.FAILED
                && existing.get().reason().equals(why)) {
            return;
        }
        FileRecord base = existing.orElseGet(() -> FileRecord.pending(ref.source(), ref.item(), dest.bucket(),
                dest.key(), new FileStat(-1, -1), now));
        records.offer(base.failed(dest.bucket(), dest.key(), base.stat(), why, false, now));
    }

    /**
     * Whether the object at {@code dest}, when there is one that {@code candidate} accepts, already holds the item's
     * content (its MD5 against the one S3 reports): then it is recorded from {@code base} as uploaded, and the work
     * ends as unchanged ({@code why}); an item that changed while it was read is looked at again once it settles.
     * Empty when it is to be uploaded ({@code sayDiffers}: with an INFO line saying why).
     */
    private Optional<UploadOutcome> heldAlready(Source source, String item, FileStat stat, ObjectStore store,
            Destination dest, java.util.function.Predicate<RemoteObject> candidate, FileRecord base, Instant now,
            String why, boolean sayDiffers) {
        Optional<RemoteObject> remote = store.head(dest.bucket(), dest.key());
        if (remote.isEmpty() || !candidate.test(remote.get())) {
            return Optional.empty();
        }
        ContentCheck.Result found = ContentCheck.check(source, item, stat, remote.get());
        if (found instanceof ContentCheck.Moved) {
            return Optional.of(new UploadOutcome.Requeue(clock.instant().plus(settle.time()),
                    "changed while its content was compared"));
        }
        if (found instanceof ContentCheck.Same same) {
            records.offer(base.uploaded(dest.bucket(), dest.key(), stat, same.md5(), remote.get().etag(),
                    remote.get().storageClass(), now));
            return Optional.of(new UploadOutcome.Unchanged(why));
        }
        if (sayDiffers) {
            log.info("{}: {}: uploading it", item, ((ContentCheck.Differs) found).why());
        }
        return Optional.empty();
    }

    /**
     * The local file was deleted: delete the object it was uploaded to, if Ferry uploaded it there, and only
     * while the site's folder is there: files gone with their folder (deleted, renamed away, an unmounted disk)
     * keep their objects.
     */
    private UploadOutcome retire(Site site, Destination dest, ItemRef ref, BucketGate gate) {
        String pathText = ref.item();
        if (!site.source().available()) {
            log.info("{}: deleted locally, but the watched folder {} is missing: its object is kept", dest,
                    site.source());
            return new UploadOutcome.Gone("deleted locally with its watched folder; its object is kept");
        }
        Optional<FileRecord> record;
        try {
            record = records.get(recordOf(ref, dest));
        } catch (StateStoreException e) {
            return new UploadOutcome.Retry(pathText + ": deleted locally, but the state store cannot say whether "
                    + "Ferry uploaded it: " + e.getMessage());
        }
        if (record.isEmpty() || !holdsAVersion(record.get(), dest)) {
            closeUnfinished(ref, dest);
            return new UploadOutcome.Gone("deleted before it was uploaded");
        }
        if (!guardAllows(site, gate)) {
            return new UploadOutcome.Gone(KEPT_BY_GUARD);
        }
        UploadOutcome.Retry failed;
        try {
            var failures = site.store().delete(dest.bucket(), java.util.List.of(dest.key()));
            if (failures.isEmpty()) {
                records.offer(record.get().ignored(dest.bucket(), dest.key(), record.get().stat(),
                        RETIRED, clock.instant()));
                return new UploadOutcome.Deleted(dest.key());
            }
            failed = new UploadOutcome.Retry(dest + ": delete refused: " + failures.get(0).reason());
        } catch (TransferException e) {
            failed = retry(e);
        }
        // recorded FAILED, as a failed upload is, so `ferry failed` lists it and `ferry retry` tries it again; the
        // record keeps the version uploaded, so the next attempt still knows the object is Ferry's to delete
        records.offer(record.get().deletionFailed(failed.reason(), clock.instant()));
        return failed;
    }

    /** The reason of the record of a file deleted locally whose object was deleted too. */
    private static final String RETIRED = "deleted locally; deleted from S3 (retire_deleted)";

    /**
     * A failed request as an attempt to retry: refused credentials (which a one-shot sync does not retry) and an
     * endpoint that did not answer (which the daemon waits for, holding the lane) said as such.
     */
    private static UploadOutcome.Retry retry(TransferException e) {
        return new UploadOutcome.Retry(e.getMessage(), e.kind() == dev.ferry.core.FailureKind.CREDENTIALS_REFUSED,
                e.kind() == dev.ferry.core.FailureKind.UNREACHABLE);
    }

    /** Why an object whose file was deleted stays: the site's delete guard tripped. */
    static final String KEPT_BY_GUARD = "deleted locally; its object is kept: the delete guard tripped";

    /**
     * Whether the site's delete guard (at most max_delete deletions in its window, whoever finds them: the watcher
     * or a sweep) allows one more deletion now. When it does not, that is not a failure of the file (nothing is lost:
     * its object stays) but the bucket's problem, shown in /status, `ferry status` and ferry_bucket_problem until a
     * restart, and logged once.
     */
    private static boolean guardAllows(Site site, BucketGate gate) {
        if (gate.allowDelete()) {
            return true;
        }
        gate.deletionsStopped(BucketGate.DELETIONS_STOPPED + "the delete guard tripped (more than "
                + site.maxDelete() + " deletions in " + DeleteGuard.WINDOW.toMinutes() + " minutes), so files "
                + "deleted locally keep their objects; check the folder, then restart Ferry to resume deleting "
                + "(if the deletions are meant, raise max_delete first)");
        return false;
    }

    /**
     * Deletes the objects of {@code tasks} (work {@link dev.ferry.queue.Task.Work#DELETE} of one bucket: a sweep found
     * them without their items and its guard allowed the deletions) in one request, each only while its item is still
     * absent (an item back since the sweep keeps its object: its own change uploads it) and while the site's delete
     * guard allows it, which counts these deletions with the watcher's. A record that says the item was uploaded there
     * is closed as the watcher's deletions close theirs. One outcome per task, in order.
     */
    List<UploadOutcome> delete(Site site, String bucket, List<dev.ferry.queue.Task> tasks, BucketGate gate) {
        List<UploadOutcome> outcomes = new java.util.ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
        java.util.Map<String, Integer> doomed = new java.util.LinkedHashMap<>();
        boolean available = site.source().available();
        for (int i = 0; i < tasks.size(); i++) {
            String item = tasks.get(i).item().item();
            Optional<String> present = !available ? Optional.of("its folder is missing")
                    : presence(site.source(), item);
            if (present.isPresent()) {
                outcomes.set(i, new UploadOutcome.Unchanged("not deleted: " + present.get()));
            } else if (!guardAllows(site, gate)) {
                outcomes.set(i, new UploadOutcome.Gone(KEPT_BY_GUARD));
            } else {
                doomed.put(tasks.get(i).key(), i);
            }
        }
        if (doomed.isEmpty()) {
            return outcomes;
        }
        java.util.Map<String, Integer> failed = new java.util.LinkedHashMap<>();
        try {
            for (DeleteFailure f : site.store().delete(bucket, doomed.keySet())) {
                Integer i = doomed.remove(f.key());
                if (i != null) {
                    outcomes.set(i, new UploadOutcome.Retry("s3://" + bucket + "/" + f.key() + ": delete refused: "
                            + f.reason()));
                    failed.put(f.key(), i);
                }
            }
        } catch (TransferException e) {
            UploadOutcome failure = retry(e);
            doomed.values().forEach(i -> outcomes.set(i, failure));
            settleRecords(tasks, bucket, doomed, outcomes);
            return outcomes;
        }
        doomed.forEach((key, i) -> outcomes.set(i, new UploadOutcome.Deleted(key)));
        doomed.putAll(failed);
        settleRecords(tasks, bucket, doomed, outcomes);
        return outcomes;
    }

    /**
     * Writes the records of the items whose objects a deletion was just tried for, in one lookup: a record that says
     * the item was uploaded there (or whose earlier deletion failed) is closed when its object is deleted, and
     * recorded FAILED with the reason when the deletion failed, as the watcher's deletions are ({@link #retire}).
     */
    private void settleRecords(List<dev.ferry.queue.Task> tasks, String bucket, java.util.Map<String, Integer> tried,
            List<UploadOutcome> outcomes) {
        java.util.Map<RecordId, Integer> ids = new java.util.HashMap<>();
        tried.forEach((key, i) -> ids.put(recordOf(tasks.get(i).item(), new Destination(bucket, key)), i));
        java.util.Map<RecordId, FileRecord> found;
        try {
            found = records.getAll(ids.keySet());
        } catch (StateStoreException e) {
            return; // the store is away: DeletedFailures and later sweeps see the file gone
        }
        Instant now = clock.instant();
        found.forEach((id, record) -> {
            int i = ids.get(id);
            boolean ours = record.key().equals(tasks.get(i).key()) && (record.status() == FileStatus.UPLOADED
                    || record.isDeletionFailure());
            if (!ours) {
                return;
            }
            if (outcomes.get(i) instanceof UploadOutcome.Retry r) {
                records.offer(record.deletionFailed(r.reason(), now));
            } else {
                records.offer(record.ignored(bucket, record.key(), record.stat(), RETIRED, now));
            }
        });
    }

    /**
     * Writes a folder's sync marker (seed 004: "Synced at: " and the time) at {@code dest}, which a sweep found
     * complete in S3, and with {@link dev.ferry.queue.Task.Mark#localCopy} the same text to {@code marker}, its path
     * in the local folder (a local copy that cannot be written is a WARN, not a failure: the object is the marker).
     * A bucket that does not exist yet (an empty site) is made sure of as for an upload, then the marker is written.
     */
    UploadOutcome mark(Site site, Destination dest, String marker, dev.ferry.queue.Task.Mark how, BucketGate gate) {
        String body = "Synced at: " + clock.instant() + "\n";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            gate.ensureBucket();
            site.store().putBytes(dest.bucket(), dest.key(), bytes, "text/plain; charset=utf-8", how.options());
        } catch (TransferException e) {
            if (e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET) {
                gate.bucketMissing();
            }
            return e.kind().retryable() || e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET
                    ? retry(e)
                    : new UploadOutcome.Permanent(e.getMessage());
        }
        if (how.localCopy()) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(marker), body);
            } catch (IOException | RuntimeException e) {
                log.warn("{}: cannot write the local marker: {}", marker, e.toString());
            }
        }
        return new UploadOutcome.Marked(dest.key());
    }

    /** Why an item whose object is to be deleted is there after all (empty when it is absent). */
    private static Optional<String> presence(Source source, String item) {
        try {
            if (source.version(item).isPresent()) {
                return Optional.of("its file is back");
            }
        } catch (IOException e) {
            return Optional.of("cannot tell whether its file is there: " + describe(e));
        }
        return source.notAnItem(item).map(why -> "something is there: " + why);
    }

    /**
     * True when the record says S3 holds a version of the item at {@code dest} that Ferry put there: the one it
     * describes (uploaded), or an earlier one whose successor was still being sent, or failed, when the item was
     * deleted. Under retire_deleted that object goes too: a deletion during the upload of a change must not leave
     * the version before it in S3.
     */
    private static boolean holdsAVersion(FileRecord record, Destination dest) {
        boolean unfinished = record.status() == FileStatus.UPLOADING || record.status() == FileStatus.FAILED
                || record.status() == FileStatus.PENDING;
        return (record.status() == FileStatus.UPLOADED || unfinished && record.uploadedAt().isPresent())
                && record.bucket().equals(dest.bucket()) && record.key().equals(dest.key());
    }

    /**
     * The file was deleted before it was uploaded: a record still saying FAILED (or PENDING/UPLOADING) would
     * stay in {@code ferry failed} for ever, since no sweep finds the file again. It is recorded as IGNORED with
     * the reason; should the file come back, that record does not stop its upload.
     */
    private void closeUnfinished(ItemRef ref, Destination dest) {
        Optional<FileRecord> record;
        try {
            record = records.get(recordOf(ref, dest));
        } catch (StateStoreException e) {
            return; // the store is away: the record stays as it is, which loses nothing
        }
        record.filter(r -> r.status() == FileStatus.FAILED || r.status() == FileStatus.PENDING
                        || r.status() == FileStatus.UPLOADING)
                .ifPresent(r -> records.offer(r.deletedBeforeUpload(clock.instant())));
    }

    /**
     * Makes the "uploading" mark durable before the upload. While the store is known not to take writes
     * there is no point waiting for it: the mark is handed to the writer (it catches up later) and the
     * unmarked-uploads flag is raised instead, so a crash before the record lands makes the next start ask
     * S3. When the flag cannot be raised either, the worker waits for the mark, at most the durable wait.
     */
    private void mark(FileRecord uploading) throws InterruptedException {
        if (!records.takesWrites()) {
            records.offer(uploading); // before raising the flag: it is lowered only once every mark is written
            if (unmarked.raise()) {
                return;
            }
        }
        try {
            records.submit(uploading).get(settings.durableWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            boolean remembered = unmarked.raise();
            log.debug("{}: state store did not confirm the uploading mark in time; uploading anyway{}",
                    uploading.path(), remembered ? "" : " (a crash now means uploading it again)");
        }
    }

    /** A first record of this item going to {@code dest}: this instance's, for that bucket. */
    private static FileRecord fresh(ItemRef ref, Destination dest, FileStat stat, Instant now) {
        return FileRecord.pending(ref.source(), ref.item(), dest.bucket(), dest.key(), stat, now);
    }

    /** The record of this item of its source going to the destination's bucket (for a local tree, its path). */
    private static RecordId recordOf(ItemRef ref, Destination dest) {
        return new RecordId(ref.source(), ref.item(), dest.bucket());
    }

    /** True when nothing is at {@code item} now, for sure: not when it cannot be stat'ed, nor a FIFO or a link. */
    private static boolean deletedNow(Source source, String item) {
        try {
            return source.version(item).isEmpty() && source.notAnItem(item).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<FileStat> statQuietly(Source source, String item) {
        try {
            return source.version(item).map(ItemVersion::stat);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
