package dev.ferry.sweep;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.StateStoreException;
import dev.ferry.core.UploadDecision;
import dev.ferry.filter.RouteDecision;
import dev.ferry.filter.Router;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalStat;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
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
    private final Clock clock;
    private final boolean force;
    /** Why a file whose record says it is uploaded is handed over when the site forces uploads. */
    public static final String FORCED = "force_upload";

    /** How to wait for the state store to come back; injected so tests need not sleep. */
    @FunctionalInterface
    public interface StoreWait {
        /** Waits before retry number {@code attempt}; false to give up (cancelled). */
        boolean await(int attempt, StateStoreException cause) throws InterruptedException;

        /**
         * Waits by {@code backoff} (the one backoff rule) through {@code sleeper}; gives up after
         * {@code maxAttempts} waits, or when the sleeper is cut short.
         */
        static StoreWait backoff(Backoff backoff, int maxAttempts, Backoff.Sleeper sleeper) {
            return (attempt, cause) -> attempt <= maxAttempts && backoff.await(attempt, sleeper);
        }
    }

    public Sweeper(Router router, RecordKeeper records, SweepSink sink, int batchSize, StoreWait storeWait) {
        this(router, records, sink, batchSize, storeWait, Clock.systemUTC());
    }

    /** @param clock stamps the records a sweep fills in (ctime and inode of an older record) */
    public Sweeper(Router router, RecordKeeper records, SweepSink sink, int batchSize, StoreWait storeWait,
            Clock clock) {
        this(router, records, sink, batchSize, storeWait, clock, false);
    }

    /**
     * @param force hand over every file, also those whose records say this version is uploaded (a site's
     *              force_upload), with the reason {@link #FORCED}
     */
    public Sweeper(Router router, RecordKeeper records, SweepSink sink, int batchSize, StoreWait storeWait,
            Clock clock, boolean force) {
        this.force = force;
        this.router = router;
        this.records = records;
        this.sink = sink;
        this.batchSize = batchSize;
        this.storeWait = storeWait;
        this.clock = clock;
    }

    /** Sweeps the tree under {@code start} (the watch root or a folder in it). */
    public SweepResult sweep(Path start, BooleanSupplier cancelled) throws InterruptedException {
        long began = System.nanoTime();
        Walk walk = new Walk(cancelled);
        try {
            if (walk.visit(start) && !flush(walk.batch, walk.counts)) {
                walk.stopped = true;
            }
        } catch (SweepInterrupted e) {
            throw e.cause;
        }
        long[] counts = walk.counts;
        return new SweepResult(counts[0], counts[1], counts[2], counts[3], Duration.ofNanos(System.nanoTime() - began),
                !walk.stopped);
    }

    /**
     * A depth-first walk that stats each entry once ({@link LocalStat#entry}: the version with ctime and inode
     * comes with the lstat that tells a folder from a file), batching the files it finds.
     */
    private final class Walk {
        private final BooleanSupplier cancelled;
        private final List<Found> batch = new ArrayList<>(batchSize);
        /** found, handed over, rejected, unreadable */
        private final long[] counts = new long[4];
        private boolean stopped;

        Walk(BooleanSupplier cancelled) {
            this.cancelled = cancelled;
        }

        /** Takes a file, or walks into a folder. False once the walk is to stop (cancelled, or the sink said so). */
        boolean visit(Path path) {
            if (cancelled.getAsBoolean()) {
                stopped = true;
                return false;
            }
            LocalStat.Entry entry;
            try {
                entry = LocalStat.entry(path);
            } catch (IOException e) {
                // one entry that cannot be stat'ed (gone since its folder was listed, a link into an unreadable
                // folder) must not end the walk of everything after it: it is counted and the sweep goes on
                unreadable(path, e);
                return true;
            }
            if (entry.folder()) {
                return walkInto(path);
            }
            if (entry.file().isEmpty()) {
                return true;
            }
            RouteDecision decision = router.route(path);
            if (decision instanceof RouteDecision.Skipped) {
                return true;
            }
            counts[0]++;
            batch.add(new Found(path, entry.file().get(), decision));
            if (batch.size() >= batchSize && !flush(batch, counts)) {
                stopped = true;
                return false;
            }
            return true;
        }

        private boolean walkInto(Path folder) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
                for (Path child : children) {
                    if (!visit(child)) {
                        return false;
                    }
                }
            } catch (IOException e) {
                unreadable(folder, e);
            } catch (DirectoryIteratorException e) {
                unreadable(folder, e.getCause());
            }
            return true;
        }

        private void unreadable(Path path, IOException e) {
            counts[3]++;
            log.warn("{}: cannot read during sweep: {}", path, e.toString());
        }
    }

    /** Looks up the batch and hands over what differs. False when the sink or the store wait says stop. */
    private boolean flush(List<Found> batch, long[] counts) {
        if (batch.isEmpty()) {
            return true;
        }
        try {
            Map<RecordId, FileRecord> known = lookup(batch);
            if (known == null) {
                return false;
            }
            for (Found f : batch) {
                Optional<FileRecord> record = Optional.ofNullable(known.get(idOf(f)));
                if (f.decision instanceof RouteDecision.Routed routed) {
                    Optional<String> why = force && UploadDecision.uploaded(record, f.stat) ? Optional.of(FORCED)
                            : UploadDecision.needsUpload(record, routed.destination(), f.stat);
                    if (why.isEmpty()) {
                        fillIdentity(record, routed, f.stat);
                        if (record.isPresent() && record.get().status() == FileStatus.UPLOADED
                                && !sink.uploaded(f.path, routed.destination(), f.stat)) {
                            return false;
                        }
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
        UploadDecision.identityToFill(record, routed.destination(), stat, clock.instant())
                .ifPresent(records::offerIfIdle);
    }

    /** The record of a found file: this instance's, for its destination bucket (a rejected file's, if any). */
    private RecordId idOf(Found f) {
        String bucket = f.decision instanceof RouteDecision.Routed routed ? routed.destination().bucket()
                : f.decision instanceof RouteDecision.Rejected rejected ? rejected.bucket() : "";
        return records.local(f.path.toString(), bucket);
    }

    private Map<RecordId, FileRecord> lookup(List<Found> batch) throws InterruptedException {
        List<RecordId> ids = new ArrayList<>(batch.size());
        batch.forEach(f -> ids.add(idOf(f)));
        for (int attempt = 1; ; attempt++) {
            try {
                return records.getAll(ids);
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

    /** Carries an interrupt out of the walk, through the sink's and the store wait's callers. */
    private static final class SweepInterrupted extends RuntimeException {
        final InterruptedException cause;

        SweepInterrupted(InterruptedException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
