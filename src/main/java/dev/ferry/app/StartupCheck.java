package dev.ferry.app;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadDecision;
import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.filter.BucketNames;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.source.local.LocalSource;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.Reconciler;
import dev.ferry.sweep.SweepResult;
import dev.ferry.sweep.SweepScheduler;
import dev.ferry.sweep.ReconcileSink;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's full sweeps of a site that the state store alone decides (reconcile: state), and of the
 * watch_path tree in every mode. In state mode, the first full sweep (start-up) walks against the state store
 * as every sweep does, but holds back the files the store does not know (no record, or one imported from seed 000
 * without a version); only when there are some is S3 asked about them (a HEAD each when they are few, else a
 * listing of the folder's destination), so that those already in S3 unchanged are recorded instead of uploaded
 * (a lost state store, a move from seed 000 or 002). A fully recorded tree costs no S3 request. In size-mtime and checksum modes, each bucket folder
 * of the watch_path tree is reconciled on every full sweep, as sites are.
 */
final class StartupCheck {
    private static final Logger log = LoggerFactory.getLogger(StartupCheck.class);

    /** At most this many unknown files are checked one HEAD each; beyond, the destination is listed. */
    static final int MAX_HEADS = 1000;
    /** ... and at most this many per page of 1,000 keys that a listing would take. */
    static final int HEADS_PER_PAGE = 10;

    /** A file the state store does not know, held back from the first walk. */
    private record Held(Path path, Destination destination, FileStat stat) {
    }

    private final Site site;
    private final Engine engine;
    private final RecordKeeper records;
    private final Reconciler.StoreWait storeWait;
    private final Clock clock;
    /** The folders (with their count of unknown files) whose comparison with S3 was told at INFO already. */
    private final java.util.Set<String> toldComparing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    StartupCheck(Site site, Engine engine, RecordKeeper records, Reconciler.StoreWait storeWait, Clock clock) {
        this.site = site;
        this.engine = engine;
        this.records = records;
        this.storeWait = storeWait;
        this.clock = clock;
    }

    /** The first full sweep of a site of the config file in state mode. */
    SweepScheduler.FullRun forSite(PrefixRouter router, Reconciler.Policy policy) {
        // force_upload: every file goes again, so S3 is not asked about the ones the state store does not know
        return (cancelled, holdDeletions) -> site.policy().forceUpload()
                ? sweep().sweep(router.root(), new EngineSink(engine, site), cancelled)
                : unknownChecked(router.root(), router, policy, cancelled);
    }

    /**
     * The full sweep of the watch_path tree: each bucket folder checked ({@code everyRun} false: the first
     * sweep, state mode) or reconciled (size-mtime, checksum); files directly under the root and folders that
     * are not bucket names are swept as usual (ignored or failed, with the reason).
     */
    SweepScheduler.FullRun forWatchPath(List<String> ignorePatterns, Reconciler.Policy policy, boolean everyRun) {
        return (cancelled, holdDeletions) -> {
            long began = System.nanoTime();
            long[] totals = new long[4];
            boolean complete = true;
            TransferException unreachable = null;
            Reconciler plain = sweep();
            EngineSink sink = new EngineSink(engine, site);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(site.root())) {
                for (Path entry : entries) {
                    if (cancelled.getAsBoolean()) {
                        complete = false;
                        break;
                    }
                    String name = entry.getFileName().toString();
                    SweepResult r;
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && BucketNames.problem(name).isEmpty()) {
                        PrefixRouter router = new PrefixRouter(entry, name, "", new IgnoreRules(ignorePatterns),
                                PathFilter.none());
                        try {
                            r = everyRun ? reconciled(router, policy, holdDeletions)
                                    : unknownChecked(entry, router, policy, cancelled);
                        } catch (TransferException e) {
                            // this bucket's endpoint does not answer: the other folders go on, and the sweep fails
                            // at the end, to run again
                            unreachable = unreachable == null ? e : unreachable;
                            continue;
                        }
                    } else {
                        r = plain.sweep(entry, sink, cancelled);
                    }
                    totals[0] += r.files();
                    totals[1] += r.queued();
                    totals[2] += r.rejected();
                    totals[3] += r.unreadable();
                    complete &= r.complete();
                }
            } catch (IOException e) {
                log.error("{}: cannot list the watch root: {}", site.root(), e.toString());
                complete = false;
            }
            if (unreachable != null) {
                throw unreachable;
            }
            return new SweepResult(totals[0], totals[1], totals[2], totals[3],
                    Duration.ofNanos(System.nanoTime() - began), complete);
        };
    }

    /** A reconciliation of one bucket folder of the watch_path tree (size-mtime or checksum mode). */
    private SweepResult reconciled(PrefixRouter router, Reconciler.Policy policy, boolean holdDeletions)
            throws InterruptedException {
        try {
            EngineSink sink = new EngineSink(engine, site);
            ReconcileReport r = new Reconciler(router, site.store(), records, policy, clock)
                    .run(sink, false, holdDeletions);
            sink.guardSaid(router.bucket(), r, holdDeletions);
            return new SweepResult(r.files(), r.missing() + r.changed(), r.ignored(), 0, r.took(), true);
        } catch (TransferException e) {
            if (e.kind() == FailureKind.UNREACHABLE) {
                throw e; // compared once S3 answers (see unknownChecked): a sweep against the store alone would
                         // upload every file it does not know
            }
            log.warn("s3://{}/: cannot compare {} with S3 ({}); sweeping it against the state store instead",
                    router.bucket(), router.root(), e.getMessage());
            return sweep().sweep(router.root(), new EngineSink(engine, site), () -> false);
        }
    }

    /**
     * Sweeps {@code start} against the state store, handing over what it knows to need uploading and holding
     * back what it does not know; then, if anything was held back, asks S3 about it: a HEAD per file when they
     * are few (at most {@link #HEADS_PER_PAGE} per page of 1,000 keys the listing would take), else a listing
     * of the folder's destination.
     */
    private SweepResult unknownChecked(Path start, PrefixRouter router, Reconciler.Policy policy,
            BooleanSupplier cancelled) throws InterruptedException {
        AtomicLong unknown = new AtomicLong();
        List<Held> held = new ArrayList<>();
        ReconcileSink holding = new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason)
                    throws InterruptedException {
                if (reason.equals(UploadDecision.NEW_FILE)) {
                    if (unknown.incrementAndGet() <= MAX_HEADS) {
                        held.add(new Held(path, destination, stat));
                    }
                    return true;
                }
                return engine.enqueue(site, site.source().ref(path.toString()), destination, stat);
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                    Optional<FileRecord> existing) {
                engine.reject(site, site.source().ref(path.toString()), rejected, stat, existing);
            }
        };
        SweepResult first = sweep().sweep(start, holding, cancelled);
        if (unknown.get() == 0 || !first.complete()) {
            return first;
        }
        long began = System.nanoTime();
        String where = "s3://" + router.bucket() + "/" + router.prefix();
        Reconciler reconciler = new Reconciler(router, site.store(), records, policy, clock);
        long pages = Math.max(1, (first.files() + 999) / 1000);
        boolean byHead = unknown.get() <= MAX_HEADS && unknown.get() <= HEADS_PER_PAGE * pages;
        // said once per folder and count: a sweep that S3 fails runs again every few seconds while S3 is away
        (toldComparing.add(start + "\n" + unknown.get()) ? log.atInfo() : log.atDebug()).log(
                "{}: {} files the state store does not know: comparing them with {} ({}) before uploading them",
                start, unknown.get(), where, byHead ? "a HEAD each" : "a listing");
        try {
            long confirmed = 0;
            long missing = 0;
            long changed = 0;
            if (byHead) {
                for (Held h : held) {
                    Optional<String> why = reconciler.checkUnknown(h.path(), h.stat(), h.destination(),
                            records.get(records.local(h.path().toString(), h.destination().bucket())), false);
                    if (why.isEmpty()) {
                        confirmed++;
                        continue;
                    }
                    if (why.get().equals("missing in S3")) {
                        missing++;
                    } else {
                        changed++;
                    }
                    if (!engine.enqueue(site, site.source().ref(h.path().toString()), h.destination(), h.stat())) {
                        break;
                    }
                }
            } else {
                // the first walk already handed over what the store knows to need uploading: the queue merges
                // the same file handed over again. Nothing is deleted in this run: only the files are checked.
                ReconcileReport r = reconciler.run(new EngineSink(engine, site), false, true);
                confirmed = r.confirmed();
                missing = r.missing();
                changed = r.changed();
            }
            log.info("{}: {} files already in {} recorded without uploading; {} missing and {} different queued",
                    start, confirmed, where, missing, changed);
            // the first walk counted the files it held back as handed over: those S3 confirmed are not
            return new SweepResult(first.files(), first.queued() - unknown.get() + missing + changed,
                    first.rejected(),
                    first.unreadable(), first.took().plus(Duration.ofNanos(System.nanoTime() - began)), true);
        } catch (TransferException e) {
            if (e.kind() == FailureKind.UNREACHABLE) {
                // S3 does not answer now (a network not up yet at boot): the files wait for it rather than go up
                // blind, which would send a whole tree S3 holds already once it answers. The sweep fails and its
                // scheduler runs it again, with backoff, until S3 answers; nothing could be uploaded meanwhile.
                throw e;
            }
            // S3 answers but will not say (a key allowed to write but not to list or read): the files are uploaded
            // as they would have been; uploading one that is already there costs a PUT, losing one costs more
            log.warn("{}: cannot ask {} about the files the state store does not know ({}); uploading them",
                    start, where, e.getMessage());
            SweepResult again = sweep().sweep(start, new EngineSink(engine, site), cancelled);
            return new SweepResult(first.files(), again.queued(), first.rejected(), first.unreadable(),
                    first.took().plus(again.took()), again.complete());
        }
    }

    /** A sweep of the site against the state store alone (its router: a bucket per folder included). */
    private Reconciler sweep() {
        return new Reconciler(site.router(), records, 1000, storeWait, java.time.Clock.systemUTC(),
                site.policy().forceUpload());
    }

}
