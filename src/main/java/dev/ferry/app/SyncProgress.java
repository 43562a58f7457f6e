package dev.ferry.app;

import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts what a one-shot sync did, and remembers the latest failure of each file still failing. */
final class SyncProgress implements UploadListener {
    final LongAdder added = new LongAdder();
    final LongAdder updated = new LongAdder();
    final LongAdder uploaded = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder settled = new LongAdder();
    private final Map<Path, String> failing = new ConcurrentHashMap<>();

    @Override
    public void onOutcome(String bucket, String key, Path path, UploadOutcome outcome, Duration sinceQueued) {
        if (outcome instanceof UploadOutcome.Uploaded u) {
            uploaded.increment();
            bytes.add(u.result().bytes());
            settled.increment();
            failing.remove(path);
        } else if (outcome instanceof UploadOutcome.Unchanged || outcome instanceof UploadOutcome.Gone) {
            settled.increment();
            failing.remove(path);
        } else if (outcome instanceof UploadOutcome.Retry r) {
            failing.put(path, r.reason());
        } else if (outcome instanceof UploadOutcome.Permanent p) {
            settled.increment();
            failing.put(path, p.reason());
        }
    }

    /** Files whose latest attempt failed, by path. */
    Map<Path, String> failures() {
        return new TreeMap<>(failing);
    }
}
