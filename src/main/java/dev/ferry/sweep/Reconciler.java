package dev.ferry.sweep;

import dev.ferry.core.Checksums;
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
import dev.ferry.core.StateStoreException;
import dev.ferry.core.UploadDecision;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalTree;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.filter.Router;
import java.io.IOException;
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
import java.util.concurrent.FutureTask;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sweep: merges, in key order, a walk of the folder ({@link LocalTree}) with a listing, and looks the
 * files' records up in batches on a helper thread, so memory stays bounded whatever the number of files. The
 * listing is either S3's listing of the site's prefix (a reconciliation: {@link #run}, which decides per file by
 * the site's mode, plans deletions (retire_deleted) behind a guard and finds the sync markers due for complete
 * folders, and hands both to the sink, whose engine writes them on its lanes as every write to S3)
 * or none (a sweep against the state store alone: {@link #sweep}, where a file is decided by its record, any
 * router's, from the root or from one folder or file under it). Symbolic links to files are followed, links to
 * folders are not; an entry that cannot be read is logged and counted, and the walk goes on with the others. When
 * a sweep cannot read the state store, it waits ({@link StoreWait}) and tries the batch again rather than
 * uploading everything blindly.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final long MIB = 1024L * 1024L;

    /** Why a file whose record says it is uploaded is handed over when the site forces uploads. */
    public static final String FORCED = "force_upload";

    /** The site's policy for one run. */
    public record Policy(Mode mode, String storageClass, boolean retireDeleted, int maxDelete, int maxDeletePercent,
            Optional<String> markerFile, boolean localMarkers, UploadOptions markerOptions) {
    }

    /** How a file is compared with its object. */
    public enum Mode { STATE, SIZE_MTIME, SIZE_ONLY, CHECKSUM }

    /** How to wait for the state store to come back; injected so tests need not sleep. */
    @FunctionalInterface
    public interface StoreWait {
        /** Waits before retry number {@code attempt}; false to give up (cancelled). */
        boolean await(int attempt, StateStoreException cause) throws InterruptedException;

        /**
         * Waits by {@code backoff} (the one backoff rule) through {@code sleeper}; gives up after
         * {@code maxAttempts} waits, or when the sleeper is cut short.
         */
        static StoreWait backoff(Backoff backoff, int maxAttempts, Backoff.Sleeper sleeper) {
            return (attempt, cause) -> attempt <= maxAttempts && backoff.await(attempt, sleeper);
        }
    }

    /** The policy of a sweep against the state store alone: no listing, nothing deleted, no markers. */
    private static final Policy STATE_ONLY = new Policy(Mode.STATE, "STANDARD", false, 0, 0, Optional.empty(), false,
            UploadOptions.NONE);

    /** Routes every file the walk finds (the site's router). */
    private final Router router;
    /** The router of the listing a reconciliation compares with; null for a sweep against the state store alone. */
    private final PrefixRouter listed;
    private final ObjectStore store;
    private final RecordKeeper records;
    private final Policy policy;
    private final Clock clock;
    private final DeleteGuard guard;
    private final java.util.function.LongSupplier nanoTime;
    /** Files and objects per batch (merged and decided on the run's thread, their records looked up ahead). */
    private final int batchSize;
    /** How a sweep waits for the state store; null: a reconciliation fails with the store's error at once. */
    private final StoreWait storeWait;
    /** force_upload: a file whose record says this version is uploaded is handed over all the same. */
    private final boolean force;
    /**
     * One run's parameters: a dry run writes nothing; {@code started} is when it began (a record uploaded after it
     * may be missing from a listing page fetched before); {@code listing} false for a sweep against the state store
     * alone; {@code cancelled} stops the walk.
     */
    private record Run(boolean dryRun, java.time.Instant started, boolean listing, BooleanSupplier cancelled) {
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

    /** Files and objects per batch of a reconciliation. */
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

    /** A file of the walk with the key it goes to (its relative path where no listing is merged). */
    private record Keyed(LocalTree.Entry entry, String key) {
    }

    /**
     * A batch of steps with their records (by path) and, per step, the file's route and its MD5 when computed
     * ahead; {@code storeAway} when the state store could not be read and the sweep gave up waiting for it.
     */
    private record Batch(List<Step> steps, java.util.Map<String, FileRecord> records, RouteDecision[] decisions,
            String[] md5s, boolean storeAway) {
    }

    public Reconciler(PrefixRouter router, ObjectStore store, RecordKeeper records, Policy policy, Clock clock) {
        this(router, store, records, policy, clock, System::nanoTime);
    }

    /** @param nanoTime the monotonic time a run's duration is measured with */
    public Reconciler(PrefixRouter router, ObjectStore store, RecordKeeper records, Policy policy, Clock clock,
            java.util.function.LongSupplier nanoTime) {
        this(router, router, store, records, policy, clock, nanoTime, BATCH, null, false);
    }

    /**
     * A sweep against the state store alone ({@link #sweep}), for any router (a bucket per folder included): no
     * listing, so no S3 request.
     *
     * @param batchSize files whose records are looked up together
     * @param storeWait how to wait while the state store cannot be read
     * @param clock     stamps the records a sweep fills in (ctime and inode of an older record)
     * @param force     hand over every file, also those whose records say this version is uploaded (a site's
     *                  force_upload), with the reason {@link #FORCED}
     */
    public Reconciler(Router router, RecordKeeper records, int batchSize, StoreWait storeWait, Clock clock,
            boolean force) {
        this(router, null, null, records, STATE_ONLY, clock, System::nanoTime, batchSize,
                java.util.Objects.requireNonNull(storeWait, "storeWait"), force);
    }

    private Reconciler(Router router, PrefixRouter listed, ObjectStore store, RecordKeeper records, Policy policy,
            Clock clock, java.util.function.LongSupplier nanoTime, int batchSize, StoreWait storeWait, boolean force) {
        this.router = router;
        this.listed = listed;
        this.nanoTime = nanoTime;
        this.store = store;
        this.records = records;
        this.policy = policy;
        this.clock = clock;
        this.batchSize = batchSize;
        this.storeWait = storeWait;
        this.force = force;
        this.guard = new DeleteGuard(policy.maxDelete(), policy.maxDeletePercent(), clock);
    }

    /**
     * Sweeps the tree under {@code start} (the router's root, or a folder or file in it) against the state store
     * alone: each file is decided by its record ({@link UploadDecision#needsUpload}, or {@link #FORCED}); what
     * differs is handed to the sink's {@code upload}, a file whose record says this version is uploaded to its
     * {@code uploaded}, a rejected one to its {@code rejected}. Records without ctime and inode get them.
     */
    public SweepResult sweep(Path start, ReconcileSink sink, BooleanSupplier cancelled) throws InterruptedException {
        long began = nanoTime.getAsLong();
        LocalTree local = new LocalTree(router.root(), start);
        Counts c = new Counts();
        Run run = new Run(false, clock.instant(), false, cancelled);
        boolean complete = merge(run, keyed(local, relative -> relative), java.util.Collections.emptyIterator(), sink, c, null, null);
        c.ignored += passedOver(local, sink);
        return new SweepResult(c.files, c.missing, c.ignored, local.unreadable(),
                Duration.ofNanos(nanoTime.getAsLong() - began), complete);
    }

    /** Runs once. With {@code dryRun}, nothing is handed over to upload, delete or mark; the sink hears the rest. */
    public ReconcileReport run(ReconcileSink sink, boolean dryRun) throws InterruptedException {
        return run(sink, dryRun, false);
    }

    /**
     * Runs once; with {@code holdDeletions} (the folder was just replaced or came back, and what is missing may
     * still be arriving) nothing is deleted from S3. Nor is anything when part of the folder, or the folder
     * itself, could not be listed: an unreadable or missing tree is not a tree whose files were deleted.
     */
    public ReconcileReport run(ReconcileSink sink, boolean dryRun, boolean holdDeletions) throws InterruptedException {
        if (listed == null) {
            throw new IllegalStateException("a sweep against the state store alone has no listing to reconcile with");
        }
        Run run = new Run(dryRun, clock.instant(), true, () -> false);
        long began = nanoTime.getAsLong();
        Counts c = new Counts();
        List<Removal> deletions = new ArrayList<>();
        long[] marked = {0};
        MarkerTracker markers = new MarkerTracker((folder, due) -> {
            if (due && policy.markerFile().isPresent() && !dryRun) {
                String name = policy.markerFile().get();
                if (sink.mark(listed.root().resolve(folder).resolve(name),
                        new Destination(listed.bucket(), listed.prefix() + folder + name), policy.localMarkers(),
                        policy.markerOptions())) {
                    marked[0]++;
                }
            }
        });
        LocalTree local = new LocalTree(listed.root());
        Iterator<Keyed> files = inKeyOrder(local);
        try (Stream<RemoteEntry> listing = store.list(listed.bucket(), listed.keyStart())) {
            Iterator<RemoteEntry> remote = listing.iterator();
            try {
                remote.hasNext();
            } catch (TransferException e) {
                if (e.kind() != FailureKind.NO_SUCH_BUCKET) {
                    throw e;
                }
                remote = java.util.Collections.emptyIterator(); // nothing there yet: everything is missing
            }
            merge(run, files, remote, sink, c, markers, deletions);
        }
        markers.close();
        c.ignored += passedOver(local, sink);
        Optional<String> refused = Optional.empty();
        long deleted = 0;
        String prefix = listed.prefix();
        if (!deletions.isEmpty() || c.overDeleteLimit > 0) {
            long planned = deletions.size() + c.overDeleteLimit;
            // a sweep that holds its deletions refuses none: it deletes nothing whatever the guard would say
            refused = holdDeletions ? Optional.empty() : local.unreadable() > 0
                    ? Optional.of("would delete " + planned + " objects, but " + local.unreadable() + " folders could "
                            + "not be listed (a missing or unreadable folder is not a deletion); check the folder")
                    : guard.refusal(planned, c.remote);
            if (holdDeletions) {
                log.info("s3://{}/{}: not deleting {} objects whose local files are missing in this sweep: the folder "
                        + "was just replaced or came back; a later full sweep retires them", listed.bucket(), prefix,
                        planned);
            } else if (refused.isPresent()) {
                // the report carries it to the caller, who tells it once: a one-shot run in its result, the daemon
                // as the bucket's problem (logged when it starts or changes, not at every sweep it lasts)
                log.debug("s3://{}/{}: not deleting: {}", listed.bucket(), prefix, refused.get());
            } else if (!dryRun) {
                for (Removal removal : deletions) {
                    if (!sink.delete(removal.local(), new Destination(listed.bucket(), removal.key()))) {
                        break; // shutting down: the next run plans the rest again
                    }
                    deleted++;
                }
                log.info("s3://{}/{}: deleting {} objects whose local files are gone", listed.bucket(), prefix,
                        deleted);
            }
        }
        return new ReconcileReport(c.files, c.missing, c.changed, c.unchanged, c.confirmed, c.ignored, c.extra, deleted,
                refused, marked[0], local.unreadableFolders(),
                Duration.ofNanos(nanoTime.getAsLong() - began));
    }

    /**
     * Hands what the walk passed over to the sink: each entry it found but could not read, with the destination
     * its path routes to (a file there is not uploaded, and says so where an operator looks, {@code ferry failed},
     * not in a log line alone), and each entry that is no regular file, with why it is not uploaded.
     */
    private int passedOver(LocalTree local, ReconcileSink sink) {
        for (LocalTree.Unreadable u : local.unreadableEntries()) {
            if (router.route(u.path()) instanceof RouteDecision.Routed routed) {
                sink.unreadable(u.path(), routed.destination(), u.reason());
            }
        }
        int skipped = 0;
        for (Path notFile : local.notFiles()) {
            if (router.route(notFile) instanceof RouteDecision.Routed) { // one the filters leave out says nothing
                sink.skipped(notFile, dev.ferry.source.local.LocalStat.notARegularFile(notFile));
                skipped++;
            }
        }
        return skipped;
    }

    /**
     * The merge of the walk with the listing (empty where there is none), in two stages: this thread merges them
     * into batches and decides, in key order; a helper thread prepares the batch after the current one (its files'
     * routes, their records in one lookup, the MD5 of each file whose decision needs it). Bounded: at most two
     * batches are ahead of the decisions. A walk that fits in one batch (a sweep of a small folder) is prepared on
     * this thread. False when the run stopped before the end (cancelled, the sink said stop, the state store away).
     */
    private boolean merge(Run run, Iterator<Keyed> files, Iterator<RemoteEntry> remote, ReconcileSink sink, Counts c,
            MarkerTracker markers, List<Removal> deletions) throws InterruptedException {
        String prefix = listed != null ? listed.prefix() : "";
        Keyed l = files.hasNext() ? files.next() : null;
        RemoteEntry r = remote.hasNext() ? remote.next() : null;
        ExecutorService helper = null;
        java.util.ArrayDeque<Future<Batch>> ahead = new java.util.ArrayDeque<>();
        boolean stopped = false;
        try {
            while (!stopped && (l != null || r != null || !ahead.isEmpty())) {
                while (ahead.size() < 2 && (l != null || r != null) && !stopped) {
                    List<Step> steps = new ArrayList<>(Math.min(batchSize, 1024));
                    while (steps.size() < batchSize && (l != null || r != null)) {
                        if (run.cancelled().getAsBoolean()) {
                            stopped = true;
                            break;
                        }
                        int cmp = l == null ? 1 : r == null ? -1 : RemoteEntry.KEY_ORDER.compare(l.key(), r.key());
                        if (cmp <= 0) {
                            steps.add(new Step(l.entry(), cmp == 0 ? r : null, run.listing() ? relative(l.key(), prefix)
                                    : l.key()));
                            l = files.hasNext() ? files.next() : null;
                            if (cmp == 0) {
                                r = remote.hasNext() ? remote.next() : null;
                            }
                        } else {
                            steps.add(new Step(null, r, relative(r.key(), prefix)));
                            r = remote.hasNext() ? remote.next() : null;
                        }
                    }
                    if (l == null && r == null && ahead.isEmpty()) {
                        FutureTask<Batch> here = new FutureTask<>(() -> prepare(steps));
                        here.run();
                        ahead.add(here);
                    } else {
                        if (helper == null) {
                            helper = Executors.newSingleThreadExecutor(COMPARE_THREADS);
                        }
                        ahead.add(helper.submit(() -> prepare(steps)));
                    }
                }
                if (ahead.isEmpty()) {
                    break;
                }
                Batch batch = await(ahead.poll());
                if (batch.storeAway()) {
                    stopped = true;
                    break;
                }
                for (int i = 0; i < batch.steps().size() && !stopped; i++) {
                    Step step = batch.steps().get(i);
                    Optional<FileRecord> record = step.local() == null ? Optional.empty()
                            : Optional.ofNullable(batch.records().get(step.local().path().toString()));
                    if (!run.listing()) {
                        stopped = !onRecorded(step.local(), batch.decisions()[i], record, sink, c);
                    } else if (step.local() != null) {
                        if (step.remote() != null) {
                            c.remote++;
                        }
                        markers.enter(MarkerTracker.folderOf(step.rel()));
                        markers.local();
                        stopped = !onLocal(run, step.local(), batch.decisions()[i], step.remote(), sink, c, markers,
                                record, batch.md5s()[i]);
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
        return !stopped;
    }

    /**
     * A file of a sweep against the state store alone, decided by its record as the worker would (or handed over
     * all the same under force_upload). False when the sink says stop.
     */
    private boolean onRecorded(LocalTree.Entry l, RouteDecision decision, Optional<FileRecord> record,
            ReconcileSink sink, Counts c) throws InterruptedException {
        if (decision instanceof RouteDecision.Routed routed) {
            c.files++;
            Destination dest = routed.destination();
            Optional<String> why = force && UploadDecision.uploaded(record, l.stat()) ? Optional.of(FORCED)
                    : UploadDecision.needsUpload(record, dest, l.stat());
            if (why.isPresent()) {
                if (!sink.upload(l.path(), dest, l.stat(), why.get())) {
                    return false;
                }
                c.missing++;
                return true;
            }
            // a record written before Ferry kept ctime and inode gets them from this sweep (a write-behind write,
            // skipped when the state writer is busy or the store away: a later sweep does it), so a later rewrite
            // that keeps size and mtime is seen. The file is not read: upgrading hashes and uploads nothing.
            UploadDecision.identityToFill(record, dest, l.stat(), clock.instant()).ifPresent(records::offerIfIdle);
            return record.isEmpty() || record.get().status() != FileStatus.UPLOADED
                    || sink.uploaded(l.path(), dest, l.stat());
        }
        if (decision instanceof RouteDecision.Rejected rejected) {
            c.files++;
            sink.rejected(l.path(), rejected, l.stat(), record);
            c.ignored++;
        }
        return true;
    }

    /** The walk's files with the keys {@code keyOf} gives them, as the walk yields them. */
    private static Iterator<Keyed> keyed(LocalTree local, java.util.function.UnaryOperator<String> keyOf) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return local.hasNext();
            }

            @Override
            public Keyed next() {
                LocalTree.Entry e = local.next();
                return new Keyed(e, keyOf.apply(e.relative()));
            }
        };
    }

    /**
     * The walk's files with their keys, in key order: as the walk yields them where keys follow paths, else (key
     * rewrites, a remove prefix only some paths start with) all of them sorted in memory.
     */
    private Iterator<Keyed> inKeyOrder(LocalTree local) {
        Iterator<Keyed> keyed = keyed(local, listed::keyFor);
        if (listed.keysFollowPaths()) {
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

    private boolean onLocal(Run run, LocalTree.Entry l, RouteDecision decision, RemoteEntry listedRemote,
            ReconcileSink sink, Counts c, MarkerTracker markers, Optional<FileRecord> record, String aheadMd5)
            throws InterruptedException {
        RemoteEntry remote = listedRemote;
        if (isMarker(l.relative())) {
            if (remote != null) {
                markers.markerSeen(remote.lastModified());
            }
            return true;
        }
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
        if (remote == null && !dest.key().startsWith(listed.keyStart())) {
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
                        && remote.etag().equals(record.get().etag()) && storageClassProblem(remote, record).isEmpty());
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
    private Batch prepare(List<Step> steps) throws InterruptedException {
        RouteDecision[] decisions = new RouteDecision[steps.size()];
        List<RecordId> ids = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            LocalTree.Entry l = steps.get(i).local();
            if (l != null) {
                decisions[i] = router.route(l.path());
                idOf(l.path(), decisions[i]).ifPresent(ids::add);
            }
        }
        java.util.Map<String, FileRecord> found = new java.util.HashMap<>();
        if (!ids.isEmpty()) {
            java.util.Map<RecordId, FileRecord> known = lookup(ids);
            if (known == null) {
                return new Batch(steps, found, decisions, new String[steps.size()], true);
            }
            known.forEach((id, r) -> found.put(id.item(), r));
        }
        String[] md5s = new String[steps.size()];
        for (int i = 0; i < steps.size() && !Thread.currentThread().isInterrupted(); i++) {
            Step step = steps.get(i);
            LocalTree.Entry l = step.local();
            RemoteEntry remote = step.remote();
            if (l == null || remote == null || isMarker(l.relative()) || remote.etag().indexOf('-') >= 0
                    || remote.size() != l.stat().size()) {
                continue;
            }
            Optional<FileRecord> record = Optional.ofNullable(found.get(l.path().toString()));
            if (storageClassProblem(remote, record).isPresent()) {
                continue;
            }
            if (UploadDecision.unknown(record) || policy.mode() == Mode.CHECKSUM) {
                try {
                    md5s[i] = Checksums.md5Hex(l.path());
                } catch (IOException e) {
                    md5s[i] = null; // the decision reads it again and says why it cannot
                }
            }
        }
        return new Batch(steps, found, decisions, md5s, false);
    }

    /**
     * The record of a file: this instance's, for its destination bucket (a rejected file's, where it is recorded
     * failed or ignored: a prefix site's one bucket, the bucket folder of a watch_path tree); none for a skipped one.
     */
    private Optional<RecordId> idOf(Path path, RouteDecision decision) {
        String bucket = decision instanceof RouteDecision.Routed routed ? routed.destination().bucket()
                : decision instanceof RouteDecision.Rejected rejected ? rejected.bucket() : null;
        return bucket == null ? Optional.empty() : Optional.of(records.local(path.toString(), bucket));
    }

    /**
     * The records of a batch in one lookup. A sweep waits for a state store it cannot read ({@link StoreWait}) and
     * tries again; null once it gives up (cancelled). A reconciliation fails with the store's error.
     */
    private java.util.Map<RecordId, FileRecord> lookup(List<RecordId> ids) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return records.getAll(ids);
            } catch (StateStoreException e) {
                if (storeWait == null) {
                    throw e;
                }
                if (attempt == 1) {
                    log.warn("state store unreachable during sweep, waiting for it: {}", e.getMessage());
                }
                if (!storeWait.await(attempt, e)) {
                    return null;
                }
            }
        }
    }

    private static Batch await(Future<Batch> batch) throws InterruptedException {
        try {
            return batch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
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
        // the object is in the site's class, or Ferry asked for it there (storageClassProblem)
        records.offer(base.uploaded(dest.bucket(), dest.key(), stat, md5, etag, policy.storageClass(), now));
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
        Optional<String> storageClass = storageClassProblem(remote, record, () -> head);
        Verdict verdict = storageClass.isPresent() ? Verdict.of(storageClass)
                : sameObject(path, stat, remote, dest, null);
        if (verdict.why().isEmpty() && !dryRun) {
            recordConfirmed(path, stat, dest, record, remote.etag(), verdict.md5());
        }
        return verdict.why();
    }

    /**
     * Why the object is to be uploaded again for its storage class: it is in another class than the site's, and it is
     * not the object Ferry uploaded asking for the site's class (the record's ETag and class). Ferry's own upload in
     * another class was moved there by a lifecycle rule, or the server keeps every object in one class (S3Proxy's
     * multipart uploads): uploading it again would not change that, and would fight the rule at every run. An object
     * another tool uploaded, one recorded before Ferry kept the class, or one uploaded under another setting of
     * {@code storage_class} is uploaded again in the site's class, as seed 002 did.
     */
    private Optional<String> storageClassProblem(RemoteEntry remote, Optional<FileRecord> record) {
        return storageClassProblem(remote, record, Optional::empty);
    }

    /**
     * The same, for a file the state store does not know asking {@code head} (the object's HEAD, asked only then)
     * whether Ferry uploaded it asking for the site's class ({@link UploadOptions#META_STORAGE_CLASS}): a lost state
     * store does not make Ferry upload again what a lifecycle rule moved.
     */
    private Optional<String> storageClassProblem(RemoteEntry remote, Optional<FileRecord> record,
            java.util.function.Supplier<Optional<RemoteObject>> head) {
        if (remote.storageClass().equals(policy.storageClass())) {
            return Optional.empty();
        }
        boolean askedFor = record.filter(r -> r.storageClass().equals(policy.storageClass()) && !r.etag().isEmpty()
                && r.etag().equals(remote.etag()) && r.key().equals(remote.key()))
                .isPresent()
                || UploadDecision.unknown(record) && head.get().filter(h -> h.etag().equals(remote.etag())
                        && policy.storageClass().equals(h.metadata().get(UploadOptions.META_STORAGE_CLASS))).isPresent();
        return askedFor ? Optional.empty()
                : Optional.of("storage class " + remote.storageClass() + ", site wants " + policy.storageClass());
    }

    /** Why the object does not hold this version of the file, or empty when it does. */
    private Verdict compare(LocalTree.Entry l, RemoteEntry remote, Destination dest,
            Optional<FileRecord> record, String aheadMd5) {
        Optional<String> storageClass = storageClassProblem(remote, record,
                () -> store.head(dest.bucket(), dest.key()));
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
            log.warn("{}: cannot compare content ({}); uploading it", path, e.toString());
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
            List<Removal> deletions) {
        if (isMarker(rel)) {
            markers.markerSeen(r.lastModified());
            String path = listed.relativeOf(r.key());
            if (policy.retireDeleted() && path != null && path.contains("/")) {
                Path folder = listed.root().resolve(MarkerTracker.folderOf(path));
                if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    // the marker of a folder renamed or moved away goes with the folder's other objects
                    c.remote++;
                    planDelete(r.key(), listed.root().resolve(path), sink, c, deletions);
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
        String path = listed.relativeOf(r.key()); // the file it came from, where keys tell (no rewrite)
        Path local = listed.root().resolve(path != null ? path : rel);
        boolean there = Files.exists(local) && !dev.ferry.source.local.LocalStat.folderInPlace(local);
        if (there || router.route(local) instanceof RouteDecision.Skipped) {
            return; // excluded or unreadable locally: never deleted
        }
        planDelete(r.key(), local, sink, c, deletions);
    }

    /** An object to delete, with the local file it came from (absent), behind the run's delete guard. */
    private record Removal(String key, Path local) {
    }

    /** An object to delete, behind the run's delete guard (counted beyond what the guard could allow). */
    private void planDelete(String key, Path local, ReconcileSink sink, Counts c, List<Removal> deletions) {
        sink.plannedDelete(key);
        if (deletions.size() < Math.max(1, policy.maxDelete()) + 1) {
            deletions.add(new Removal(key, local));
        } else {
            c.overDeleteLimit++;
        }
    }

    private boolean isMarker(String relative) {
        return policy.markerFile().isPresent()
                && relative.substring(relative.lastIndexOf('/') + 1).equals(policy.markerFile().get());
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
