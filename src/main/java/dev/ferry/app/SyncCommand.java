package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.engine.Engine;
import dev.ferry.filter.RouteDecision;
import dev.ferry.sweep.Difference;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.ReconcileSink;
import dev.ferry.sweep.Reconciler;
import dev.ferry.sweep.SweepResult;
import dev.ferry.sweep.SweepSink;
import dev.ferry.sweep.Sweeper;
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
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code ferry sync}: every site once — compare, upload, verify — then exit: 0 only when every file is in
 * S3; otherwise 1, with the failures listed. Retries are bounded; a site whose credentials are refused fails
 * fast. Counts in seed 003's terms: added, updated, unchanged, skipped, ignored, failed.
 */
final class SyncCommand {
    static final int EXIT_INCOMPLETE = 1;

    private final FerryConfig config;
    private final PrintStream out;
    private final boolean dryRun;
    private final int maxAttempts;
    /** Dry run only: a sync counts a file as added or updated once it is uploaded (SyncProgress). */
    private final LongAdder added = new LongAdder();
    private final LongAdder updated = new LongAdder();
    private long unchanged;
    private long skipped;
    private long ignored;
    private long jobFailures;
    /** Files the router rejects, handled as the daemon records them; failures listed at the end. */
    private long rejections;
    private final Map<Path, String> rejectedFailures = new TreeMap<>();
    /** --progress: empty shows the bar on a terminal only; true always (on stderr), false never. */
    private Optional<Boolean> progress = Optional.empty();
    /** Deletions the guard (max_delete, max_delete_percent) refused: the mirror is not complete. */
    private long deletesRefused;

    SyncCommand(FerryConfig config, PrintStream out, boolean dryRun, int maxAttempts) {
        this.config = config;
        this.out = out;
        this.dryRun = dryRun;
        this.maxAttempts = maxAttempts;
    }

    /** Shows the progress bar always (true), never (false), or on a terminal only (empty, the default). */
    SyncCommand progress(Optional<Boolean> show) {
        this.progress = show;
        return this;
    }

    int run() throws IOException, InterruptedException {
        try (OneShot oneShot = new OneShot(config)) {
            return dryRun ? dryRun(oneShot) : sync(oneShot);
        }
    }

