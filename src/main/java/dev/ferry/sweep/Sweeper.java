package dev.ferry.sweep;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.StateStoreException;
import dev.ferry.core.UploadDecision;
import dev.ferry.filter.RouteDecision;
import dev.ferry.filter.Router;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a tree and compares every file with the state store in batches, handing what differs to a
 * {@link SweepSink}. Streaming: memory holds one batch, whatever the tree's size. Symbolic links to files
 * are followed; links to directories are not (no cycles); dangling links and link loops are skipped. An entry
 * that cannot be read is logged and counted, and the walk goes on with the others. When the state store cannot be read, the sweep
 * waits and tries the batch again rather than uploading everything blindly.
 */
public final class Sweeper {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    private record Found(Path path, FileStat stat, RouteDecision decision) {
    }

    private final Router router;
    private final RecordKeeper records;
    private final SweepSink sink;
    private final int batchSize;
    private final StoreWait storeWait;

    /** How to wait for the state store to come back; injected so tests need not sleep. */
    @FunctionalInterface
    public interface StoreWait {
        /** Waits before retry number {@code attempt}; false to give up (cancelled). */
        boolean await(int attempt, StateStoreException cause) throws InterruptedException;
    }

    public Sweeper(Router router, RecordKeeper records, SweepSink sink, int batchSize, StoreWait storeWait) {
        this.router = router;
        this.records = records;
        this.sink = sink;
        this.batchSize = batchSize;
        this.storeWait = storeWait;
    }

    /** Sweeps the tree under {@code start} (the watch root or a folder in it). */
    public SweepResult sweep(Path start, BooleanSupplier cancelled) throws InterruptedException {
        long began = System.nanoTime();
        long[] counts = new long[4];
        List<Found> batch = new ArrayList<>(batchSize);
        boolean[] stopped = {false};
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (cancelled.getAsBoolean()) {
                        stopped[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    RouteDecision decision = router.route(file);
                    if (decision instanceof RouteDecision.Skipped) {
                        return FileVisitResult.CONTINUE;
                    }
                    Optional<FileStat> stat;
                    try {
                        stat = statOf(file, attrs);
                    } catch (IOException e) {
                        // one entry that cannot be stat'ed (a link into an unreadable folder) must not end the
                        // walk of everything after it: it is counted and the sweep goes on
                        return visitFileFailed(file, e);
                    }
                    if (stat.isEmpty()) {
                        return FileVisitResult.CONTINUE;
                    }
                    counts[0]++;
                    batch.add(new Found(file, stat.get(), decision));
                    if (batch.size() >= batchSize && !flush(batch, counts)) {
                        stopped[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    counts[3]++;
                    log.warn("{}: cannot read during sweep: {}", file, e.toString());
                    return FileVisitResult.CONTINUE;
                }
            });
            if (!stopped[0] && !flush(batch, counts)) {
                stopped[0] = true;
            }
        } catch (IOException e) {
            counts[3]++;
            log.warn("{}: sweep failed: {}", start, e.toString());
        } catch (SweepInterrupted e) {
            throw e.cause;
        }
        return new SweepResult(counts[0], counts[1], counts[2], counts[3], Duration.ofNanos(System.nanoTime() - began),
                !stopped[0]);
    }

    /** The walk's attributes carry no ctime or inode: a file (or a link to one) is stat'ed once more for them. */
    private static Optional<FileStat> statOf(Path file, BasicFileAttributes attrs) throws IOException {
        return attrs.isRegularFile() || attrs.isSymbolicLink() ? FileStat.of(file) : Optional.empty();
    }

    /** Looks up the batch and hands over what differs. False when the sink or the store wait says stop. */
    private boolean flush(List<Found> batch, long[] counts) {
        if (batch.isEmpty()) {
            return true;
        }
        try {
            Map<String, FileRecord> known = lookup(batch);
            if (known == null) {
                return false;
            }
            for (Found f : batch) {
                Optional<FileRecord> record = Optional.ofNullable(known.get(f.path.toString()));
                if (f.decision instanceof RouteDecision.Routed routed) {
                    Optional<String> why = UploadDecision.needsUpload(record, routed.destination(), f.stat);
                    if (why.isEmpty()) {
                        fillIdentity(record, routed, f.stat);
                    } else {
                        if (!sink.upload(f.path, routed.destination(), f.stat, why.get())) {
                            return false;
                        }
                        counts[1]++;
                    }
                } else if (f.decision instanceof RouteDecision.Rejected rejected) {
                    sink.reject(f.path, rejected, f.stat, record);
                    counts[2]++;
                }
            }
            batch.clear();
            return true;
        } catch (InterruptedException e) {
            throw new SweepInterrupted(e);
        }
    }

    /**
     * A record written before Ferry kept ctime and inode gets them from this sweep (a write-behind write, skipped
     * when the state writer is busy or the store away: a later sweep does it), so a later rewrite that keeps size
     * and mtime is seen. The file is not read: upgrading hashes and uploads nothing.
     */
    private void fillIdentity(Optional<FileRecord> record, RouteDecision.Routed routed, FileStat stat) {
        UploadDecision.identityToFill(record, routed.destination(), stat, Instant.now())
                .ifPresent(records::offerIfIdle);
    }

    private Map<String, FileRecord> lookup(List<Found> batch) throws InterruptedException {
        List<String> paths = new ArrayList<>(batch.size());
        batch.forEach(f -> paths.add(f.path.toString()));
        for (int attempt = 1; ; attempt++) {
            try {
                return records.getAll(paths);
            } catch (StateStoreException e) {
                if (attempt == 1) {
                    log.warn("state store unreachable during sweep, waiting for it: {}", e.getMessage());
                }
                if (!storeWait.await(attempt, e)) {
                    return null;
                }
            }
        }
    }

    /** Carries an interrupt out of the file visitor, which may only throw IOException. */
    private static final class SweepInterrupted extends RuntimeException {
        final InterruptedException cause;

        SweepInterrupted(InterruptedException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
