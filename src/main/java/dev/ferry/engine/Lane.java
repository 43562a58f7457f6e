package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.Destination;
import dev.ferry.core.Durations;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOutcome;
import dev.ferry.queue.Backoff;
import dev.ferry.queue.BucketQueue;
import dev.ferry.queue.Task;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One bucket's queue and the workers that drain it. One bad bucket never holds up another's lane. Its worker
 * threads come from the {@link ThreadFactory} of whoever builds lanes and start with {@link #start}; each runs
 * {@link #workOnce} in a loop, which a test calls by hand with a fake clock instead.
 */
final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    final String bucket;
    final Site site;
    final BucketQueue queue;
    final BucketStats stats = new BucketStats();
    final BucketGate gate;
    private final Uploader uploader;
    private final Backoff backoff;
    private final Clock clock;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    private final UploadListener listener;
    private final java.util.Optional<Integer> maxAttempts;
    /**
     * A one-shot run's outage, said once: the first try that finds S3 unreachable logs a WARN for the lane, the tries
     * and give-ups of every file after it go to DEBUG (the run's summary lists each file given up, with the reason),
     * and the next upload that succeeds says S3 answers again. Without it an outage logged a line per try per file.
     */
    private final java.util.concurrent.atomic.AtomicBoolean outageSaid = new java.util.concurrent.atomic.AtomicBoolean();
    /** One-shot runs: when each file still being written was last said to be waited for. */
    private final java.util.Map<String, Instant> waitNoted = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.time.Duration WAIT_NOTE = java.time.Duration.ofSeconds(10);
    /**
     * The daemon says (WARN) that a file has not been uploaded because it keeps changing once it has waited this
     * long (or twice its site's wait, when that is longer: a delay_upload), and again every {@link #LONG_WAIT_NOTE}:
     * a log appended to faster than the settle time never reaches S3, and the operator should know which file. Seen
     * by the worker that finds it changing, and by {@link #lookAtLongWaits} for a file whose events keep pushing its
     * queued entry back, so that no worker ever gets it.
     */
    static final Duration LONG_WAIT = BucketQueue.LONG_WAIT;
    static final Duration LONG_WAIT_NOTE = Duration.ofHours(1);
    /** The most keys one DeleteObjects request takes. */
    static final int DELETES_PER_REQUEST = 1000;
    private final dev.ferry.core.SettleRule settle;
    private final EndpointHealth endpoint;

    Lane(Site site, String bucket, EngineSettings settings, Uploader uploader, Backoff backoff, Clock clock,
            UploadListener listener, EndpointHealth endpoint, ThreadFactory threads) {
        this.listener = listener;
        this.endpoint = endpoint;
        this.maxAttempts = settings.maxAttempts();
        this.settle = settings.settleRule();
        this.site = site;
        this.bucket = bucket;
        this.queue = new BucketQueue(bucket, settings.queueCapacity(), clock);
        this.gate = new BucketGate(bucket, site.store(), settings.createBuckets(), stats,
                new DeleteGuard(Math.max(0, site.maxDelete()), clock));
        this.uploader = uploader;
        this.backoff = backoff;
        this.clock = clock;
        endpoint.join(queue);
        for (int i = 0; i < settings.concurrency(); i++) {
            Thread t = threads.newThread(this::work);
            t.setName("upload-" + site.laneName(bucket) + "-" + (i + 1));
            workers.add(t);
        }
    }

    /** Starts the workers. */
    void start() {
        workers.forEach(Thread::start);
    }

    BucketStatus status() {
        return new BucketStatus(queue.depth(), queue.inFlight(), stats.uploaded.sum(), stats.bytes.sum(),
                stats.failingNow(), stats.problem(), stats.lastError(), endpoint.status());
    }

    private void work() {
        while (running) {
            try {
                workOnce(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Takes one due item, waiting at most {@code maxWait}, carries it and handles the outcome. False when none was
     * due. Interrupted during the upload (shutdown past its grace), the item goes back to the queue, due now.
     */
    boolean workOnce(Duration maxWait) throws InterruptedException {
        var next = queue.take(maxWait);
        lookAtLongWaits();
        if (next.isEmpty()) {
            return false;
        }
        Task task = next.get();
        Instant started = clock.instant();
        if (task.work() instanceof Task.Delete) {
            deleteWith(task, started);
            return true;
        }
        UploadOutcome outcome;
        try {
            Destination dest = new Destination(bucket, task.key());
            outcome = task.work() instanceof Task.Mark mark ? uploader.mark(site, dest, task.item().item(), mark, gate)
                    : uploader.process(site, dest, task.item(), gate);
        } catch (InterruptedException e) {
            queue.retry(task, clock.instant(), false);
            throw e;
        } catch (RuntimeException e) {
            log.error("{}/{}: unexpected error ({}), will retry", bucket, task.key(), verb(task), e);
            outcome = new UploadOutcome.Retry("unexpected error: " + Uploader.describe(e));
        }
        handle(task, outcome, started);
        return true;
    }

    /**
     * Deletes the object of {@code task} together with the other deletions due in the queue, up to the most one
     * request takes, and handles each outcome as an upload's (retried, held while the endpoint is away).
     */
    private void deleteWith(Task task, Instant started) {
        List<Task> batch = new ArrayList<>();
        batch.add(task);
        batch.addAll(queue.takeMore(Task.Work.DELETE, DELETES_PER_REQUEST - 1));
        List<UploadOutcome> outcomes;
        try {
            outcomes = uploader.delete(site, bucket, batch, gate);
        } catch (RuntimeException e) {
            log.error("{}: unexpected error deleting {} objects, will retry", bucket, batch.size(), e);
            UploadOutcome retry = new UploadOutcome.Retry("unexpected error: " + Uploader.describe(e));
            outcomes = java.util.Collections.nCopies(batch.size(), retry);
        }
        for (int i = 0; i < batch.size(); i++) {
            handle(batch.get(i), outcomes.get(i), started);
        }
    }

    private void handle(Task task, UploadOutcome outcome, Instant started) {
        String path = task.item().item();
        Instant now = clock.instant();
        boolean stillChanging = outcome instanceof UploadOutcome.Requeue r && r.changing() && maxAttempts.isPresent()
                && task.attempts() + 1 >= maxAttempts.get();
        if (stillChanging) {
            // A one-shot run does not wait for ever for a file that keeps changing (a log appended to faster than
            // the settle time): each look that finds it changing is one of its attempts, and after the last the file
            // is a failure the run reports. The daemon waits for it to settle, however long that takes.
            outcome = new UploadOutcome.Retry("still changing after " + (task.attempts() + 1) + " tries in "
                    + Durations.text(Duration.between(task.queuedAt(), now)) + " (the last: "
                    + ((UploadOutcome.Requeue) outcome).why() + "); not uploaded: a one-shot sync does not wait longer "
                    + "for a file to stop changing");
        }
        if (!(outcome instanceof UploadOutcome.Requeue)) {
            waitNoted.remove(path); // its wait is over: the map holds only files that wait now
        }
        try {
            listener.onOutcome(site.laneName(bucket), task.key(), task.item(), outcome,
                    Duration.between(task.queuedAt(), now));
        } catch (RuntimeException e) {
            log.warn("{}/{}: upload listener failed: {}", bucket, task.key(), e.toString());
        }
        if (outcome instanceof UploadOutcome.Uploaded u) {
            stats.uploaded.increment();
            stats.bytes.add(u.result().bytes());
            succeeded(path);
            if (outageSaid.compareAndSet(true, false)) {
                log.info("{}: S3 answers again; files go on uploading", bucket);
            }
            fields(log.atInfo(), task, "uploaded").addKeyValue("bytes", u.result().bytes())
                    .addKeyValue("duration_ms", u.took().toMillis())
                    .addKeyValue("latency_ms", Duration.between(task.queuedAt(), now).toMillis())
                    .addKeyValue("multipart", u.result().multipart())
                    .log("{}/{}: uploaded {} bytes in {} ms{}", bucket, task.key(), u.result().bytes(),
                            u.took().toMillis(), u.result().multipart() ? " (multipart)" : "");
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Unchanged u) {
            stats.unchanged.increment();
            succeeded(path);
            // a deletion not made (its file is back) is said: the sweep's line said it would be made
            fields(task.work() instanceof Task.Carry ? log.atDebug() : log.atInfo(), task, "unchanged")
                    .addKeyValue("reason", u.why())
                    .log("{}/{}: {}{}", bucket, task.key(), task.work() instanceof Task.Carry ? "not uploaded: " : "",
                            u.why());
            queue.complete(task);
        } else if (stillChanging) {
            stats.failed(path, ((UploadOutcome.Retry) outcome).reason(), now);
            fields(log.atError(), task, "gave_up").addKeyValue("reason", ((UploadOutcome.Retry) outcome).reason())
                    .addKeyValue("attempt", task.attempts() + 1)
                    .log("{}/{}: giving up: {}", bucket, task.key(), ((UploadOutcome.Retry) outcome).reason());
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Requeue r) {
            // a one-shot run waits for such a file a few tries at most: say so every WAIT_NOTE, or it looks hung
            boolean counted = r.changing() && maxAttempts.isPresent();
            boolean note = counted && noteWaiting(path, now, WAIT_NOTE);
            Duration waited = Duration.between(task.queuedAt(), now);
            if (maxAttempts.isEmpty() && r.changing() && waited.compareTo(LONG_WAIT) >= 0
                    && waited.compareTo(longWait(path)) >= 0 && noteWaiting(path, now, LONG_WAIT_NOTE)) {
                warnWaiting(task, r.why(), waited);
            }
            fields(note ? log.atInfo() : log.atDebug(), task, "requeued").addKeyValue("reason", r.why())
                    .log("{}/{}: {}; trying again at {}{}", bucket, task.key(), r.why(), r.due(),
                            note ? " (try " + (task.attempts() + 1) + " of " + maxAttempts.get() + "; the run gives the "
                                    + "file up if it is still changing then)" : "");
            queue.retry(task, r.due(), counted);
        } else if (outcome instanceof UploadOutcome.Retry r && r.unreachable() && maxAttempts.isEmpty()) {
            // Not this file's failure: the endpoint's. The file waits for it, due as soon as it answers, and
            // its attempts do not grow; the endpoint logs the outage once.
            stats.failed(path, r.reason(), now);
            endpoint.unreachable(started, r.reason(), () -> site.store().probe(bucket));
            fields(log.atDebug(), task, "unreachable").addKeyValue("reason", r.reason())
                    .log("{}/{}: waiting for the endpoint: {}", bucket, task.key(), r.reason());
            queue.retry(task, now, false);
        } else if (outcome instanceof UploadOutcome.Retry r && gaveUp(task, r)) {
            stats.failed(path, r.reason(), now);
            // Refused keys refuse every file alike: the one-shot sync says so once for the site, not per file; an
            // outage is said once for the lane
            sayOutageOnce(r, task);
            fields(r.credentialsRefused() || r.unreachable() ? log.atDebug() : log.atError(), task, "gave_up").addKeyValue("reason", r.reason())
                    .addKeyValue("attempt", task.attempts() + 1)
                    .log("{}/{}: {} failed {} times, giving up: {}", bucket, task.key(), verb(task),
                            task.attempts() + 1, r.reason());
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Retry r) {
            stats.failed(path, r.reason(), now);
            Duration delay = backoff.delay(task.attempts() + 1);
            sayOutageOnce(r, task);
            fields(r.unreachable() ? log.atDebug() : log.atWarn(), task, "retry").addKeyValue("reason", r.reason())
                    .addKeyValue("attempt", task.attempts() + 1).addKeyValue("retry_in_ms", delay.toMillis())
                    .log("{}/{}: {} failed (attempt {}), retrying in {}: {}", bucket, task.key(), verb(task),
                            task.attempts() + 1, Durations.text(delay), r.reason());
            queue.retry(task, now.plus(delay), true);
        } else if (outcome instanceof UploadOutcome.Permanent p) {
            stats.failed(path, p.reason(), now);
            fields(log.atError(), task, "permanent").addKeyValue("reason", p.reason())
                    .log("{}/{}: {} failed and will not be retried{}: {}", bucket, task.key(), verb(task),
                            task.work() instanceof Task.Carry ? " until the file changes" : "", p.reason());
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Deleted d) {
            succeeded(path);
            fields(log.atInfo(), task, "deleted")
                    .log("{}/{}: deleted from S3 ({})", bucket, task.key(), task.work() instanceof Task.Delete
                            ? "a sweep found it without its local file" : "its local file was deleted");
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Marked m) {
            succeeded(path);
            fields(log.atInfo(), task, "marked").log("s3://{}/{}: marker written", bucket, task.key());
            queue.complete(task);
        } else if (outcome instanceof UploadOutcome.Gone g) {
            succeeded(path);
            // A file deleted before its upload is routine (DEBUG); something that is there but is not a regular
            // file (a FIFO, a dangling link) was made on purpose by someone, who should see why it stays local.
            fields(g.present() ? log.atInfo() : log.atDebug(), task, "gone").addKeyValue("reason", g.why())
                    .log("{}/{}: skipped, {}", bucket, task.key(), g.why());
            queue.complete(task);
        }
    }

    /**
     * The daemon's look at the entries that have waited long since they were first queued (each worker, between its
     * tasks; only the queue's first entries by look time are read): one still settling, its due time pushed back by
     * every new change that merged into it, is a file that never stops being written, which no worker gets to see.
     * Not one in backoff after a failure (its failures are logged) or due already (it waits for a worker or the
     * endpoint, not for the file).
     */
    void lookAtLongWaits() {
        if (maxAttempts.isPresent()) {
            return;
        }
        Instant now = clock.instant();
        for (BucketQueue.Waiting w : queue.longWaits(now, w -> nextLook(w.task(), now))) {
            Task task = w.task();
            String path = task.item().item();
            Duration waited = Duration.between(task.queuedAt(), now);
            if (task.attempts() == 0 && w.due().isAfter(now) && waited.compareTo(longWait(path)) >= 0
                    && noteWaiting(path, now, LONG_WAIT_NOTE)) {
                warnWaiting(task, site.policy().waitReason(settle, path), waited);
            }
        }
    }

    /** When {@link #lookAtLongWaits} looks at {@code task} again: once it has waited long enough, then hourly. */
    private Instant nextLook(Task task, Instant now) {
        Instant longEnough = task.queuedAt().plus(longWait(task.item().item()));
        return longEnough.isAfter(now) ? longEnough : now.plus(LONG_WAIT_NOTE);
    }

    /** How long a file waits before the daemon says so: {@link #LONG_WAIT}, or twice its site's wait if longer. */
    private Duration longWait(String path) {
        Duration twice = site.policy().settle(settle, path).time().multipliedBy(2);
        return twice.compareTo(LONG_WAIT) > 0 ? twice : LONG_WAIT;
    }

    private void warnWaiting(Task task, String why, Duration waited) {
        String path = task.item().item();
        fields(log.atWarn(), task, "waiting").addKeyValue("reason", why)
                .addKeyValue("waited_ms", waited.toMillis())
                .log("{}/{}: not uploaded for {}: {}; it goes once it has been quiet for {} (a file that never"
                        + " stops changing, such as a log appended to all the time, is never uploaded; said again"
                        + " every hour while it waits)", bucket, task.key(), Durations.text(waited), why,
                        Durations.text(site.policy().settle(settle, path).time()));
    }

    /** A one-shot run's try that found S3 unreachable: the first since S3 last answered says so for the lane. */
    private void sayOutageOnce(UploadOutcome.Retry r, Task task) {
        if (r.unreachable() && outageSaid.compareAndSet(false, true)) {
            log.warn("{}: S3 cannot be reached ({}: {}); each file is tried {} times with backoff, then given up and "
                    + "listed in the run's summary; further tries are logged at DEBUG until S3 answers again", bucket,
                    task.key(), r.reason(), maxAttempts.orElse(1));
        }
    }

    /** A one-shot sync gives a file up after its attempts, and at once when the credentials are refused. */
    private boolean gaveUp(Task task, UploadOutcome.Retry retry) {
        return maxAttempts.map(max -> retry.credentialsRefused() || task.attempts() + 1 >= max).orElse(false);
    }

    /** {@code path} is done; the last of the files whose uploads were refused ends the bucket's refusal. */
    void succeeded(String path) {
        if (stats.succeeded(path)) {
            log.info("{}: uploads are allowed again", bucket);
        }
    }

    /** What the task's lines call its work. */
    private static String verb(Task task) {
        return task.work() instanceof Task.Delete ? "delete" : task.work() instanceof Task.Mark ? "marker write"
                : "upload";
    }

    /** The fields every outcome line carries in JSON logs; the text line is the message alone. */
    private LoggingEventBuilder fields(LoggingEventBuilder event, Task task, String outcome) {
        return event.addKeyValue("bucket", bucket).addKeyValue("key", task.key())
                .addKeyValue("path", task.item().item()).addKeyValue("outcome", outcome);
    }

    /** Stops handing out work. */
    void stopIntake() {
        running = false;
        queue.close();
    }

    /** Waits until the workers finished their current upload, at most until {@code deadlineNanos}. */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        for (Thread t : workers) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return workers.stream().noneMatch(Thread::isAlive);
    }

    /** This lane is gone (its site stopped): its endpoint's outages no longer hold it. */
    void leaveEndpoint() {
        endpoint.leave(queue);
    }

    void interruptWorkers() {
        workers.forEach(Thread::interrupt);
    }

    /** True when {@code path}'s wait has not been said for {@code every} (and records that it is now). */
    private boolean noteWaiting(String path, Instant now, Duration every) {
        Instant last = waitNoted.get(path);
        if (last != null && now.isBefore(last.plus(every))) {
            return false;
        }
        waitNoted.put(path, now);
        return true;
    }
}
