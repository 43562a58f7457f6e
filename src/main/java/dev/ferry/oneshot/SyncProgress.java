package dev.ferry.oneshot;

import dev.ferry.core.UploadListener;
import dev.ferry.core.ItemRef;
import dev.ferry.core.UploadOutcome;
import dev.ferry.source.local.LocalSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a one-shot sync did, and remembers the latest failure of each file still failing. A file is
 * counted as added or updated only once it is uploaded, not when it is queued: a file that fails is counted
 * as failed alone. Sizes are kept so that a progress bar can show bytes done of bytes queued.
 */
final class SyncProgress implements UploadListener {
    /**
     * The latest failure of a file: its site (lane) and reason, whether the server refused the keys, and whether
     * the server could not be reached.
     */
    record Failure(String site, String reason, boolean credentialsRefused, boolean unreachable) {
        Failure(String site, String reason, boolean credentialsRefused) {
            this(site, reason, credentialsRefused, false);
        }
    }

    /**
     * A queued file without a final outcome yet: new in S3 or an update, its size, and whether the run counted it
     * already (a file carried again by the verifying pass after the first pass counted it: its outcome is not counted
     * a second time, so the counts add up to the files).
     */
    private record Pending(boolean isNew, long size, boolean counted) {
    }

    final LongAdder queued = new LongAdder();
    final LongAdder queuedBytes = new LongAdder();
    final LongAdder added = new LongAdder();
    final LongAdder updated = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder uploaded = new LongAdder();
    /** Bytes uploaded. */
    final LongAdder bytes = new LongAdder();
    /** Files with a final outcome (uploaded, unchanged, gone, permanent failure). */
    final LongAdder settled = new LongAdder();
    /** Queued bytes of the files with a final outcome, uploaded or not: what a progress bar has done. */
    final LongAdder settledBytes = new LongAdder();
    private final Map<Path, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Path, Failure> failing = new ConcurrentHashMap<>();
    /** Objects handed to the engine to delete, by lane and key, with their s3:// address. */
    private final Map<String, String> deleting = new ConcurrentHashMap<>();
    /** Objects deleted (s3:// addresses). */
    private final java.util.Set<String> deleted = new java.util.concurrent.ConcurrentSkipListSet<>();
    /** Objects whose latest deletion attempt failed, with the reason. */
    private final Map<String, String> deleteFailing = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Markers handed to the engine, by lane and key: their outcomes are no file's. */
    private final java.util.Set<String> marking = ConcurrentHashMap.newKeySet();

    /** Called before a marker is handed to the engine, so its outcome cannot arrive first. */
    void marking(String lane, String key) {
        marking.add(lane + "\n" + key);
    }

    /** Called before the object's deletion is handed to the engine, so its outcome cannot arrive first. */
    void deleting(String lane, String key, String object) {
        deleting.put(lane + "\n" + key, object);
    }

    /** The objects deleted, in order. */
    java.util.Set<String> deleted() {
        return deleted;
    }

    /** The objects that could not be deleted, with why. */
    Map<String, String> deleteFailures() {
        return deleteFailing;
    }

    /** Called before the file is handed to the engine, so its outcome cannot arrive first. */
    void queued(Path path, boolean isNew) {
        queued(path, isNew, 0);
    }

    void queued(Path path, boolean isNew, long size) {
        queued(path, isNew, size, false);
    }

    /**
     * Like {@link #queued(Path, boolean, long)}, for a file the run may have counted already ({@code counted}): its
     * upload is still a transfer (uploaded, bytes) but not one more file added, updated or unchanged.
     */
    void queued(Path path, boolean isNew, long size, boolean counted) {
        queued.increment();
        queuedBytes.add(size);
        pending.put(path, new Pending(isNew, size, counted));
    }

    @Override
    public void onOutcome(String bucket, String key, ItemRef item, UploadOutcome outcome, Duration sinceQueued) {
        if (marking.contains(bucket + "\n" + key)) {
            return; // a marker: the lane logs what became of it, and a marker not written fails no file
        }
        Path path = LocalSource.path(item.item());
        // A file handed over to carry owns the outcome, also where a deletion of its object was queued before (the
        // file came back): carrying wins the merge in the queue.
        String lane = bucket + "\n" + key;
        String object = pending.containsKey(path) ? null : deleting.get(lane);
        if (object != null) {
            if (!(outcome instanceof UploadOutcome.Retry)) {
                deleting.remove(lane); // settled: a later outcome for this key is a carry's
            }
            deletion(object, outcome);
            return;
        }
        if (outcome instanceof UploadOutcome.Uploaded u) {
            uploaded.increment();
            bytes.add(u.result().bytes());
            failing.remove(path);
            Pending p = settle(path);
            if (p != null && !p.counted()) {
                (p.isNew() ? added : updated).increment();
            }
        } else if (outcome instanceof UploadOutcome.Unchanged) {
            failing.remove(path);
            Pending p = settle(path);
            if (p != null && !p.counted()) {
                unchanged.increment();
            }
        } else if (outcome instanceof UploadOutcome.Gone) {
            failing.remove(path);
            settle(path);
        } else if (outcome instanceof UploadOutcome.Retry r) {
            failing.put(path, new Failure(bucket, r.reason(), r.credentialsRefused(), r.unreachable()));
        } else if (outcome instanceof UploadOutcome.Permanent p) {
            settle(path);
            failing.put(path, new Failure(bucket, p.reason(), false));
        }
    }

    private void deletion(String object, UploadOutcome outcome) {
        if (outcome instanceof UploadOutcome.Deleted) {
            deleted.add(object);
            deleteFailing.remove(object);
        } else if (outcome instanceof UploadOutcome.Retry r) {
            deleteFailing.put(object, r.reason());
        } else if (outcome instanceof UploadOutcome.Permanent p) {
            deleteFailing.put(object, p.reason());
        } else if (outcome instanceof UploadOutcome.Gone g) {
            deleteFailing.put(object, "not deleted: " + g.why()); // kept by the delete guard: the mirror is not complete
        } else {
            deleteFailing.remove(object); // not deleted, and rightly: its file is back
        }
    }

    private Pending settle(Path path) {
        settled.increment();
        Pending p = pending.remove(path);
        if (p != null) {
            settledBytes.add(p.size());
        }
        return p;
    }

    /** Files whose latest attempt failed, by path, with the reason. */
    Map<Path, String> failures() {
        Map<Path, String> reasons = new TreeMap<>();
        failing.forEach((path, f) -> reasons.put(path, f.reason()));
        return reasons;
    }

    /** Files whose latest attempt failed, by path, with their site and reason. */
    Map<Path, Failure> failureDetails() {
        return new TreeMap<>(failing);
    }
}