    private int dryRun(OneShot oneShot) throws IOException, InterruptedException {
        for (OneShot.Job job : oneShot.jobs()) {
            ReconcileSink printing = new ReconcileSink() {
                @Override
                public boolean upload(Path path, Destination dest, FileStat stat, String reason) {
                    out.println("would upload: s3://" + dest + " (" + (reason.isEmpty() ? "missing in S3" : reason) + ")");
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
                    out.println("would delete: s3://" + job.router().bucket() + "/" + key);
                }

                @Override
                public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                        Optional<FileRecord> record) {
                    SyncCommand.this.rejected(Optional.empty(), path, rejected, stat, record);
                }
            };
            scan(oneShot, job, printing, true);
        }
        oneShot.outsideJobs((site, path, rejected, stat, existing) ->
                rejected(Optional.empty(), path, rejected, stat, existing));
        rejectedFailures.forEach((path, reason) -> out.println("would fail: " + path + ": " + reason));
        out.println("dry run, nothing changed: would add " + added.sum() + ", update " + updated.sum() + "; unchanged "
                + unchanged + ", ignored " + ignored + ", would fail " + rejectedFailures.size());
        return Main.EXIT_OK;
    }

    private int sync(OneShot oneShot) throws IOException, InterruptedException {
        SyncProgress progress = new SyncProgress();
        Engine engine = oneShot.engine(maxAttempts, progress);
        try (ProgressBar bar = progressBar()) {
            for (OneShot.Job job : oneShot.jobs()) {
                try {
                    scan(oneShot, job, enqueueing(engine, job, progress), false);
                } catch (dev.ferry.core.TransferException e) {
                    jobFailures++;
                    out.println("failed: " + job.name() + ": " + e.getMessage());
                }
            }
            oneShot.outsideJobs((site, path, rejected, stat, existing) ->
                    rejected(Optional.of(engine), path, rejected, stat, existing));
            while (engine.backlog() > 0) {
                if (bar != null) {
                    bar.maxHint(progress.queued.sum());
                    bar.stepTo(progress.settled.sum());
                    bar.setExtraMessage(String.format(" %.1f MiB", progress.bytes.sum() / 1048576.0));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            if (bar != null) {
                bar.stepTo(progress.settled.sum());
            }
        } finally {
            engine.shutdown(Duration.ofSeconds(10)); // the queues are empty: workers leave at once
        }
        long missing = verify(oneShot);
        Map<Path, String> failures = progress.failures();
        long failed = Math.max(failures.size(), missing) + jobFailures + rejectedFailures.size();
        failures.putAll(rejectedFailures);
        failures.forEach((path, reason) -> out.println("failed: " + path + ": " + reason));
        out.println("added " + progress.added.sum() + ", updated " + progress.updated.sum() + ", unchanged "
                + (unchanged + progress.unchanged.sum()) + ", skipped " + skipped + ", ignored " + ignored + ", failed "
                + failed);
        return failed == 0 && deletesRefused == 0 ? Main.EXIT_OK : EXIT_INCOMPLETE;
    }

    /** Second pass: what is still not in S3 (markers are written here, once folders are complete). */
    private long verify(OneShot oneShot) throws IOException, InterruptedException {
        LongAdder stillMissing = new LongAdder();
        for (OneShot.Job job : oneShot.jobs()) {
            ReconcileSink counting = new ReconcileSink() {
                @Override
                public boolean upload(Path path, Destination dest, FileStat stat, String reason) {
                    stillMissing.increment();
                    out.println("not in S3 after sync: s3://" + dest + " (" + (reason.isEmpty() ? "missing" : reason) + ")");
                    return true;
                }

                @Override
                public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote,
                        Optional<FileRecord> record) {
                }
            };
            if (job.needsListing()) {
                try {
                    new Reconciler(job.router(), job.site().store(), oneShot.writer,
                        new Reconciler.Policy(job.policy().mode(), job.policy().storageClass(), false, 0, 0,
                                job.policy().markerFile(), job.policy().localMarkers(), job.policy().markerOptions()),
                        Clock.systemUTC()).run(counting, false);
                } catch (dev.ferry.core.TransferException e) {
                    stillMissing.increment();
                    out.println("cannot verify " + job.name() + ": " + e.getMessage());
                }
            } else {
                sweeper(oneShot, job, counting).sweep(job.router().root(), () -> false);
            }
        }
        return stillMissing.sum();
    }

    private ReconcileSink enqueueing(Engine engine, OneShot.Job job, SyncProgress progress) {
        return new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination dest, FileStat stat, String reason) throws InterruptedException {
                progress.queued(path, isNew(reason));
                return engine.enqueue(job.site(), path, dest, stat);
            }

            @Override
            public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote, Optional<FileRecord> record) {
                // counted from the report
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> record) {
                SyncCommand.this.rejected(Optional.of(engine), path, rejected, stat, record);
            }
        };
    }

    /**
     * A file the router rejects, handled as the daemon handles it: recorded by the engine (unless a dry run),
     * counted as failed (invalid bucket folder, key too long: it is not in S3, so the sync is incomplete) or as
     * ignored (a file directly under watch_path), and listed with the reason.
     */
    private void rejected(Optional<Engine> engine, Path path, RouteDecision.Rejected rejected, FileStat stat,
            Optional<FileRecord> existing) {
        rejections++;
        engine.ifPresent(e -> e.reject(path, rejected, stat, existing));
        if (rejected.failure()) {
            rejectedFailures.put(path, rejected.reason());
        } else {
            ignored++;
            out.println("ignored: " + path + ": " + rejected.reason());
        }
    }

    private void scan(OneShot oneShot, OneShot.Job job, ReconcileSink sink, boolean dry) throws InterruptedException {
        if (job.needsListing()) {
            long rejectedBefore = rejections;
            ReconcileReport r = new Reconciler(job.router(), job.site().store(), oneShot.writer, job.policy(),
                    Clock.systemUTC()).run(sink, dry);
            unchanged += dry ? 0 : r.unchanged();
            skipped += r.confirmed();
            ignored += r.ignored() - (rejections - rejectedBefore); // rejected files are counted by rejected()
            r.deleteRefused().ifPresent(why -> {
                deletesRefused++;
                out.println("not deleting in " + job.name() + ": " + why);
            });
            r.deleteFailures().forEach(f -> out.println("delete failed: " + f));
        } else {
            SweepResult r = sweeper(oneShot, job, sink).sweep(job.router().root(), () -> false);
            unchanged += r.files() - r.queued() - r.rejected(); // rejected files are counted by rejected()
        }
    }

    private Sweeper sweeper(OneShot oneShot, OneShot.Job job, ReconcileSink sink) {
        SweepSink adapter = new SweepSink() {
            @Override
            public boolean upload(Path path, Destination dest, FileStat stat, String reason) throws InterruptedException {
                return sink.upload(path, dest, stat, reason);
            }

            @Override
            public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
                sink.rejected(path, rejected, stat, existing);
            }
        };
        return new Sweeper(job.router(), oneShot.writer, adapter, 1000, OneShot.STORE_WAIT);
    }

    private void count(String reason) {
        (isNew(reason) ? added : updated).increment();
    }

    private static boolean isNew(String reason) {
        return reason.isEmpty() || reason.equals("new file") || reason.equals("missing in S3");
    }

    private ProgressBar progressBar() {
        if (!progress.orElse(System.console() != null)) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("sync").setInitialMax(0).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" files", 1).showSpeed().continuousUpdate().build();
    }
}
