package dev.ferry.replicate;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.DeleteGuard;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.TransferException;
import dev.ferry.queue.Backoff;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full sync of one replication job: for each destination, the source listing merged with the destination's
 * ({@link FullSyncMerge}, both streamed in key order, so memory does not grow with the buckets), each missing or
 * different object copied (at most {@code concurrency} at once, on this sync's own bounded pool; the caller's
 * thread lists and hands copies over, and waits when the pool is full), each copy recorded in the state store
 * under (source id, source key, destination bucket), each failed copy retried with {@link Backoff} up to
 * {@code maxAttempts} and then recorded FAILED with its reason (the next full sync tries it again). With
 * {@code delete}, destination objects the source no longer holds are deleted once the copies are done, only
 * inside the destination prefix, and only when the job's {@link DeleteGuard} (max_delete, max_delete_percent)
 * allows the whole batch; never after a listing failed.
 *
 * <p>{@link #verify()} makes the same comparison and copies, records and deletes nothing.
 */
public final class FullSync {
    private static final Logger log = LoggerFactory.getLogger(FullSync.class);
    /**
     * One destination in the full sync's log line: its counts, where "failed" counts objects (as /status does), and
     * a listing that failed is said as such.
     */
    private static String summary(FullSyncResult.Destination d) {
        return d.url() + " " + d.copied() + " copied, " + d.unchanged() + " unchanged, " + d.deleted() + " deleted, "
                + d.failedObjects() + " failed" + (d.compared() ? "" : ", not compared: a listing failed");
    }

    /** Failure lines kept per destination; the rest are counted. */
    static final int MAX_LINES = 1000;

    /** How copies are retried within one full sync. */
    public record Retries(Backoff backoff, Backoff.Sleeper sleeper, int maxAttempts) {
        public Retries {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(sleeper, "sleeper");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
        }
    }

    private final String name;
    private final BucketSource source;
    private final List<Replica> replicas;
    private final boolean delete;
    private final int maxDelete;
    private final int maxDeletePercent;
    private final Optional<RecordKeeper> records;
    private final int concurrency;
    private final Retries retries;
    private final Clock clock;
    private final JobStats stats;
    private final ConfirmedCopy confirmed;

    /**
     * @param records  where copies are recorded; empty records nothing
     * @param confirm  whether each copy is confirmed by a HEAD of the source ({@link ConfirmedCopy}): for a job with
     *                 an event queue, whose events may copy a key while this sync does
     */
    public FullSync(String name, BucketSource source, List<Replica> replicas, boolean delete, int maxDelete,
            int maxDeletePercent, Optional<RecordKeeper> records, int concurrency, Retries retries, Clock clock,
            JobStats stats, boolean confirm) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.replicas = List.copyOf(replicas);
        this.delete = delete;
        this.maxDelete = maxDelete;
        this.maxDeletePercent = maxDeletePercent;
        this.records = Objects.requireNonNull(records, "records");
        this.concurrency = Math.max(1, concurrency);
        this.retries = Objects.requireNonNull(retries, "retries");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.confirmed = new ConfirmedCopy(source, confirm);
    }

    public String name() {
        return name;
    }

    public JobStats stats() {
        return stats;
    }

    /** Brings every destination in line with the source, once. */
    public FullSyncResult run() throws InterruptedException {
        stats.started();
        List<FullSyncResult.Destination> out = new ArrayList<>();
        try {
            for (Replica r : replicas) {
                out.add(sync(r));
            }
        } finally {
            stats.finished(clock.instant());
        }
        FullSyncResult result = new FullSyncResult(name, out);
        if (result.complete()) {
            stats.clearError(); // every destination holds every source object: what failed before is mended
        }
        log.info("{}: full sync done: {}", name, String.join("; ", out.stream().map(FullSync::summary).toList()));
        return result;
    }

    /** Every difference between the source and each destination; nothing is copied, recorded or deleted. */
    public FullSyncResult verify() {
        List<FullSyncResult.Destination> out = new ArrayList<>();
        for (Replica r : replicas) {
            Lines lines = new Lines();
            long same = 0;
            List<SyncDecision> differences = new ArrayList<>();
            boolean compared = true;
            try (Stream<RemoteEntry> src = source.entries();
                    Stream<RemoteEntry> dst = r.store().list(r.bucket(), r.prefix())) {
                FullSyncMerge merge = merge(r, src, dst);
                while (merge.hasNext()) {
                    SyncDecision next = merge.next();
                    if (next instanceof SyncDecision.Same) {
                        same++;
                    } else if (next instanceof SyncDecision.Refused x) {
                        lines.add(refusedLine(r, x));
                    } else {
                        differences.add(next);
                    }
                }
                if (merge.outOfOrder()) { // pairs the merge may have missed: each looked up on the other side
                    warnOrder(r, merge);
                    int before = differences.size();
                    differences.removeIf(d -> !stillDiffers(r, d));
                    same += before - differences.size();
                }
                long extra = differences.stream().filter(d -> d instanceof SyncDecision.Delete).count();
                long held = same + differences.stream().filter(d -> d instanceof SyncDecision.Delete
                        || ((SyncDecision.Copy) d).reason() != SyncDecision.Reason.MISSING).count();
                // what a sync would do with them: the guard decides on the whole batch, as in run()
                String deletion = guardRefusal(extra, held)
                        .map(why -> "extra (delete: true would delete it, but the guard refuses these deletions: " + why
                                + "): ")
                        .orElse("extra (delete: true would delete it): ");
                for (SyncDecision d : differences) {
                    lines.add(d instanceof SyncDecision.Copy c ? describe(c) + ": " + url(r, c.destinationKey())
                            : deletion + url(r, ((SyncDecision.Delete) d).destinationKey()));
                }
            } catch (RuntimeException e) {
                lines.add("cannot compare: " + e.getMessage());
                compared = false;
            }
            out.add(new FullSyncResult.Destination(r.destination().location().url(), 0, 0, same, 0, lines.done(),
                    compared));
        }
        return new FullSyncResult(name, out);
    }

    /** After a listing out of order: whether a difference holds when each side is asked for the key itself. */
    private boolean stillDiffers(Replica r, SyncDecision d) {
        if (d instanceof SyncDecision.Delete del) {
            return sourceLacks(r, del.destinationKey());
        }
        SyncDecision.Copy c = (SyncDecision.Copy) d;
        if (c.reason() != SyncDecision.Reason.MISSING) {
            return true;
        }
        Optional<dev.ferry.core.RemoteObject> there = r.store().head(r.bucket(), c.destinationKey());
        return there.isEmpty() || there.get().size() != c.source().size()
                || !CopyMetadata.sameContent(c.source().etag(), there.get().etag(), there);
    }

    /** Whether the source holds no key for this destination key (a HEAD, when a listing came out of order). */
    private boolean sourceLacks(Replica r, String destinationKey) {
        if (!destinationKey.startsWith(r.prefix())) {
            return true;
        }
        return source.head(source.prefix() + destinationKey.substring(r.prefix().length())).isEmpty();
    }

    /**
     * Says once per destination (WARN; at DEBUG at later full syncs, which find the same server's order) that a listing
     * is not in S3's key order.
     */
    private void warnOrder(Replica r, FullSyncMerge merge) {
        (orderWarned.add(r.destination().location().url()) ? log.atWarn() : log.atDebug()).log(
                "{}: {} and {} are not listed in S3's key order ({}), as some S3-compatible servers list: keys around "
                + "it are looked up one by one before they are copied, and before a deletion", name,
                url(r, r.prefix()), "s3://" + source.bucket() + "/" + source.prefix(), merge.disorder().orElse(""));
    }

    /** The destinations whose listing order has been warned of. */
    private final java.util.Set<String> orderWarned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static String describe(SyncDecision.Copy c) {
        return switch (c.reason()) {
            case MISSING -> "missing";
            case SIZE -> "differs (size)";
            case CONTENT -> "differs (content)";
            case MODIFIED -> "differs (the source was written again after its copy, with the same content: its metadata may "
                    + "have changed)";
        };
    }

    /** A key refused by {@link KeyMapping#refusal}: the source's not copied, the destination's not deleted. */
    private String refusedLine(Replica r, SyncDecision.Refused x) {
        return x.ofSource() ? "s3://" + source.bucket() + "/" + x.key() + ": not copied to " + url(r, r.prefix()) + ": "
                + x.reason() : url(r, x.key()) + ": not deleted: " + x.reason();
    }

    private static String url(Replica r, String key) {
        return "s3://" + r.bucket() + "/" + key;
    }

    private FullSyncMerge merge(Replica r, Stream<RemoteEntry> src, Stream<RemoteEntry> dst) {
        return new FullSyncMerge(src.iterator(), dst.iterator(), source.prefix(), r.prefix(), delete,
                key -> r.store().head(r.bucket(), key));
    }

    private FullSyncResult.Destination sync(Replica r) throws InterruptedException {
        Lines failures = new Lines();
        AtomicLong copied = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long unchanged = 0;
        long destinationObjects = 0;
        long planned = 0;
        List<String> deletions = new ArrayList<>();
        boolean listed = false;
        AtomicInteger threads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> unreachable = new java.util.concurrent.atomic.AtomicReference<>();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(concurrency * 2), run -> {
                    Thread t = new Thread(run, "replicate-" + name + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy()); // a full pool makes the lister copy: it waits
        try (Stream<RemoteEntry> src = source.entries();
                Stream<RemoteEntry> dst = r.store().list(r.bucket(), r.prefix())) {
            FullSyncMerge merge = merge(r, src, dst);
            while (merge.hasNext()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                SyncDecision next = merge.next();
                if (next instanceof SyncDecision.Copy c) {
                    if (c.reason() != SyncDecision.Reason.MISSING) {
                        destinationObjects++;
                    }
                    pool.execute(() -> copy(r, c, failures, copied, bytes, stopped, unreachable));
                } else if (next instanceof SyncDecision.Refused x) {
                    destinationObjects += x.ofSource() ? 0 : 1;
                    String line = refusedLine(r, x);
                    failures.add(line);
                    stats.failed(line);
                    log.warn("{}: {}", name, line);
                } else if (next instanceof SyncDecision.Delete d) {
                    destinationObjects++;
                    planned++;
                    if (planned <= (long) maxDelete + 1) { // beyond that the batch is refused anyway
                        deletions.add(d.destinationKey());
                    }
                } else {
                    destinationObjects++;
                    unchanged++;
                    stats.unchanged();
                }
            }
            if (merge.outOfOrder()) { // a key both sides hold may have read as extra
                warnOrder(r, merge);
            }
            // The source decides each deletion, one HEAD each: a key its listing lacked may have been written since
            // that listing began and copied already (by the job's event mode, another daemon, a one-shot sync),
            // and deleting that copy would lose it until the next full sync. A HEAD that fails deletes nothing.
            int before = deletions.size();
            deletions.removeIf(k -> !sourceLacks(r, k));
            planned -= before - deletions.size();
            listed = true;
        } catch (RuntimeException e) {
            String why = r.destination().location().url() + ": not compared, a listing failed (copies stopped there, "
                    + "nothing deleted): " + e.getMessage();
            failures.add(why);
            stats.error(why);
            log.warn("{}: {}", name, why);
        } finally {
            pool.shutdown();
            try {
                while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    log.info("{}: {} copies to {} still under way", name, pool.getActiveCount(), r.bucket());
                }
            } catch (InterruptedException e) {
                stopped.set(true);
                pool.shutdownNow(); // stopping: no new copy starts, those under way are interrupted
                awaitAborts(pool, r);
                throw e;
            }
        }
        long deleted = listed && planned > 0 ? deleteExtra(r, deletions, planned, destinationObjects, failures) : 0;
        return new FullSyncResult.Destination(r.destination().location().url(), copied.get(), bytes.get(), unchanged,
                deleted, failures.done(), listed);
    }

    /**
     * Waits, up to {@link #ABORT_WAIT} and whatever interrupts come meanwhile, for the copies just interrupted to end:
     * each gives up its multipart upload on the destination as it ends, and the daemon closes the clients they use
     * once this sync has returned, so an abort left running then would fail and leave its parts in the bucket.
     */
    private void awaitAborts(ThreadPoolExecutor pool, Replica r) {
        long deadline = System.nanoTime() + ABORT_WAIT.toNanos();
        boolean interrupted = false;
        while (!pool.isTerminated()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("{}: {} copies to {} did not end within {} s of the stop; their multipart uploads may be "
                        + "left in the bucket", name, pool.getActiveCount(), r.bucket(), ABORT_WAIT.toSeconds());
                break;
            }
            try {
                pool.awaitTermination(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How long a stopped full sync waits for its interrupted copies: above the 5 s an interrupted multipart upload's
     * abort may take, below the 10 s the daemon's stop gives the replication thread.
     */
    static final java.time.Duration ABORT_WAIT = java.time.Duration.ofSeconds(8);

    /** Why the job's guard refuses {@code planned} deletions of {@code total} destination objects, if it does. */
    private Optional<String> guardRefusal(long planned, long total) {
        return new DeleteGuard(maxDelete, maxDeletePercent, clock).refusal(planned, total);
    }

    private long deleteExtra(Replica r, List<String> keys, long planned, long total, Lines failures) {
        Optional<String> refusal = guardRefusal(planned, total);
        if (refusal.isPresent()) {
            String why = url(r, r.prefix()) + ": deletions refused: " + refusal.get();
            failures.add(why);
            stats.error(why);
            log.warn("{}: {}", name, why);
            return 0;
        }
        List<String> inside = keys.stream().filter(k -> k.startsWith(r.prefix())).toList(); // never outside it
        try {
            List<DeleteFailure> refused = r.store().delete(r.bucket(), inside);
            refused.forEach(f -> failures.add("cannot delete " + url(r, f.key()) + ": " + f.reason()));
            long done = inside.size() - refused.size();
            stats.deleted(done);
            java.util.Set<String> notDeleted = new java.util.HashSet<>();
            refused.forEach(f -> notDeleted.add(f.key()));
            inside.stream().filter(k -> !notDeleted.contains(k))
                    .forEach(k -> log.info("{}: deleted {} (the source no longer holds it)", name, url(r, k)));
            log.info("{}: deleted {} {} from {} that the source no longer holds", name, done,
                    done == 1 ? "object" : "objects", url(r, r.prefix()));
            return done;
        } catch (TransferException e) {
            failures.add(url(r, r.prefix()) + ": deleting failed: " + e.getMessage());
            stats.error(e.getMessage());
            return 0;
        }
    }

    /**
     * Copies one object, with {@code retries}. A copy that fails because the destination cannot be reached (after its
     * attempts) makes it {@code unreachable}: the copies after it to that destination are not tried in this full sync,
     * each a failure with that reason, so a destination that is down does not hold up the job's other destinations
     * for an attempt per object. The next full sync tries again.
     */
    private void copy(Replica r, SyncDecision.Copy c, Lines failures, AtomicLong copied, AtomicLong bytes,
            java.util.concurrent.atomic.AtomicBoolean stopped,
            java.util.concurrent.atomic.AtomicReference<String> unreachable) {
        RemoteEntry s = c.source();
        RecordId id = new RecordId(source.id(), s.key(), r.bucket());
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(s);
        String down = unreachable.get();
        if (down != null) {
            fail(id, c, r, 0, "not tried: the destination could not be reached (" + down + ")", false, failures);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                ConfirmedCopy.Outcome outcome = confirmed.copy(s.key(), listed, r, c.destinationKey(), Map.of());
                if (outcome instanceof ConfirmedCopy.Outcome.SourceGone gone) {
                    // deleted since the listing: nothing to copy, no failure; a copy that landed after it went
                    // stays until the next full sync (delete: true) or for good (delete: false), as if the deletion
                    // had come after it
                    log.debug("{}: {} was deleted at the source while it was {}", name, s.key(),
                            gone.copyMayRemain() ? "copied" : "listed");
                    return;
                }
                ConfirmedCopy.Outcome.Copied done = (ConfirmedCopy.Outcome.Copied) outcome;
                copied.incrementAndGet();
                bytes.addAndGet(done.result().bytes());
                stats.copied(done.result().bytes());
                record(id, c, done.version(), FileStatus.UPLOADED, done.result().etag(), 0, "", false);
                log.debug("{}: copied {} to {} ({})", name, s.key(), url(r, c.destinationKey()), c.reason());
                return;
            } catch (TransferException e) {
                if (stopped.get()) {
                    // cut by the stop: no failure of the copy (nothing is recorded); the next full sync makes it
                    log.info("{}: {}: not copied: the full sync was stopped", name, url(r, c.destinationKey()));
                    return;
                }
                boolean last = !e.kind().retryable() || attempt >= retries.maxAttempts();
                if (!last) {
                    try {
                        if (retries.backoff().await(attempt, retries.sleeper())) {
                            continue;
                        }
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                    }
                }
                fail(id, c, r, attempt, e.getMessage(), !e.kind().retryable(), failures);
                if (e.kind() == FailureKind.UNREACHABLE && unreachable.compareAndSet(null, e.getMessage())) {
                    log.warn("{}: {} cannot be reached; its other copies are not tried until the next full sync",
                            name, r.destination().location().url());
                }
                return;
            } catch (RuntimeException e) {
                fail(id, c, r, attempt, e.toString(), false, failures);
                return;
            }
        }
    }

    /**
     * A copy that failed after {@code attempts} (0: not tried, when its destination was given up, said at DEBUG: the
     * WARN that gave it up said it once).
     */
    private void fail(RecordId id, SyncDecision.Copy c, Replica r, int attempts, String why, boolean permanent,
            Lines failures) {
        String line = url(r, c.destinationKey()) + ": " + (attempts == 0 ? "" : "not copied after " + attempts
                + (attempts == 1 ? " attempt: " : " attempts: ")) + why;
        failures.add(line);
        stats.failed(line);
        (attempts == 0 ? log.atDebug() : log.atWarn()).log("{}: {}", name, line);
        record(id, c, ConfirmedCopy.Version.of(c.source()), FileStatus.FAILED, "", attempts, why, permanent);
    }

    private void record(RecordId id, SyncDecision.Copy c, ConfirmedCopy.Version v, FileStatus status, String etag,
            int attempts, String reason, boolean permanent) {
        if (records.isEmpty()) {
            return;
        }
        RecordKeeper keeper = records.get();
        Instant now = clock.instant();
        Optional<FileRecord> before;
        try {
            before = keeper.get(id);
        } catch (RuntimeException e) {
            before = Optional.empty(); // the store is away: the write below waits for it
        }
        keeper.offer(CopyRecord.of(id, c.destinationKey(), status, v.size(), v.mtimeMillis(), v.etag(), etag,
                attempts, reason, permanent, before, now));
    }

    /** Failure lines of one destination, at most {@link #MAX_LINES}, the rest counted. */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();
        private long more;

        synchronized void add(String line) {
            if (lines.size() < MAX_LINES) {
                lines.add(line);
            } else {
                more++;
            }
        }

        synchronized List<String> done() {
            List<String> all = new ArrayList<>(lines);
            if (more > 0) {
                all.add("... and " + more + " more");
            }
            return all;
        }
    }
}
