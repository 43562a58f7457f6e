package dev.ferry.sweep;

import dev.ferry.core.Checksums;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.DeleteGuard;
import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RecordId;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.UploadDecision;
import dev.ferry.source.local.LocalTree;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a site with its destination by merging, in key order, a walk of the folder with a listing of
 * the prefix: memory stays bounded whatever the number of files. Decides per file by the site's mode,
 * plans deletions (retire_deleted) behind a guard, and writes sync markers for complete folders.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final long MIB = 1024L * 1024L;

    /** The site's policy for one run. */
    public record Policy(Mode mode, String storageClass, boolean retireDeleted, int maxDelete, int maxDeletePercent,
            Optional<String> markerFile, boolean localMarkers, UploadOptions markerOptions) {
    }

    /** How a file is compared with its object. */
    public enum Mode { STATE, SIZE_MTIME, SIZE_ONLY, CHECKSUM }

    private final PrefixRouter router;
    private final ObjectStore store;
    private final RecordKeeper records;
    private final Policy policy;
    private final Clock clock;
    private final DeleteGuard guard;
    private final java.util.function.LongSupplier nanoTime;
    /** Makes sure a bucket exists before a marker is written to it again (the engine's bucket gate); none: not tried. */
    private volatile java.util.function.Consumer<String> bucketCreation;

    /**
     * One run's parameters: a dry run writes nothing; {@code started} is when it began (a record uploaded after it
     * may be missing from a listing page fetched before).
     */
    private record Run(boolean dryRun, java.time.Instant started) {
    }

    /**
     * Why an object does not hold a file's version (empty when it does) and, when it was found equal by content,
     * the file's MD5 ("" when not computed, or when only a multipart ETag matched).
     */
    private record Verdict(Optional<String> why, String md5) {
        static Verdict of(Optional<String> why) {
            return new Verdict(why, "");
        }
    }

    /** Files and objects per batch of the run's two stages (merge and decide; prepare). */
    private static final int BATCH = 256;
    private static final java.util.concurrent.ThreadFactory COMPARE_THREADS = task -> {
        Thread t = new Thread(task, "ferry-compare");
        t.setDaemon(true);
        return t;
    };

    /**
     * One place of the merge: a file and its object, a file alone (remote null), or an object alone (local null);
     * {@code rel} is the place's key under the site's prefix (its folder for markers).
     */
    private record Step(LocalTree.Entry local, RemoteEntry remote, String rel) {
    }

    /** A file of the walk with the key it goes to. */
    private record Keyed(LocalTree.Entry entry, String key) {
    }

    /** A batch of steps with their records (by path) and, per step, the file's MD5 when computed ahead. */
    private record Batch(List<Step> steps, java.util.Map<String, FileRecord> records, String[] md5s) {
    }

    public Reconciler(PrefixRouter router, ObjectStore store, RecordKeeper records, Policy policy, Clock clock) {
        this(router, store, records, policy, clock, System::nanoTime);
    }

    /** @param nanoTime the monotonic time a run's duration is measured with */
    public Reconciler(PrefixRouter router, ObjectStore store, RecordKeeper records, Policy policy, Clock clock,
            java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.router = router;
        this.store = store;
        this.records = records;
        this.policy = policy;
        this.clock = clock;
        this.guard = new DeleteGuard(policy.maxDelete(), policy.maxDeletePercent(), clock);
    }

    /**
     * A marker whose bucket does not exist is written after {@code ensure} was asked for that bucket (created when
     * CREATE_BUCKETS allows, as for an upload): a site whose folder is empty still gets its marker.
     */
    public Reconciler creatingBucketsWith(java.util.function.Consumer<String> ensure) {
        this.bucketCreation = java.util.Objects.requireNonNull(ensure, "ensure");
        return this;
    }

    /** Runs once. With {@code dryRun}, nothing is uploaded, deleted or written; the sink still hears everything. */
    public ReconcileReport run(ReconcileSink sink, boolean dryRun) throws InterruptedException {
        return run(sink, dryRun, false);
    }

    /**
     * Runs once; with {@code holdDeletions} (the folder was just replaced or came back, and what is missing may
     * still be arriving) nothing is deleted from S3. Nor is anything when part of the folder, or the folder
     * itself, could not be listed: an unreadable or missing tree is not a tree whose files were deleted.
     */
    public ReconcileReport run(ReconcileSink sink, boolean dryRun, boolean holdDeletions) throws InterruptedException {
        Run run = new Run(dryRun, clock.instant());
        long began = nanoTime.getAsLong();
        Counts c = new Counts();
        List<String> deletions = new ArrayList<>();
        MarkerWrites markerWrites = new MarkerWrites();
        MarkerTracker markers = new MarkerTracker((folder, due) -> {
            if (due && policy.markerFile().isPresent() && !dryRun) {
                writeMarker(folder, markerWrites);
            }
        });
        String prefix = router.prefix();
        String listed = router.keyStart();
        LocalTree local = new LocalTree(router.root());
        Iterator<Keyed> files = inKeyOrder(local);
        try (Stream<RemoteEntry> listing = store.list(router.bucket(), listed)) {
            Iterator<RemoteEntry> remote = listing.iterator();
            try {
                remote.hasNext();
            } catch (TransferException e) {
                if (e.kind() != FailureKind.NO_SUCH_BUCKET) {
                    throw e;
                }
                remote = java.util.Collections.emptyIterator(); // nothing there yet: everything is missing
            }
            Keyed l = files.hasNext() ? files.next() : null;
            RemoteEntry r = remote.hasNext() ? remote.next() : null;
            // Two stages: this thread merges the walk with the listing into batches and decides, in key order; a
            // helper thread prepares the batch after the current one (its records in one lookup, the MD5 of each
            // file whose decision needs it). Bounded: at most two batches are ahead of the decisions.
            ExecutorService helper = null;
            try {
                java.util.ArrayDeque<Future<Batch>> ahead = new java.util.ArrayDeque<>();
                boolean stopped = false;
                while (!stopped && (l != null || r != null || !ahead.isEmpty())) {
                    while (ahead.size() < 2 && (l != null || r != null)) {
                        List<Step> steps = new ArrayList<>(BATCH);
                        while (steps.size() < BATCH && (l != null || r != null)) {
                            int cmp = l == null ? 1 : r == null ? -1 : RemoteEntry.KEY_ORDER.compare(l.key(), r.key());
                            if (cmp <= 0) {
                                steps.add(new Step(l.entry(), cmp == 0 ? r : null, relative(l.key(), prefix)));
                                l = files.hasNext() ? files.next() : null;
                                if (cmp == 0) {
                                    r = remote.hasNext() ? remote.next() : null;
                                }
                            } else {
                                steps.add(new Step(null, r, relative(r.key(), prefix)));
                                r = remote.hasNext() ? remote.next() : null;
                            }
                        }
                        if (helper == null) {
                            helper = Executors.newSingleThreadExecutor(COMPARE_THREADS);
                        }
                        ahead.add(helper.submit(() -> prepare(steps)));
                    }
                    Batch batch = await(ahead.poll());
                    for (int i = 0; i < batch.steps().size() && !stopped; i++) {
                        Step step = batch.steps().get(i);
                        if (step.local() != null) {
                            if (step.remote() != null) {
                                c.remote++;
                            }
                            markers.enter(MarkerTracker.folderOf(step.rel()));
                            markers.local();
                            stopped = !onLocal(run, step.local(), step.remote(), sink, c, markers,
                                    Optional.ofNullable(batch.records().get(step.local().path().toString())),
                                    batch.md5s()[i]);
                        } else {
                            markers.enter(MarkerTracker.folderOf(step.rel()));
                            onRemoteOnly(step.remote(), step.rel(), sink, c, markers, deletions);
                        }
                    }
                }
                ahead.forEach(f -> f.cancel(true));
            } finally {
                if (helper != null) {
                    helper.shutdownNow();
                }
            }
        }
        markers.close();
        Optional<String> refused = Optional.empty();
        List<String> failures = new ArrayList<>();
        long deleted = 0;
        if (!deletions.isEmpty() || c.overDeleteLimit > 0) {
            long planned = deletions.size() + c.overDeleteLimit;
            refused = local.unreadable() > 0
                    ? Optional.of("would delete " + planned + " objects, but " + local.unreadable() + " folders could "
                            + "not be listed (a missing or unreadable folder is not a deletion); check the folder")
                    : guard.refusal(planned, c.remote);
            if (refused.isEmpty() && holdDeletions) {
                log.info("s3://{}/{}: not deleting {} objects whose local files are missing in this sweep: the folder "
                        + "was just replaced or came back; a later full sweep retires them", router.bucket(), prefix,
                        planned);
            } else if (refused.isPresent()) {
                log.error("s3://{}/{}: not deleting: {}", router.bucket(), prefix, refused.get());
            } else if (!dryRun) {
                java.util.Set<String> notDeleted = new java.util.HashSet<>();
                for (DeleteFailure f : store.delete(router.bucket(), deletions)) {
                    failures.add(f.key() + ": " + f.reason());
                    notDeleted.add(f.key());
                }
                deletions.stream().filter(k -> !notDeleted.contains(k)).forEach(k -> log.info(
                        "s3://{}/{}: deleted from S3 (its local file is gone)", router.bucket(), k));
                deleted = deletions.size() - failures.size();
                log.info("s3://{}/{}: deleted {} objects whose local files are gone", router.bucket(), prefix, deleted);
            }
        }
        return new ReconcileReport(c.files, c.missing, c.changed, c.unchanged, c.confirmed, c.ignored, c.extra, deleted,
                refused, failures, dryRun ? 0 : markers.written() - markerWrites.failed, local.unreadableFolders(),
                Duration.ofNanos(nanoTime.getAsLong() - began));
    }

    /**
     * The walk's files with their keys, in key order: as the walk yields them where keys follow paths, else (key
     * rewrites, a remove prefix only some paths start with) all of them sorted in memory.
     */
    private Iterator<Keyed> inKeyOrder(LocalTree local) {
        Iterator<Keyed> keyed = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return local.hasNext();
            }

            @Override
            public Keyed next() {
                LocalTree.Entry e = local.next();
                return new Keyed(e, router.keyFor(e.relative()));
            }
        };
        if (router.keysFollowPaths()) {
            return keyed;
        }
        List<Keyed> all = new ArrayList<>();
        keyed.forEachRemaining(all::add);
        all.sort(java.util.Comparator.comparing(Keyed::key, RemoteEntry.KEY_ORDER));
        return all.iterator();
    }

    /** An object a HEAD answered for, as a listing would have given it (its write time not used). */
    private static RemoteEntry listed(RemoteObject o) {
        return new RemoteEntry(o.key(), o.size(), o.etag(), java.time.Instant.EPOCH, o.storageClass());
    }

    /** A key under the site's prefix without it; a key a rewrite sent elsewhere as it is. */
    private static String relative(String key, String prefix) {
        return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    }

    private boolean onLocal(Run run, LocalTree.Entry l, RemoteEntry listedRemote, ReconcileSink sink, Counts c,
            MarkerTracker markers, Optional<FileRecord> record, String aheadMd5) throws InterruptedException {
        RemoteEntry remote = listedRemote;
        if (isMarker(l.relative())) {
            if (remote != null) {
                markers.markerSeen(remote.lastModified());
            }
            return true;
        }
        RouteDecision decision = router.route(l.path());
        if (!(decision instanceof RouteDecision.Routed routed)) {
            c.ignored++;
            if (decision instanceof RouteDecision.Rejected rejected) {
                markers.file(l.stat().mtimeMillis(), false);
                sink.rejected(l.path(), rejected, l.stat(), record);
            } else if (decision instanceof RouteDecision.Skipped skippedFile) {
                sink.skipped(l.path(), skippedFile.reason());
            }
            return true;
        }
        c.files++;
        Destination dest = routed.destination();
        if (remote == null && !dest.key().startsWith(router.keyStart())) {
            // a rewrite rule sent the key outside the listing: its object, if any, is asked for
            remote = store.head(dest.bucket(), dest.key()).map(Reconciler::listed).orElse(null);
            if (remote != null) {
                c.remote++;
            }
        }
        Verdict verdict = remote == null
                ? Verdict.of(uploadedDuringRun(run, record, l.stat()) ? Optional.empty() : Optional.of(""))
                : compare(l, remote, dest, record, aheadMd5);
        Optional<String> why = verdict.why();
        if (why.isEmpty()) {
            boolean known = UploadDecision.uploaded(record, l.stat());
            if (known) {
                c.unchanged++;
                if (!run.dryRun()) {
                    // S3 holds this version: a ctime or inode the record lacks (or that moved, when the content
                    // was compared in checksum mode) is recorded, so a later same-size, same-mtime rewrite is seen
                    FileRecord r = record.get();
                    if (!r.stat().knowsIdentity() || l.stat().identityMovedFrom(r.stat())) {
                        records.offerIfIdle(r.withIdentity(l.stat(), "", clock.instant()));
                    }
                }
            } else {
                c.confirmed++;
                if (!run.dryRun() && vouchesForVersion(record)) {
                    recordConfirmed(l.path(), l.stat(), dest, record, remote.etag(), verdict.md5());
                }
            }
            markers.file(l.stat().mtimeMillis(), true);
            sink.same(l.path(), dest, l.stat(), remote, record);
            return true;
        }
        boolean suspect = remote != null && (why.get().equals(UploadDecision.SUSPECT)
                || UploadDecision.touched(record, dest, l.stat()) && !record.get().etag().isEmpty()
                        && remote.etag().equals(record.get().etag()) && storageClassProblem(remote).isEmpty());
        if (run.dryRun() && suspect && sameContentAsUploaded(l, remote, dest, record.get())) {
            // a real run hands such a file to a worker, which compares its MD5 and uploads nothing when the
            // content is the one uploaded (a touch, a chmod): the dry run says what that run would do
            c.unchanged++;
            markers.file(l.stat().mtimeMillis(), true);
            sink.same(l.path(), dest, l.stat(), remote, record);
            return true;
        }
        markers.file(l.stat().mtimeMillis(), false);
        if (remote == null) {
            c.missing++;
            sink.difference(new Difference(Difference.Kind.MISSING, dest.key(), l.stat().size() + " bytes"));
        } else {
            c.changed++;
            sink.difference(new Difference(Difference.Kind.CHANGED, dest.key(), why.get()));
        }
        if (!run.dryRun() && !suspect && record.isPresent() && record.get().status() == FileStatus.UPLOADED) {
            // the record says uploaded but S3 disagrees (the object was deleted, or its content changed at the
            // same size and mtime): withdraw it, or the worker would trust it and skip the upload. A suspect file
            // (ctime or inode moved), like a touched one whose object is still the one uploaded (same ETag), keeps
            // its record: the worker compares its MD5 with the recorded checksum
            records.offer(record.get().withStatus(FileStatus.PENDING, clock.instant()));
        }
        return sink.upload(l.path(), dest, l.stat(), remote == null ? "missing in S3" : why.get());
    }

    /**
     * The helper thread's part: the batch's records in one lookup, and the MD5 of each file that its decision will
     * compare with its object's ETag (the same size, a single-part ETag, and either a file the state store does not
     * know or checksum mode). A file that cannot be read here is left to the decision, which says why.
     */
    private Batch prepare(List<Step> steps) {
        List<String> paths = new ArrayList<>(steps.size());
        for (Step step : steps) {
            if (step.local() != null) {
                paths.add(step.local().path().toString());
            }
        }
        java.util.Map<String, FileRecord> found = new java.util.HashMap<>();
        if (!paths.isEmpty()) {
            // a prefix site has one bucket: its rejected files (key too long, name not UTF-8) are recorded there too
            List<RecordId> ids = paths.stream().map(p -> records.local(p, router.bucket())).toList();
            records.getAll(ids).forEach((id, r) -> found.put(id.item(), r));
        }
        String[] md5s = new String[steps.size()];
        for (int i = 0; i < steps.size() && !Thread.currentThread().isInterrupted(); i++) {
            Step step = steps.get(i);
            LocalTree.Entry l = step.local();
            RemoteEntry remote = step.remote();
            if (l == null || remote == null || isMarker(l.relative()) || remote.etag().indexOf('-') >= 0
                    || remote.size() != l.stat().size() || storageClassProblem(remote).isPresent()) {
                continue;
            }
            Optional<FileRecord> record = Optional.ofNullable(found.get(l.path().toString()));
            if (UploadDecision.unknown(record) || policy.mode() == Mode.CHECKSUM) {
                try {
                    md5s[i] = Checksums.md5Hex(l.path());
                } catch (IOException e) {
                    md5s[i] = null; // the decision reads it again and says why it cannot
                }
            }
        }
        return new Batch(steps, found, md5s);
    }

    private static Batch await(Future<Batch> batch) throws InterruptedException {
        try {
            return batch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * True when a verdict of "same" says which version of the file S3 holds, so that the record may say this
     * one: every mode but size-only, where the same size says nothing of the content or the modification time.
     * A size-only run that finds a changed file of the same size leaves its record describing the version it
     * knows, so a later run that compares more (the default) still sees the change. A file the state store
     * does not know was compared by content ({@link #compare}) in every mode.
     */
    private boolean vouchesForVersion(Optional<FileRecord> record) {
        return policy.mode() != Mode.SIZE_ONLY || UploadDecision.unknown(record);
    }

    /**
     * True when the record says this very version was uploaded after this run began: the listing page that
     * lacks it may have been fetched before the upload ended (the daemon's workers go on while a start-up check
     * or a sweep lists), so its absence there says nothing, and withdrawing the record would upload it twice.
     */
    private static boolean uploadedDuringRun(Run run, Optional<FileRecord> record, FileStat stat) {
        return UploadDecision.uploaded(record, stat)
                && record.get().uploadedAt().filter(at -> at.isAfter(run.started())).isPresent();
    }

    /**
     * S3 already holds this version (uploaded by another tool, or before the state store knew): it is recorded,
     * so the next run trusts the record instead of asking S3.
     */
    private void recordConfirmed(Path path, FileStat stat, Destination dest, Optional<FileRecord> record,
            String etag, String md5) {
        java.time.Instant now = clock.instant();
        FileRecord base = record.orElseGet(() -> FileRecord.pending(records.instance().value(), path.toString(),
                dest.bucket(), dest.key(), stat, now));
        records.offer(base.uploaded(dest.bucket(), dest.key(), stat, md5, etag, now));
    }

    /**
     * One file the state store does not know, compared with its object as a run compares it with the listing,
     * but from a HEAD: cheaper than listing a large prefix when only a few files are unknown. Records the file
     * when S3 holds it (unless a dry run).
     *
     * @return why it needs uploading ("missing in S3", a size or content difference), or empty when S3 holds it
     * @throws dev.ferry.core.TransferException when S3 cannot answer
     */
    public Optional<String> checkUnknown(Path path, FileStat stat, Destination dest, Optional<FileRecord> record,
            boolean dryRun) {
        Optional<RemoteObject> head = store.head(dest.bucket(), dest.key());
        if (head.isEmpty()) {
            return Optional.of("missing in S3");
        }
        RemoteEntry remote = listed(head.get());
        Optional<String> storageClass = storageClassProblem(remote);
        Verdict verdict = storageClass.isPresent() ? Verdict.of(storageClass)
                : sameObject(path, stat, remote, dest, null);
        if (verdict.why().isEmpty() && !dryRun) {
            recordConfirmed(path, stat, dest, record, remote.etag(), verdict.md5());
        }
        return verdict.why();
    }

    private Optional<String> storageClassProblem(RemoteEntry remote) {
        return remote.storageClass().equals(policy.storageClass()) ? Optional.empty()
                : Optional.of("storage class " + remote.storageClass() + ", site wants " + policy.storageClass());
    }

    /** Why the object does not hold this version of the file, or empty when it does. */
    private Verdict compare(LocalTree.Entry l, RemoteEntry remote, Destination dest,
            Optional<FileRecord> record, String aheadMd5) {
        Optional<String> storageClass = storageClassProblem(remote);
        if (storageClass.isPresent()) {
            return Verdict.of(storageClass);
        }
        if (UploadDecision.unknown(record)) {
            // the state store does not know the file (a lost or new store, a record imported from seed 000):
            // S3 decides, in every mode by size and content as in checksum mode (an object another tool uploaded
            // has no mtime metadata to compare), so nothing already there is sent again
            return sameObject(l.path(), l.stat(), remote, dest, aheadMd5);
        }
        switch (policy.mode()) {
            case STATE:
                return Verdict.of(UploadDecision.needsUpload(record, dest, l.stat()));
            case SIZE_MTIME:
                return Verdict.of(UploadDecision.bySizeAndMtime(record, dest, l.stat(), remote,
                        () -> store.head(dest.bucket(), dest.key())));
            case SIZE_ONLY:
                return Verdict.of(UploadDecision.sizeDiffers(remote.size(), l.stat()));
            case CHECKSUM:
            default:
                return sameObject(l.path(), l.stat(), remote, dest, aheadMd5);
        }
    }

    /**
     * For a dry run, the worker's comparison of a suspect or touched file: its MD5 against the one recorded as
     * uploaded, or, for a record without one, against the object's.
     */
    private boolean sameContentAsUploaded(LocalTree.Entry l, RemoteEntry remote, Destination dest, FileRecord record) {
        if (record.checksum().isEmpty()) {
            return sameContent(l.path(), l.stat().size(), remote, dest, null).isPresent();
        }
        try {
            return Checksums.md5Hex(l.path()).equalsIgnoreCase(record.checksum());
        } catch (IOException e) {
            log.warn("{}: cannot compare content ({})", l.path(), e.toString());
            return false;
        }
    }

    /**
     * Size, then content: why the object does not hold the file, or empty when it does (checksum mode).
     * {@code aheadMd5}: the file's MD5 when computed ahead, else null.
     */
    private Verdict sameObject(Path path, FileStat stat, RemoteEntry remote, Destination dest, String aheadMd5) {
        Optional<String> size = UploadDecision.sizeDiffers(remote.size(), stat);
        if (size.isPresent()) {
            return Verdict.of(size);
        }
        return sameContent(path, stat.size(), remote, dest, aheadMd5).map(md5 -> new Verdict(Optional.empty(), md5))
                .orElseGet(() -> Verdict.of(Optional.of("content differs")));
    }

    /**
     * Whether the object holds the file's bytes: the file's MD5 when it does ("" when only a multipart ETag
     * matched), empty when it does not or cannot be told.
     */
    private Optional<String> sameContent(Path path, long size, RemoteEntry remote, Destination dest,
            String aheadMd5) {
        try {
            String etag = remote.etag();
            int dash = etag.indexOf('-');
            if (dash < 0) {
                return matched(aheadMd5 != null ? aheadMd5 : Checksums.md5Hex(path), etag);
            }
            Optional<String> md5 = store.head(dest.bucket(), dest.key()).flatMap(RemoteObject::md5Hex);
            if (md5.isPresent()) {
                return matched(Checksums.md5Hex(path), md5.get());
            }
            int parts = Integer.parseInt(etag.substring(dash + 1));
            for (long partSize : candidatePartSizes(size, parts)) {
                if (Checksums.multipartEtag(path, partSize).equalsIgnoreCase(etag)) {
                    return Optional.of("");
                }
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("{}: cannot compare content ({}); uploading it again", path, e.toString());
            return Optional.empty();
        }
    }

    /** The file's MD5, lower case, when it is the object's; else empty. */
    private static Optional<String> matched(String localMd5, String remoteMd5) {
        return localMd5.equalsIgnoreCase(remoteMd5) ? Optional.of(localMd5.toLowerCase(java.util.Locale.ROOT))
                : Optional.empty();
    }

    /** Part sizes that split {@code size} bytes into {@code parts}: seed 002's 5 MiB, common ones, whole MiB. */
    static List<Long> candidatePartSizes(long size, int parts) {
        List<Long> out = new ArrayList<>();
        for (long p : new long[] {5 * MIB, 8 * MIB, 16 * MIB, ((size + parts - 1) / parts + MIB - 1) / MIB * MIB}) {
            if (p > 0 && (size + p - 1) / p == parts && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private void onRemoteOnly(RemoteEntry r, String rel, ReconcileSink sink, Counts c, MarkerTracker markers,
            List<String> deletions) {
        if (isMarker(rel)) {
            markers.markerSeen(r.lastModified());
            String path = router.relativeOf(r.key());
            if (policy.retireDeleted() && path != null && path.contains("/")) {
                Path folder = router.root().resolve(MarkerTracker.folderOf(path));
                if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    // the marker of a folder renamed or moved away goes with the folder's other objects
                    c.remote++;
                    planDelete(r.key(), sink, c, deletions);
                }
            }
            return;
        }
        c.remote++;
        c.extra++;
        sink.difference(new Difference(Difference.Kind.EXTRA, r.key(), r.size() + " bytes"));
        if (!policy.retireDeleted()) {
            return;
        }
        String path = router.relativeOf(r.key()); // the file it came from, where keys tell (no rewrite)
        Path local = router.root().resolve(path != null ? path : rel);
        if (Files.exists(local) || router.route(local) instanceof RouteDecision.Skipped) {
            return; // excluded or unreadable locally: never deleted
        }
        planDelete(r.key(), sink, c, deletions);
    }

    /** An object to delete, behind the run's delete guard (counted beyond what the guard could allow). */
    private void planDelete(String key, ReconcileSink sink, Counts c, List<String> deletions) {
        sink.plannedDelete(key);
        if (deletions.size() < Math.max(1, policy.maxDelete()) + 1) {
            deletions.add(key);
        } else {
            c.overDeleteLimit++;
        }
    }

    private boolean isMarker(String relative) {
        return policy.markerFile().isPresent()
                && relative.substring(relative.lastIndexOf('/') + 1).equals(policy.markerFile().get());
    }

    /**
     * Writes a folder's marker. A marker that cannot be written does not stop the run (the files were handed over
     * already): it is said once per run, and the next full sweep writes it, finding it still missing. When S3
     * cannot be reached, no other marker of this run is tried.
     */
    private void writeMarker(String folder, MarkerWrites writes) {
        String name = policy.markerFile().orElseThrow();
        String body = "Synced at: " + clock.instant() + "\n";
        String key = router.prefix() + folder + name;
        if (writes.s3Away) {
            writes.failed++;
            return;
        }
        try {
            putMarker(key, body);
        } catch (TransferException e) {
            writes.failed++;
            writes.s3Away = e.kind() == FailureKind.UNREACHABLE;
            if (writes.failed == 1) {
                log.warn("s3://{}/{}: marker not written ({}); the next full sweep writes it{}", router.bucket(), key,
                        e.getMessage(), writes.s3Away ? "; no other marker is tried in this sweep" : "");
            } else {
                log.debug("s3://{}/{}: marker not written either ({})", router.bucket(), key, e.getMessage());
            }
            return;
        }
        if (policy.localMarkers()) {
            try {
                Files.writeString(router.root().resolve(folder).resolve(name), body);
            } catch (IOException e) {
                log.warn("{}: cannot write the local marker: {}", router.root().resolve(folder), e.toString());
            }
        }
        log.info("s3://{}/{}: marker written", router.bucket(), key);
    }

    /** One marker's PUT; where the bucket does not exist yet, once more after the bucket was made sure of. */
    private void putMarker(String key, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String type = "text/plain; charset=utf-8";
        try {
            store.putBytes(router.bucket(), key, bytes, type, policy.markerOptions());
        } catch (TransferException e) {
            java.util.function.Consumer<String> ensure = bucketCreation;
            if (e.kind() != FailureKind.NO_SUCH_BUCKET || ensure == null) {
                throw e;
            }
            ensure.accept(router.bucket());
            store.putBytes(router.bucket(), key, bytes, type, policy.markerOptions());
        }
    }

    /** The markers of one run that could not be written, and whether S3 could not be reached for one. */
    private static final class MarkerWrites {
        long failed;
        boolean s3Away;
    }

    private static final class Counts {
        long files;
        long missing;
        long changed;
        long unchanged;
        long confirmed;
        long ignored;
        long extra;
        long remote;
        long overDeleteLimit;
    }
}
