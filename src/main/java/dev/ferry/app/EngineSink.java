package dev.ferry.app;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.filter.RouteDecision;
import dev.ferry.sweep.SweepSink;
import java.nio.file.Path;
import java.util.Optional;

/** Hands what a site's sweeps find to the engine. */
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
        return engine.enqueue(site, path, destination, stat);
    }

    @Override
    public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        engine.reject(path, rejected, stat, existing);
    }
}
