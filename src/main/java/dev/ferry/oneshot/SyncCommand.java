package dev.ferry.oneshot;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.Destination;
import dev.ferry.core.UploadOptions;
import dev.ferry.queue.Task;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.engine.Engine;
import dev.ferry.filter.RouteDecision;
import dev.ferry.source.local.LocalSource;
import dev.ferry.sweep.Difference;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.ReconcileSink;
import dev.ferry.sweep.Reconciler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ferry sync}: every site once — compare, upload, verify — then exit: 0 only when every file is in
 * S3; otherwise 1, with the failures listed, or 3 when a destination bucket does not exist (exit codes in
 * {@link OneShotOptions}). Retries are bounded; a site whose credentials are refused fails fast and is told
 * in one line, not one per file. Counts in seed 003's terms: added, updated, unchanged, skipped, ignored,
 * failed. With --json the result is one JSON document ({@link OneShotReport}).
 */
public final class SyncCommand {
    static final int EXIT_INCOMPLETE = OneShotOptions.EXIT_INCOMPLETE;
    /** "bucket does not exist (HTTP 404 NoSuchBucket)", "bucket b does not exist and create_buckets is off". */
    static final java.util.regex.Pattern NO_SUCH_BUCKET =
            java.util.regex.Pattern.compile("bucket (\\S+ )?does not exist");

    private final FerryConfig config;
    private final OneShotReport report;
    private final boolean dryRun;
    private final int maxAttempts;
    private final boolean errorOnNoTransfer;
    private boolean noSuchBucket;
    /** Dry run: objects that would be deleted. */
    private long wouldDelete;
    /** True when some job deletes objects whose local file is gone (--delete, retire_deleted). */
    private boolean deleting;
    /** Dry run only: a sync counts a file as added or updated once it is uploaded (SyncProgress). */
    private final LongAdder added = new LongAdder();
    private final LongAdder updated = new LongAdder();
    private long unchanged;
    private long skipped;
    private long ignored;
    private long jobFailures;
    /** Folders that could not be listed: their files were neither compared nor uploaded. */
    private long folderFailures;
    /** Jobs whose destination could not be listed: counted once, not again by the verifying pass. */
    private final java.util.Set<String> failedJobs = new java.util.HashSet<>();
    /**
     * Jobs that handed at least one file to the engine. The others were found complete by the first pass's
     * listing (and had their markers written there): the verifying pass skips them rather than list their
     * destination a second time for the same answer.
     */
    private final java.util.Set<String> jobsWithUploads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Files the router rejects, handled as the daemon records them; failures listed at the end. */
    private long rejections;
    private final Map<Path, String> rejectedFailures = new TreeMap<>();
    /** --progress: empty shows the bar on a terminal only; true always (on stderr), false never. */
    private Optional<Boolean> progress = Optional.empty();
    /** --verbose: name each ignored file in the text output too (a dry run always does). */
    private boolean verbose;
    /** Deletions the guard (max_delete, max_delete_percent) refused: the mirror is not complete. */
    private long deletesRefused;

    SyncCommand(FerryConfig config, PrintStream out, boolean dryRun, int maxAttempts) {
        this(config, out, dryRun, maxAttempts, false, false);
    }

    public SyncCommand(FerryConfig config, PrintStream out, boolean dryRun, int maxAttempts, boolean json,
            boolean errorOnNoTransfer) {
        this.config = config;
        this.report = new OneShotReport(out, json, "sync");
        this.dryRun = dryRun;
        this.maxAttempts = maxAttempts;
        this.errorOnNoTransfer = errorOnNoTransfer;
        report.document.put("dryRun", dryRun);
    }

    /** Names each ignored file, with its reason, in the text output of a sync too (a dry run always does). */
    public SyncCommand verbose(boolean on) {
        this.verbose = on;
        return this;
    }

    /** Shows the progress bar always (true), never (false), or on a terminal only (empty, the default). */
    public SyncCommand progress(Optional<Boolean> show) {
        this.progress = show;
        return this;
    }

    public int run() throws IOException, InterruptedException {
        try (OneShot oneShot = new OneShot(config, dryRun)) {
            return dryRun ? dryRun(oneShot) : sync(oneShot);
        }
    }

