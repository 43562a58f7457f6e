package dev.ferry.app;

import dev.ferry.core.AdminOperations;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.engine.Engine;
import dev.ferry.filter.RouteDecision;
import dev.ferry.source.local.LocalSource;
import dev.ferry.state.StateWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API's operations on the running daemon's parts. */
final class AdminService implements AdminOperations {
    private static final Logger log = LoggerFactory.getLogger(AdminService.class);
    private static final int PAGE = 500;

    private final Engine engine;
    private final StateWriter writer;
    private final StateStore store;
    private final Runnable wakeup;
    /** Where a record's file goes now in the record's bucket (the site that sends it there). */
    private final java.util.function.BiFunction<Path, String, RouteDecision> router;
    private final Clock clock;
    private final java.util.function.Supplier<dev.ferry.core.FleetView> fleet;
    /** Pauses uploads until an operator resumes them. */
    private final Runnable pause;
    /** Resumes uploads, or says why not (the control plane holds them). */
    private final java.util.function.Supplier<Optional<String>> resume;

    AdminService(Engine engine, StateWriter writer, StateStore store, Runnable wakeup,
            java.util.function.BiFunction<Path, String, RouteDecision> router,
            Clock clock, java.util.function.Supplier<dev.ferry.core.FleetView> fleet,
            Runnable pause, java.util.function.Supplier<Optional<String>> resume) {
        this.pause = pause;
        this.resume = resume;
        this.engine = engine;
        this.writer = writer;
        this.store = store;
        this.wakeup = wakeup;
        this.router = router;
        this.clock = clock;
        this.fleet = fleet;
    }

    @Override
    public dev.ferry.core.FleetView fleet() {
        return fleet.get();
    }

    @Override
    public void wakeup() {
        wakeup.run();
    }

    @Override
    public int retryFailed(Optional<String> path) {
        return retry(path).retrying();
    }

    /** The reason given for a path without a failed record, by {@code ferry retry PATH}. */
    static final String NO_FAILED_RECORD = "no failed record for this file, nothing to retry (it may be uploaded "
            + "already; 'ferry failed' lists the failed files)";

    @Override
    public RetryAnswer retry(Optional<String> path) {
        List<NotRetried> notRetried = new ArrayList<>();
        if (path.isPresent()) {
            // this instance's records of the path, one per destination bucket: the failed ones, and those whose
            // own retry is being attempted this moment (marked uploading after a failure), which would otherwise
            // be missed by an operator's retry that happens to come during that attempt
            List<FileRecord> failed = writer.recordsOf(writer.instance().value(), path.get()).stream()
                    .filter(r -> r.status() == FileStatus.FAILED
                            || r.status() == FileStatus.UPLOADING && r.attempts() > 0)
                    .toList();
            if (failed.isEmpty()) {
                return new RetryAnswer(0, List.of(new NotRetried(path.get(), NO_FAILED_RECORD)));
            }
            Set<Destination> queued = new HashSet<>();
            for (FileRecord r : failed) {
                retry(r, queued).ifPresent(why -> notRetried.add(new NotRetried(path.get(), why)));
            }
            return new RetryAnswer(queued.size(), notRetried);
        }
        // Records of failures moments ago may still wait in the write-behind buffer: give them a moment.
        writer.flush(Duration.ofSeconds(2));
        // counted by destination: a file queued here whose attempt under way fails meanwhile is found in backoff
        // below as well, and is still one file retried
        Set<Destination> queued = new HashSet<>();
        for (int offset = 0;; offset += PAGE) {
            List<FileRecord> page = store.list(FileStatus.FAILED, offset, PAGE);
            for (FileRecord r : page) {
                retry(r, queued).ifPresent(why -> notRetried.add(new NotRetried(r.path(), why)));
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        queued.addAll(engine.retryBackingOffNow());
        return new RetryAnswer(queued.size(), notRetried);
    }

    /**
     * Queues one failed file to go now, or says why it cannot. A permanent failure is recorded as retryable
     * first, so the worker tries it instead of skipping this version; files that cannot be routed (invalid
     * bucket folder, key too long) stay as they are, since trying again cannot change that: they go once
     * the file is renamed or moved.
     */
    private Optional<String> retry(FileRecord r, Set<Destination> queued) {
        Path path;
        try {
            path = Path.of(r.path());
        } catch (InvalidPathException e) {
            return Optional.of("not a path this system can open");
        }
        if (!(router.apply(path, r.bucket()) instanceof RouteDecision.Routed routed)) {
            log.debug("{}: not retried: it cannot be uploaded where it is ({})", path, r.reason());
            return Optional.of("it cannot be uploaded where it is (" + r.reason() + "): trying again cannot change "
                    + "that; rename or move it and it is uploaded then");
        }
        if (r.permanent()) {
            writer.offer(new FileRecord(r.source(), r.path(), r.bucket(), r.key(), r.status(), r.size(),
                    r.mtimeMillis(), r.ctimeNanos(), r.inode(), r.checksum(), r.etag(), r.attempts(), r.reason(), false,
                    r.createdAt(), clock.instant(), r.uploadedAt(), r.storageClass()));
        }
        if (!engine.retryNow(LocalSource.ref(r.source(), path), routed.destination())) {
            return Optional.of("its bucket's queue is full or the daemon is stopping: try again in a moment");
        }
        queued.add(routed.destination());
        return Optional.empty();
    }

    @Override
    public void pause() {
        pause.run();
    }

    @Override
    public Optional<String> resume() {
        return resume.get();
    }

    @Override
    public FilePage listFiles(FileStatus status, int offset, int limit) {
        List<FileRecord> files = store.list(status, offset, limit);
        long total = 0;
        for (Map<FileStatus, Long> counts : store.countByBucket().values()) {
            total += counts.getOrDefault(status, 0L);
        }
        java.util.Set<dev.ferry.core.RecordId> cannotRetry = new java.util.HashSet<>();
        for (FileRecord r : files) {
            if (r.status() == FileStatus.FAILED && !routable(r)) {
                cannotRetry.add(r.id());
            }
        }
        return new FilePage(offset, limit, OptionalLong.of(total), files, cannotRetry);
    }

    /** Whether the record's file can be uploaded where it is, as {@link #retry(FileRecord, Set)} decides it. */
    private boolean routable(FileRecord r) {
        try {
            return router.apply(Path.of(r.path()), r.bucket()) instanceof RouteDecision.Routed;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @Override
    public String setLogLevel(String level) {
        return LogLevels.set(level);
    }
}
