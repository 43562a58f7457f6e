package dev.ferry.app;

import dev.ferry.core.Destination;
import dev.ferry.core.UploadOptions;
import dev.ferry.queue.Task;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.UploadDecision;
import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.core.RemoteEntry;
import dev.ferry.filter.RouteDecision;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.ReconcileSink;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Hands what a site's sweeps find to the engine: what needs uploading is queued, rejected files are recorded (a key
 * too long fails in its bucket, as in watch_path mode), and a file whose record says this version is uploaded may be
 * a leftover to release. Files S3 holds are recorded by the reconciliation itself.
 */
final class EngineSink implements ReconcileSink {
    private final Engine engine;
    private final Site site;

    EngineSink(Engine engine, Site site) {
        this.engine = engine;
        this.site = site;
    }

    /**
     * Shows what the guard of a full sweep of {@code bucket} said ({@link ReconcileReport#deleteRefused}) as the
     * bucket's problem, or clears a refusal it showed; nothing for a sweep that held its deletions, which says
     * nothing of what the guard allows.
     */
    void guardSaid(String bucket, ReconcileReport report, boolean heldDeletions) {
        if (!heldDeletions) {
            engine.deletionsRefused(site, bucket, report.deleteRefused());
        }
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
    public void same(Path path, Destination dest, FileStat stat, RemoteEntry remote, Optional<FileRecord> record) {
        // recorded by the reconciliation; a file its record says is uploaded may be a leftover to release
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
    public boolean delete(Path path, Destination object) throws InterruptedException {
        return engine.delete(site, site.source().ref(path.toString()), object);
    }

    @Override
    public boolean mark(Path marker, Destination object, boolean localCopy, UploadOptions options) {
        return engine.mark(site, site.source().ref(marker.toString()), object, new Task.Mark(localCopy, options));
    }

    @Override
    public void unreadable(Path path, Destination destination, String reason) {
        engine.unreadable(site, site.source().ref(path.toString()), destination, reason);
    }

    @Override
    public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> record) {
        engine.reject(site, site.source().ref(path.toString()), rejected, stat, record);
    }
}
