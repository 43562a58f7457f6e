package dev.ferry.app;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.UploadDecision;
import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.core.RemoteEntry;
import dev.ferry.filter.RouteDecision;
import dev.ferry.source.local.LocalSource;
import dev.ferry.sweep.ReconcileSink;
import dev.ferry.sweep.SweepSink;
import java.nio.file.Path;
import java.util.Optional;

/** Hands what a site's sweeps (and, through {@link #reconciling()}, its reconciliations) find to the engine. */
final class EngineSink implements SweepSink {
    private final Engine engine;
    private final Site site;

    EngineSink(Engine engine, Site site) {
        this.engine = engine;
        this.site = site;
    }

    @Override
    public boolean upload(Path path, Destination destination, FileStat stat, String reason)
            throws InterruptedException {
        return engine.enqueue(site, site.source().ref(path.toString()), destination, stat);
    }

    /** A file still in place whose record says this version is uploaded: its site may release it now. */
    @Override
    public boolean uploaded(Path path, Destination destination, FileStat stat) throws InterruptedException {
        return engine.leftover(site, site.source().ref(path.toString()), destination, stat);
    }

    @Override
    public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        engine.reject(site, site.source().ref(path.toString()), rejected, stat, existing);
    }

    /**
     * The same for a reconciliation: what needs uploading is queued, rejected files are recorded (a key too long
     * fails in its bucket, as in watch_path mode), and files S3 holds are recorded by the reconciler itself.
     */
    ReconcileSink reconciling() {
        return new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination dest, FileStat stat, String reason)
                    throws InterruptedException {
                return EngineSink.this.upload(path, dest, stat, reason);
            }

            @Override
            public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote,
                    Optional<FileRecord> record) {
                // recorded by the reconciler; a file its record says is uploaded may be a leftover to release
                if (UploadDecision.uploaded(record, stat) && record.get().bucket().equals(dest.bucket())
                        && record.get().key().equals(dest.key())) {
                    try {
                        uploaded(path, dest, stat);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // shutting down: the next run's sweep finds it
                    }
                }
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                    Optional<FileRecord> record) {
                reject(path, rejected, stat, record);
            }
        };
    }
}
