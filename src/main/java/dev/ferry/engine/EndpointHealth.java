package dev.ferry.engine;

import dev.ferry.core.DaemonStatus.Unreachable;
import dev.ferry.core.Durations;
import dev.ferry.queue.Backoff;
import dev.ferry.queue.BucketQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one S3 endpoint answers, shared by every lane (site and bucket) that talks to it. Up, it does nothing.
 * When an upload finds it unreachable (network error, timeout, busy or gateway answer), it goes down: every
 * lane of the endpoint holds its work instead of spending each queued file's attempts, and one prober asks the
 * endpoint a cheap question with backoff (at most {@link Backoff}'s cap apart). The first probe that gets an
 * answer brings it up: the lanes hand out their work again at once, attempt counts untouched by the outage.
 * One WARN when it goes down, one INFO when it is back, with the outage's length.
 */
final class EndpointHealth {
    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);
    /** An outage that starts this soon after the last one ended continues its probe backoff (a flapping endpoint). */
    static final Duration FLAPPING = Duration.ofSeconds(30);

    /** Runs a task after a delay: a scheduler in the daemon, a list run by hand in tests. */
    interface Timer {
        void after(Duration delay, Runnable task);

        static Timer on(ScheduledExecutorService scheduler) {
            return (delay, task) -> {
                try {
                    scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // shutting down: no more probes
                }
            };
        }
    }

    /** One cheap question to the endpoint: returns when it answered, throws when it did not. */
    interface Probe {
        void run();
    }

    private final String name;
    private final Clock clock;
    private final Backoff backoff;
    private final Timer timer;
    private final List<BucketQueue> queues = new CopyOnWriteArrayList<>();

    // guarded by this
    private Instant downSince;
    private Instant upSince = Instant.EPOCH;
    private String reason = "";
    private int probes;
    private int attempt = 1;
    private Instant lastProbe;
    private Instant nextProbe;
    private Probe probe;

    EndpointHealth(String name, Clock clock, Backoff backoff, Timer timer) {
        this.name = name;
        this.clock = clock;
        this.backoff = backoff;
        this.timer = timer;
    }

    String name() {
        return name;
    }

    /** A lane's queue uses this endpoint: held while it is down (also when it joins during an outage). */
    synchronized void join(BucketQueue queue) {
        queues.add(queue);
        if (downSince != null) {
            queue.hold();
        }
    }

    /** A lane's queue no longer uses this endpoint (its site stopped). */
    synchronized void leave(BucketQueue queue) {
        queues.remove(queue);
    }

    /**
     * An attempt that started at {@code started} found the endpoint unreachable ({@code why}). The first report
     * of an outage holds every lane of the endpoint and schedules the first probe, which asks {@code probe}; a
     * report about an attempt that started before the endpoint last came back is old news and changes nothing.
     * True when this report started an outage.
     */
    synchronized boolean unreachable(Instant started, String why, Probe probe) {
        if (downSince != null || started.isBefore(upSince)) {
            return false;
        }
        Instant now = clock.instant();
        // a new outage starts its probes at 1 s; one right after the last goes on from where that one ended, a
        // step further, so an endpoint that keeps failing again at once (503 SlowDown) gets longer pauses
        attempt = Duration.between(upSince, now).compareTo(FLAPPING) >= 0 ? 1 : attempt + 1;
        downSince = now;
        reason = why;
        probes = 0;
        lastProbe = null;
        this.probe = probe;
        queues.forEach(BucketQueue::hold);
        Duration delay = schedule(now);
        log.warn("{}: endpoint unreachable; uploads to it wait (buckets: {}) while it is probed every few seconds, "
                + "first in {}: {}", name, queues.size(), Durations.text(delay), why);
        return true;
    }

    /** Asks the endpoint once; run by the timer. */
    void probeNow() {
        Probe question;
        synchronized (this) {
            if (downSince == null) {
                return;
            }
            question = probe;
        }
        try {
            question.run();
        } catch (RuntimeException e) {
            failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        }
        up();
    }

    synchronized boolean down() {
        return downSince != null;
    }

    /** The outage as /status shows it; empty while the endpoint answers. */
    synchronized Optional<Unreachable> status() {
        if (downSince == null) {
            return Optional.empty();
        }
        return Optional.of(new Unreachable(name, downSince, reason, probes, Optional.ofNullable(lastProbe), nextProbe));
    }

    private synchronized void failed(String why) {
        Instant now = clock.instant();
        probes++;
        lastProbe = now;
        reason = why;
        attempt++;
        Duration delay = schedule(now);
        log.debug("{}: probe {} found no answer, next in {}: {}", name, probes, Durations.text(delay), why);
    }

    private synchronized void up() {
        Instant now = clock.instant();
        Duration outage = Duration.between(downSince, now);
        int asked = probes + 1;
        downSince = null;
        upSince = now;
        lastProbe = now;
        nextProbe = null;
        probe = null;
        queues.forEach(BucketQueue::release);
        log.info("{}: endpoint reachable again after {} ({} probe{}); uploads to it go on", name,
                Durations.text(outage), asked, asked == 1 ? "" : "s");
    }

    private Duration schedule(Instant now) {
        Duration delay = backoff.delay(attempt);
        nextProbe = now.plus(delay);
        timer.after(delay, this::probeNow);
        return delay;
    }
}
