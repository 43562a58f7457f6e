package dev.ferry.app;

import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a one-shot sync did, and remembers the latest failure of each file still failing. A file is
 * counted as added or updated only once it is uploaded, not when it is queued: a file that fails is counted
 * as failed alone.
 */
final class SyncProgress implements UploadListener {
    final LongAdder queued = new LongAdder();
    final LongAdder added = new LongAdder();
    final LongAdder updated = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder uploaded = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder settled = new LongAdder();
    /** Queued files without a final outcome yet: true when new in S3, false when an update. */
    private final Map<Path, Boolean> pending = new ConcurrentHashMap<>();
    private final Map<Path, String> failing = new ConcurrentHashMap<>();

    /** Called before the file is handed to the engine, so its outcome cannot arrive first. */
    void queued(Path path, boolean isNew) {
        queued.increment();
        pending.put(path, isNew);
    }

    @Override
    public void onOutcome(String bucket, String key, Path path, UploadOutcome outcome, Duration sinceQueued) {
        if (outcome instanceof UploadOutcome.Uploaded u) {
            uploaded.increment();
            bytes.add(u.result().bytes());
            settled.increment();
            failing.remove(path);
            Boolean isNew = pending.remove(path);
            if (isNew != null) {
                (isNew ? added : updated).increment();
            }
        } else if (outcome instanceof UploadOutcome.Unchanged) {
            settled.increment();
            failing.remove(path);
            if (pending.remove(path) != null) {
                unchanged.increment();
            }
        } else if (outcome instanceof UploadOutcome.Gone) {
            settled.increment();
            failing.remove(path);
            pending.remove(path);
        } else if (outcome instanceof UploadOutcome.Retry r) {
            failing.put(path, r.reason());
        } else if (outcome instanceof UploadOutcome.Permanent p) {
            settled.increment();
            pending.remove(path);
            failing.put(path, p.reason());
        }
    }

    /** Files whose latest attempt failed, by path. */
    Map<Path, String> failures() {
        return new TreeMap<>(failing);
    }
}
