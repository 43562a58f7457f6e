package dev.ferry.app;

import dev.ferry.core.AdminOperations;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.engine.Engine;
import dev.ferry.filter.RouteDecision;
import dev.ferry.state.StateWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    private final java.util.function.Function<Path, RouteDecision> router;
    private final Clock clock;

    AdminService(Engine engine, StateWriter writer, StateStore store, Runnable wakeup,
            java.util.function.Function<Path, RouteDecision> router,
            Clock clock) {
        this.engine = engine;
        this.writer = writer;
        this.store = store;
        this.wakeup = wakeup;
        this.router = router;
        this.clock = clock;
    }

    @Override
    public void wakeup() {
        wakeup.run();
    }

    @Override
    public int retryFailed(Optional<String> path) {
        if (path.isPresent()) {
            return writer.get(path.get()).filter(r -> r.status() == FileStatus.FAILED).map(this::retry)
                    .orElse(false) ? 1 : 0;
        }
        // Records of failures moments ago may still wait in the write-behind buffer: give them a moment.
        writer.flush(Duration.ofSeconds(2));
        int queued = 0;
        for (int offset = 0;; offset += PAGE) {
            List<FileRecord> page = store.list(FileStatus.FAILED, offset, PAGE);
            for (FileRecord r : page) {
                queued += retry(r) ? 1 : 0;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return queued + engine.retryBackingOffNow();
    }

    /**
     * Queues one failed file to go now. A permanent failure is recorded as retryable first, so the worker
     * tries it instead of skipping this version; files that cannot be routed (invalid bucket folder, key
     * too long) stay as they are, since trying again cannot change that.
     */
    private boolean retry(FileRecord r) {
        Path path;
        try {
            path = Path.of(r.path());
        } catch (InvalidPathException e) {
            return false;
        }
        if (!(router.apply(path) instanceof RouteDecision.Routed routed)) {
            log.debug("{}: not retried: it cannot be uploaded where it is ({})", path, r.reason());
            return false;
        }
        if (r.permanent()) {
            writer.offer(new FileRecord(r.path(), r.bucket(), r.key(), r.status(), r.size(), r.mtimeMillis(),
                    r.ctimeNanos(), r.inode(), r.checksum(), r.etag(), r.attempts(), r.reason(), false, r.createdAt(), clock.instant(),
                    r.uploadedAt()));
        }
        return engine.retryNow(path, routed.destination());
    }

    @Override
    public void pause() {
        engine.pause();
    }

    @Override
    public void resume() {
        engine.resume();
    }

    @Override
    public FilePage listFiles(FileStatus status, int offset, int limit) {
        List<FileRecord> files = store.list(status, offset, limit);
        long total = 0;
        for (Map<FileStatus, Long> counts : store.countByBucket().values()) {
            total += counts.getOrDefault(status, 0L);
        }
        return new FilePage(offset, limit, OptionalLong.of(total), files);
    }

    @Override
    public String setLogLevel(String level) {
        return LogLevels.set(level);
    }
}