    private int dryRun(OneShot oneShot) throws IOException, InterruptedException {
        for (OneShot.Job job : oneShot.jobs()) {
            java.util.List<String> planned = new java.util.ArrayList<>();
            ReconcileSink printing = new ReconcileSink() {
                @Override
                public boolean upload(Path path, Destination dest, FileStat stat, String reason) {
                    String why = reason.isEmpty() ? "missing in S3" : reason;
                    report.line("would upload: s3://" + dest + " (" + why + ")");
                    report.list("wouldUpload").addObject().put("path", path.toString())
                            .put("destination", "s3://" + dest).put("bytes", stat.size()).put("reason", why);
                    count(reason);
                    return true;
                }

                @Override
                public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote,
                        Optional<FileRecord> record) {
                    unchanged++;
                }

                @Override
                public void plannedDelete(String key) {
                    planned.add(key); // told once the guard has spoken: a real run deletes all of them or none
                }

                @Override
                public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                        Optional<FileRecord> record) {
                    SyncCommand.this.rejected(Optional.empty(), path, rejected, stat, record);
                }

                @Override
                public void skipped(Path path, String reason) {
                    SyncCommand.this.skipped(path, reason);
                }
            };
            try {
                if (scan(oneShot, job, printing, true).deleteRefused().isEmpty()) {
                    for (String key : planned) {
                        wouldDelete++;
                        report.line("would delete: s3://" + job.router().bucket() + "/" + key);
                        report.list("wouldDelete").add("s3://" + job.router().bucket() + "/" + key);
                    }
                }
            } catch (dev.ferry.core.TransferException e) {
                // a dry run asks S3 what it holds: without an answer it cannot say what would be uploaded
                jobFailed(job, e);
            }
        }
        oneShot.outsideJobs((site, path, rejected, stat, existing) ->
                rejected(Optional.empty(), path, rejected, stat, existing));
        rejectedFailures.forEach((path, reason) -> {
            report.line("would fail: " + path + ": " + reason);
            report.list("failures").addObject().put("path", path.toString()).put("reason", reason);
        });
        report.line("dry run, nothing changed: would add " + added.sum() + ", update " + updated.sum() + "; unchanged "
                + unchanged + ", ignored " + ignored + ", would fail "
                + (rejectedFailures.size() + jobFailures + folderFailures)
                + (deleting ? ", would delete " + wouldDelete : ""));
        report.object("files").put("added", added.sum()).put("updated", updated.sum()).put("unchanged", unchanged)
                .put("skipped", skipped).put("ignored", ignored)
                .put("failed", rejectedFailures.size() + jobFailures + folderFailures).put("wouldDelete", wouldDelete);
        // as the real run would end: a deletion the guard refuses leaves the mirror incomplete (exit 1)
        return report.finish(rejectedFailures.isEmpty() && jobFailures == 0 && folderFailures == 0
                && deletesRefused == 0 ? OneShotOptions.EXIT_OK
                : noSuchBucket ? OneShotOptions.EXIT_NO_SUCH_BUCKET : EXIT_INCOMPLETE);
    }

    private int sync(OneShot oneShot) throws IOException, InterruptedException {
        SyncProgress progress = new SyncProgress();
        Engine engine = oneShot.engine(maxAttempts, progress);
        Map<Path, SyncProgress.Failure> details;
        Map<String, SiteRefusal> refusals;
        long missing;
        try (SyncBar bar = SyncBar.start(progress, engine::backlog, this.progress)) {
            for (OneShot.Job job : oneShot.jobs()) {
                try {
                    scan(oneShot, job, enqueueing(engine, job, progress), false);
                } catch (dev.ferry.core.TransferException e) {
                    failedJobs.add(job.name());
                    jobFailed(job, e);
                }
            }
            oneShot.outsideJobs((site, path, rejected, stat, existing) ->
                    rejected(Optional.of(engine), path, rejected, stat, existing));
            drain(engine, bar::update);
            bar.done();
            details = progress.failureDetails();
            refusals = refusals(details);
            missing = verify(oneShot, engine, progress, details.keySet(), refusals.keySet());
        } finally {
            engine.shutdown(Duration.ofSeconds(10)); // the queues are empty: workers leave at once
        }
        long deleted = progress.deleted().size();
        progress.deleted().forEach(object -> {
            report.line("deleted: " + object);
            report.list("deleted").add(object);
        });
        progress.deleteFailures().forEach((object, why) -> {
            String line = why.startsWith(object) ? why : object + ": " + why;
            report.line("delete failed: " + line);
            report.list("deleteFailures").add(line);
        });
        Map<Path, String> failures = progress.failures();
        long failed = Math.max(failures.size(), missing) + jobFailures + folderFailures + rejectedFailures.size()
                + progress.deleteFailures().size();
        refusals.forEach((site, refusal) -> {
            String line = site + ": " + refusal.why() + "; " + refusal.files() + " " + OneShotReport.files(refusal.files())
                    + " not uploaded";
            report.line("failed: " + line);
            report.list("siteFailures").addObject().put("site", site).put("reason", refusal.why())
                    .put("files", refusal.files());
        });
        failures.putAll(rejectedFailures);
        failures.forEach((path, reason) -> {
            SyncProgress.Failure f = details.get(path);
            noSuchBucket |= NO_SUCH_BUCKET.matcher(reason).find();
            if (f == null || !refusals.containsKey(f.site())) {
                report.line("failed: " + path + ": " + reason);
            }
            var entry = report.list("failures").addObject().put("path", path.toString()).put("reason", reason);
            if (f != null) {
                entry.put("site", f.site());
            }
        });
        long unchangedFiles = unchanged + progress.unchanged.sum();
        report.line("added " + progress.added.sum() + ", updated " + progress.updated.sum() + ", unchanged "
                + unchangedFiles + ", skipped " + skipped + ", ignored " + ignored + ", failed " + failed
                + (deleting ? ", deleted " + deleted : ""));
        report.object("files").put("added", progress.added.sum()).put("updated", progress.updated.sum())
                .put("unchanged", unchangedFiles).put("skipped", skipped).put("ignored", ignored).put("failed", failed)
                .put("deleted", deleted);
        report.document.put("bytes", progress.bytes.sum());
        if (failed > 0 || deletesRefused > 0) {
            return report.finish(noSuchBucket ? OneShotOptions.EXIT_NO_SUCH_BUCKET : EXIT_INCOMPLETE);
        }
        boolean nothing = progress.uploaded.sum() == 0 && deleted == 0;
        return report.finish(errorOnNoTransfer && nothing ? OneShotOptions.EXIT_NO_TRANSFER : OneShotOptions.EXIT_OK);
    }

    /** Waits until the engine has nothing left to do, calling {@code tick} every 100 ms meanwhile. */
    private static void drain(Engine engine, Runnable tick) throws InterruptedException {
        while (engine.backlog() > 0) {
            tick.run();
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** A site whose keys or permissions were refused: why (once), and how many of its files failed so. */
    record SiteRefusal(String why, long files) {
    }

    /**
     * Sites where every failure is the same refusal of the keys (wrong secret key, unknown access key, expired
     * token) or of access, or where the server could not be reached for any of them: one line per site says so,
     * instead of one per file.
     */
    static Map<String, SiteRefusal> refusals(Map<Path, SyncProgress.Failure> failures) {
        Map<String, java.util.Set<String>> causes = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        java.util.Set<String> keysRefused = new java.util.HashSet<>();
        Map<String, String> unreachable = new TreeMap<>();
        for (SyncProgress.Failure f : failures.values()) {
            Optional<String> why = refusal(f);
            if (f.unreachable() && !f.credentialsRefused()) {
                unreachable.putIfAbsent(f.site(), why.orElseThrow());
                why = Optional.of("unreachable");
            }
            causes.computeIfAbsent(f.site(), s -> new java.util.TreeSet<>()).add(why.orElse(""));
            counts.merge(f.site(), 1L, Long::sum);
            if (f.credentialsRefused()) {
                keysRefused.add(f.site());
            }
        }
        Map<String, SiteRefusal> refusals = new TreeMap<>();
        causes.forEach((site, why) -> {
            // one file denied by a policy is listed as itself; refused keys are the site's whatever the count
            if (why.size() == 1 && !why.contains("") && (keysRefused.contains(site) || counts.get(site) > 1)) {
                refusals.put(site, new SiteRefusal(unreachable.getOrDefault(site, why.iterator().next()),
                        counts.get(site)));
            }
        });
        return refusals;
    }

    /** Where an unreachable server's failure says why, after the file it was met on. */
    private static final java.util.regex.Pattern UNREACHABLE_DETAIL =
            java.util.regex.Pattern.compile("(network error|timed out|server busy|server unreachable).*");

    /**
     * The refusal in a failure's reason, without the file it was met on: "credentials refused: ...", or, for a
     * server that could not be reached, "S3 unreachable" and the first such failure's detail (the details of
     * files met at different moments differ, a reset here and a refused connection there: one cause still).
     */
    private static Optional<String> refusal(SyncProgress.Failure f) {
        String reason = f.reason();
        if (f.unreachable() && !f.credentialsRefused()) {
            java.util.regex.Matcher m = UNREACHABLE_DETAIL.matcher(reason);
            return Optional.of("S3 unreachable" + (m.find() ? " (" + m.group() + ")" : ""));
        }
        int at = reason.indexOf("credentials refused");
        if (at < 0) {
            at = reason.indexOf("access denied");
        }
        return f.credentialsRefused() || at >= 0 ? Optional.of(at >= 0 ? reason.substring(at) : reason)
                : Optional.empty();
    }

    /** A whole job (site, or bucket folder) could not be compared: one line, and a missing bucket is exit 3. */
    private void jobFailed(OneShot.Job job, dev.ferry.core.TransferException e) {
        String name = job.name();
        jobFailures++;
        noSuchBucket |= e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET
                || NO_SUCH_BUCKET.matcher(String.valueOf(e.getMessage())).find();
        report.line("failed: " + name + ": " + job.site().store().endpoint() + ": " + e.getMessage());
        report.list("siteFailures").addObject().put("site", name).put("reason", e.getMessage());
    }

    /**
     * Second pass: what is still not in S3 (markers are written here, once folders are complete). Files that
     * failed are listed with their reason already, and sites whose keys were refused are not asked again, nor
     * jobs that uploaded nothing (the first pass's listing already found them complete). A file that changed or
     * came back since the first pass saw it is carried now (a file restored unchanged is found so by its content
     * check, and uploads nothing), and counts as missing only when that fails.
     */
    private long verify(OneShot oneShot, Engine engine, SyncProgress progress, java.util.Set<Path> failed,
            java.util.Set<String> refusedSites) throws IOException, InterruptedException {
        LongAdder stillMissing = new LongAdder();
        Map<Path, String> carried = new java.util.concurrent.ConcurrentHashMap<>();
        for (OneShot.Job job : oneShot.jobs()) {
            if (failedJobs.contains(job.name()) || refusedSites.contains(job.name())
                    || !jobsWithUploads.contains(job.name())) {
                continue;
            }
            ReconcileSink counting = new ReconcileSink() {
                @Override
                public boolean upload(Path path, Destination dest, FileStat stat, String reason)
                        throws InterruptedException {
                    if (failed.contains(path)) {
                        stillMissing.increment(); // listed with its reason already
                        return true;
                    }
                    // changed, or back, since the first pass saw it (a rewrite, a file restored with its old mtime
                    // while a deletion was queued): carried now as the first pass carries a file, and missing only
                    // if that fails. One whose object is there now was counted by the first pass (uploaded, or
                    // found unchanged before it changed again): carried, not counted twice; one missing in S3 is a
                    // file made during the run, which the first pass did not see
                    carried.put(path, "s3://" + dest);
                    progress.queued(path, isNew(reason), stat.size(), !isNew(reason));
                    return engine.enqueue(job.site(), job.site().source().ref(path.toString()), dest, stat);
                }

                @Override
                public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote,
                        Optional<FileRecord> record) {
                }

                @Override
                public boolean mark(Path marker, Destination object, boolean localCopy, UploadOptions options) {
                    return SyncCommand.this.mark(engine, job, progress, marker, object, localCopy, options);
                }
            };
            try {
                new Reconciler(job.router(), job.site().store(), oneShot.writer,
                    new Reconciler.Policy(job.policy().mode(), job.policy().storageClass(), false, 0, 0,
                            job.policy().markerFile(), job.policy().localMarkers(), job.policy().markerOptions()),
                    Clock.systemUTC()).run(counting, false);
            } catch (dev.ferry.core.TransferException e) {
                stillMissing.increment();
                report.line("cannot verify " + job.name() + ": " + e.getMessage());
                report.list("siteFailures").addObject().put("site", job.name())
                        .put("reason", "cannot verify: " + e.getMessage());
            }
        }
        drain(engine, () -> { }); // what it carried, and the markers it queued
        Map<Path, String> failedNow = progress.failures();
        carried.forEach((path, object) -> {
            if (failedNow.containsKey(path)) { // its failure is listed with the reason
                stillMissing.increment();
                report.list("notInS3").add(object);
            }
        });
        return stillMissing.sum();
    }

    private ReconcileSink enqueueing(Engine engine, OneShot.Job job, SyncProgress progress) {
        return new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination dest, FileStat stat, String reason) throws InterruptedException {
                jobsWithUploads.add(job.name());
                progress.queued(path, isNew(reason), stat.size());
                return engine.enqueue(job.site(), job.site().source().ref(path.toString()), dest, stat);
            }

            @Override
            public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote, Optional<FileRecord> record) {
                // counted from the report
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> record) {
                SyncCommand.this.rejected(Optional.of(engine), path, rejected, stat, record);
            }

            @Override
            public boolean mark(Path marker, Destination object, boolean localCopy, UploadOptions options) {
                return SyncCommand.this.mark(engine, job, progress, marker, object, localCopy, options);
            }

            @Override
            public boolean delete(Path path, Destination object) throws InterruptedException {
                progress.deleting(job.site().laneName(object.bucket()), object.key(), "s3://" + object);
                return engine.delete(job.site(), job.site().source().ref(path.toString()), object);
            }

            @Override
            public void skipped(Path path, String reason) {
                SyncCommand.this.skipped(path, reason);
            }
        };
    }

    /** A folder's marker, written by the engine; its outcome is no file's. */
    private boolean mark(Engine engine, OneShot.Job job, SyncProgress progress, Path marker, Destination object,
            boolean localCopy, UploadOptions options) {
        progress.marking(job.site().laneName(object.bucket()), object.key());
        return engine.mark(job.site(), job.site().source().ref(marker.toString()), object,
                new Task.Mark(localCopy, options));
    }

    /**
     * A file the router rejects, handled as the daemon handles it: recorded by the engine (unless a dry run),
     * counted as failed (invalid bucket folder, key too long: it is not in S3, so the sync is incomplete) or as
     * ignored (a file directly under watch_path), and listed with the reason.
     */
    private void rejected(Optional<Engine> engine, Path path, RouteDecision.Rejected rejected, FileStat stat,
            Optional<FileRecord> existing) {
        rejections++;
        engine.ifPresent(e -> e.reject(LocalSource.ref(config.instanceId().value(), path), rejected, stat, existing));
        if (rejected.failure()) {
            rejectedFailures.put(path, rejected.reason());
        } else {
            ignored++;
            report.line("ignored: " + path + " (" + rejected.reason() + ")");
            report.list("ignored").addObject().put("path", path.toString()).put("reason", rejected.reason());
        }
    }

    /** A file the filters leave out: listed in the JSON document, and named in text by a dry run or --verbose. */
    private void skipped(Path path, String reason) {
        if (dryRun || verbose) {
            report.line("ignored: " + path + " (" + reason + ")");
        }
        report.list("ignored").addObject().put("path", path.toString()).put("reason", reason);
    }

    /**
     * Compares the job's folder with a listing of its destination, in every mode: a file the state store knows
     * is decided by its record (state mode) or by S3 (the other modes), one it does not know by S3 (size and
     * content), so an empty or lost state store uploads nothing S3 already holds, and an object deleted in S3
     * is put back.
     */
    private ReconcileReport scan(OneShot oneShot, OneShot.Job job, ReconcileSink sink, boolean dry)
            throws InterruptedException {
        if (!config.createBuckets()) {
            OneShot.requireBucket(job, " and create_buckets is off");
        }
        long rejectedBefore = rejections;
        deleting |= job.policy().retireDeleted();
        ReconcileReport r = new Reconciler(job.router(), job.site().store(), oneShot.writer, job.policy(),
                Clock.systemUTC()).run(sink, dry);
        unchanged += dry ? 0 : r.unchanged();
        skipped += r.confirmed();
        ignored += r.ignored() - (rejections - rejectedBefore); // rejected files are counted by rejected()
        for (String folder : r.unreadable()) { // its files could not be compared or uploaded: the run is incomplete
            folderFailures++;
            report.line((dry ? "would fail: " : "failed: ") + folder);
            report.list("unreadableFolders").addObject().put("site", job.name()).put("folder", folder);
        }
        r.deleteRefused().ifPresent(why -> {
            deletesRefused++;
            report.line("not deleting in " + job.name() + ": " + why);
            report.list("deletesRefused").addObject().put("site", job.name()).put("reason", why);
        });
        return r;
    }

    private void count(String reason) {
        (isNew(reason) ? added : updated).increment();
    }

    private static boolean isNew(String reason) {
        return reason.isEmpty() || reason.equals("new file") || reason.equals("missing in S3");
    }
}
