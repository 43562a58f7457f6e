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
    private final LongAdder added = new LongAdder();
    private final LongAdder updated = new LongAdder();
    private long unchanged;
    private long skipped;
    private long ignored;
    private long jobFailures;

    SyncCommand(FerryConfig config, PrintStream out, boolean dryRun, int maxAttempts) {
        this.config = config;
        this.out = out;
        this.dryRun = dryRun;
        this.maxAttempts = maxAttempts;
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
            };
            scan(oneShot, job, printing, true);
        }
        out.println("dry run, nothing changed: would add " + added.sum() + ", update " + updated.sum() + "; unchanged "
                + unchanged + ", ignored " + ignored);
        return Main.EXIT_OK;
    }

    private int sync(OneShot oneShot) throws IOException, InterruptedException {
        SyncProgress progress = new SyncProgress();
        Engine engine = oneShot.engine(maxAttempts, progress);
        try (ProgressBar bar = progressBar()) {
            for (OneShot.Job job : oneShot.jobs()) {
                try {
                    scan(oneShot, job, enqueueing(engine, job), false);
                } catch (dev.ferry.core.TransferException e) {
                    jobFailures++;
                    out.println("failed: " + job.name() + ": " + e.getMessage());
                }
            }
            while (engine.backlog() > 0) {
                if (bar != null) {
                    bar.maxHint(added.sum() + updated.sum());
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
        long failed = Math.max(failures.size(), missing) + jobFailures;
        failures.forEach((path, reason) -> out.println("failed: " + path + ": " + reason));
        out.println("added " + added.sum() + ", updated " + updated.sum() + ", unchanged " + unchanged + ", skipped "
                + skipped + ", ignored " + ignored + ", failed " + failed);
        return failed == 0 ? Main.EXIT_OK : EXIT_INCOMPLETE;
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

    private ReconcileSink enqueueing(Engine engine, OneShot.Job job) {
        return new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination dest, FileStat stat, String reason) throws InterruptedException {
                count(reason);
                return engine.enqueue(job.site(), path, dest, stat);
            }

            @Override
            public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote, Optional<FileRecord> record) {
                // counted from the report
            }
        };
    }

    private void scan(OneShot oneShot, OneShot.Job job, ReconcileSink sink, boolean dry) throws InterruptedException {
        if (job.needsListing()) {
            ReconcileReport r = new Reconciler(job.router(), job.site().store(), oneShot.writer, job.policy(),
                    Clock.systemUTC()).run(sink, dry);
            unchanged += dry ? 0 : r.unchanged();
            skipped += r.confirmed();
            ignored += r.ignored();
            r.deleteRefused().ifPresent(why -> out.println("not deleting in " + job.name() + ": " + why));
            r.deleteFailures().forEach(f -> out.println("delete failed: " + f));
        } else {
            SweepResult r = sweeper(oneShot, job, sink).sweep(job.router().root(), () -> false);
            unchanged += r.files() - r.queued() - r.rejected();
            ignored += r.rejected();
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
                out.println("ignored: " + path + ": " + rejected.reason());
            }
        };
        return new Sweeper(job.router(), oneShot.writer, adapter, 1000, (attempt, cause) -> {
            if (attempt > 5) {
                return false;
            }
            TimeUnit.SECONDS.sleep(1);
            return true;
        });
    }

    private void count(String reason) {
        if (reason.isEmpty() || reason.equals("new file") || reason.equals("missing in S3")) {
            added.increment();
        } else {
            updated.increment();
        }
    }

    private ProgressBar progressBar() {
        if (System.console() == null) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("sync").setInitialMax(0).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" files", 1).showSpeed().continuousUpdate().build();
    }
}
