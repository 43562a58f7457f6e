package dev.ferry.oneshot;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.filter.RouteDecision;
import dev.ferry.sweep.Difference;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.ReconcileSink;
import dev.ferry.sweep.Reconciler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code ferry verify}: compares every site with S3 and prints every difference; writes nothing. Exit 0 when
 * every local file is in S3 with its content (objects without a local file are listed but do not fail it),
 * else 1. Sites in "state" mode are compared by size and modification time, since verify must ask S3. A file
 * that cannot be uploaded as it stands (in a watch_path folder that is not a valid bucket name, or with a key
 * too long for S3) is not in S3 either: it is listed with the reason and fails the run. Files directly under
 * watch_path are listed as ignored, as the daemon records them. A destination bucket that does not exist is
 * exit 3; with --json the result is one JSON document ({@link OneShotReport}).
 */
public final class VerifyCommand {
    private final FerryConfig config;
    private final OneShotReport report;
    private final boolean checksum;

    VerifyCommand(FerryConfig config, PrintStream out, boolean checksum) {
        this(config, out, checksum, false);
    }

    public VerifyCommand(FerryConfig config, PrintStream out, boolean checksum, boolean json) {
        this.config = config;
        this.report = new OneShotReport(out, json, "verify");
        this.checksum = checksum;
    }

    private long cannotUpload;
    private boolean noSuchBucket;

    public int run() throws IOException, InterruptedException {
        long missingOrChanged = 0;
        long extra = 0;
        long notCompared = 0;
        try (OneShot oneShot = new OneShot(config, true)) { // writes nothing: no state file made, no lock taken
            oneShot.outsideJobs((site, path, rejected, stat, existing) -> rejected(rejected.bucket(), path, rejected));
            for (OneShot.Job job : oneShot.jobs()) {
                try {
                    long cannotUploadBefore = cannotUpload;
                    OneShot.requireBucket(job, "");
                    ReconcileReport r = compare(oneShot, job);
                    missingOrChanged += r.missing() + r.changed() + r.unreadable().size();
                    extra += r.extra();
                    for (String folder : r.unreadable()) { // its files could not be compared: not verified
                        report.line("cannot verify: " + folder);
                        report.list("unreadableFolders").addObject().put("site", job.name()).put("folder", folder);
                    }
                    report.line(job.name() + ": " + r.files() + " " + OneShotReport.files(r.files()) + " compared, " + r.missing() + " missing in S3, "
                            + r.changed() + " differ, " + r.extra() + " only in S3"
                            + (cannotUpload > cannotUploadBefore ? ", " + (cannotUpload - cannotUploadBefore)
                                    + " cannot be uploaded" : ""));
                    report.list("sites").addObject().put("site", job.name()).put("files", r.files())
                            .put("missing", r.missing()).put("differ", r.changed()).put("onlyInS3", r.extra())
                            .put("cannotUpload", cannotUpload - cannotUploadBefore);
                } catch (dev.ferry.core.TransferException e) {
                    notCompared++; // a site, not a file: said apart in the summary
                    noSuchBucket |= e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET;
                    report.line(job.name() + ": cannot compare: " + e.getMessage());
                    report.list("sites").addObject().put("site", job.name()).put("error", e.getMessage());
                }
            }
        }
        missingOrChanged += cannotUpload;
        String sites = notCompared + (notCompared == 1 ? " site" : " sites") + " could not be compared (see above)";
        report.line(missingOrChanged == 0 && notCompared == 0 ? "verified: every file is in S3" + (extra > 0 ? " ("
                + extra + " objects have no local file)" : "")
                : missingOrChanged == 0 ? "not verified: " + sites
                : missingOrChanged + (missingOrChanged == 1 ? " file is not in S3 as it is"
                        : " files are not in S3 as they are") + " locally (an unreadable folder counts as one)"
                        + (notCompared > 0 ? "; " + sites : ""));
        report.object("files").put("notInS3", missingOrChanged).put("onlyInS3", extra)
                .put("cannotUpload", cannotUpload).put("sitesNotCompared", notCompared);
        report.list("differences");
        return report.finish(missingOrChanged == 0 && notCompared == 0 ? OneShotOptions.EXIT_OK
                : noSuchBucket ? OneShotOptions.EXIT_NO_SUCH_BUCKET : SyncCommand.EXIT_INCOMPLETE);
    }


    private ReconcileReport compare(OneShot oneShot, OneShot.Job job) throws InterruptedException {
        Reconciler.Mode mode = checksum ? Reconciler.Mode.CHECKSUM
                : job.policy().mode() == Reconciler.Mode.STATE ? Reconciler.Mode.SIZE_MTIME : job.policy().mode();
        Reconciler.Policy policy = new Reconciler.Policy(mode, job.policy().storageClass(), false, 0, 0,
                job.policy().markerFile(), false, job.policy().markerOptions());
        return new Reconciler(job.router(), job.site().store(), oneShot.writer, policy, Clock.systemUTC())
                .run(new ReconcileSink() {
                    @Override
                    public boolean upload(Path path, Destination dest, FileStat stat, String reason) {
                        return true;
                    }

                    @Override
                    public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote,
                            Optional<FileRecord> record) {
                    }

                    @Override
                    public void difference(Difference d) {
                        report.line(job.name() + ": " + d);
                        report.list("differences").addObject().put("site", job.name())
                                .put("kind", d.kind().name().toLowerCase(java.util.Locale.ROOT))
                                .put("key", d.key()).put("detail", d.detail());
                    }

                    @Override
                    public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                            Optional<FileRecord> record) {
                        VerifyCommand.this.rejected(job.name(), path, rejected);
                    }
                }, true);
    }

    /** A file the router rejects: not in S3 and never will be as it stands (a failure), or ignored by design. */
    private void rejected(String name, Path path, RouteDecision.Rejected rejected) {
        if (rejected.failure()) {
            cannotUpload++;
            report.line(name + ": cannot be uploaded: " + path + ": " + rejected.reason());
            report.list("cannotUpload").addObject().put("site", name).put("path", path.toString())
                    .put("reason", rejected.reason());
        } else {
            report.line("ignored: " + path + ": " + rejected.reason());
            report.list("ignored").addObject().put("path", path.toString()).put("reason", rejected.reason());
        }
    }
}
