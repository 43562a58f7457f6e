package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
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
 * else 1. Sites in "state" mode are compared by size and modification time, since verify must ask S3.
 */
final class VerifyCommand {
    private final FerryConfig config;
    private final PrintStream out;
    private final boolean checksum;

    VerifyCommand(FerryConfig config, PrintStream out, boolean checksum) {
        this.config = config;
        this.out = out;
        this.checksum = checksum;
    }

    int run() throws IOException, InterruptedException {
        long missingOrChanged = 0;
        long extra = 0;
        try (OneShot oneShot = new OneShot(config)) {
            for (OneShot.Job job : oneShot.jobs()) {
                try {
                    ReconcileReport r = compare(oneShot, job);
                    missingOrChanged += r.missing() + r.changed();
                    extra += r.extra();
                    out.println(job.name() + ": " + r.files() + " files compared, " + r.missing() + " missing in S3, "
                            + r.changed() + " differ, " + r.extra() + " only in S3");
                } catch (dev.ferry.core.TransferException e) {
                    missingOrChanged++;
                    out.println(job.name() + ": cannot compare: " + e.getMessage());
                }
            }
        }
        out.println(missingOrChanged == 0 ? "verified: every file is in S3" + (extra > 0 ? " (" + extra
                + " objects have no local file)" : "") : missingOrChanged + " files are not in S3 as they are locally");
        return missingOrChanged == 0 ? Main.EXIT_OK : SyncCommand.EXIT_INCOMPLETE;
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
                        out.println(job.name() + ": " + d);
                    }
                }, true);
    }
}
