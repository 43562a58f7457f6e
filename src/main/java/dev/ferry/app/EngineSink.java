package dev.ferry.app;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.engine.Engine;
import dev.ferry.filter.RouteDecision;
import dev.ferry.sweep.SweepSink;
import java.nio.file.Path;
import java.util.Optional;

/** Hands what sweeps find to the engine. */
final class EngineSink implements SweepSink {
    private final Engine engine;

    EngineSink(Engine engine) {
        this.engine = engine;
    }

    @Override
    public boolean upload(Path path, Destination destination, FileStat stat) throws InterruptedException {
        return engine.enqueue(path, destination, stat);
    }

    @Override
    public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        engine.reject(path, rejected, stat, existing);
    }
}
