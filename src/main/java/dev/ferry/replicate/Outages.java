package dev.ferry.replicate;

import dev.ferry.core.DaemonStatus.Unreachable;
import dev.ferry.core.Durations;
import dev.ferry.core.UrlCredentials;
import dev.ferry.queue.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of one job (its source, its destinations) that event mode found unreachable, and the messages it
 * holds meanwhile. A message whose copy failed for unreachability (connection refused, timeout, unknown host, busy or
 * gateway answers: {@code FailureKind.UNREACHABLE}) would otherwise return after its visibility timeout, fail again
 * and spend its receives until the queue's redrive policy moved it to the dead-letter queue: an outage of a few
 * minutes would lose events. Instead the thread handling it is held here ({@link #hold}), its message's visibility
 * extended like that of a long copy, while one of the held threads asks the endpoint a cheap question
 * ({@code ObjectStore.probe}) with backoff; the first answer ends the outage and every held message is applied again.
 * While messages are held the follower receives nothing new ({@link #holding}).
 * <p>
 * Holding is bounded: an endpoint still away {@link #MAX_HOLD} after the outage began gives up, with one ERROR: its
 * held messages, and those that fail on it later, are left to the queue's redrive policy as any failure, until a
 * probe finds it answering again. One WARN when the outage is confirmed (its first probe failed), one INFO when it
 * is over.
 */
final class Outages {
    private static final Logger log = LoggerFactory.getLogger(Outages.class);
    /**
     * How long messages are held for an endpoint that does not answer: long enough for a restart or a network
     * outage, well below SQS's shortest message retention and its 12 hours of visibility.
     */
    static final Duration MAX_HOLD = Duration.ofHours(1);

    /**
     * One endpoint a copy talks to.
     *
     * @param role  "source" or "destination"
     * @param url   its bucket and prefix as the logs name them (s3://bucket/prefix/)
     * @param probe one cheap question: returns when the endpoint answered, throws when it did not
     */
    record Endpoint(String role, String url, Runnable probe) {
        Endpoint {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(probe, "probe");
        }

        String describe() {
            return role + " " + url;
        }
    }

    /**
     * What the failed requests of one message found unreachable: the endpoints they talked to, in the order to probe
     * them, and the last failure ({@code "s3://bucket/key: why"}).
     */
    static final class Away {
        private final java.util.Set<Endpoint> endpoints = new java.util.LinkedHashSet<>();
        private String reason = "";

        void add(List<Endpoint> talkedTo, String failure) {
            endpoints.addAll(talkedTo);
            reason = failure;
        }

        boolean isEmpty() {
            return endpoints.isEmpty();
        }

        List<Endpoint> endpoints() {
            return List.copyOf(endpoints);
        }

        String reason() {
            return reason;
        }
    }

    /** What a held message does next. */
    enum Verdict {
        /** The endpoint answers again: apply the message again. */
        RETRY,
        /** Not held (the endpoints answer, holding gave up, or the follower stops): leave it to the queue. */
        RELEASE
    }

    /** Waits up to a delay or until {@code over} is counted down; tests move a clock instead. */
    @FunctionalInterface
    interface Pause {
        void pause(CountDownLatch over, Duration delay) throws InterruptedException;

        Pause LATCH = (over, delay) -> over.await(Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static final class Outage {
        final Endpoint endpoint;
        final Instant since;
        final CountDownLatch over = new CountDownLatch(1);
        String reason;
        int held;
        int probes;
        int attempt = 1;
        Instant lastProbe;
        Instant nextProbe;
        boolean probing;
        boolean warned;
        boolean givenUp;
        boolean ended;

        Outage(Endpoint endpoint, Instant since, String reason) {
            this.endpoint = endpoint;
            this.since = since;
            this.reason = reason;
        }
    }

    private final String name;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration limit;
    private final Pause pause;
    /** The endpoints away, by description; guarded by this. */
    private final Map<String, Outage> down = new LinkedHashMap<>();
    private boolean closed;

    Outages(String name, Clock clock, Backoff backoff, Duration limit, Pause pause) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /**
     * A message's events failed for unreachability while talking to one of {@code candidates} (the endpoint the
     * failed request went to first): finds which one is away (an outage already known, else the first that does not
     * answer a probe) and holds the calling thread until it answers again ({@link Verdict#RETRY}). When all of them
     * answer, the failure was a moment's and the message is not held; when holding for that endpoint gave up or the
     * follower stops, neither ({@link Verdict#RELEASE}).
     */
    Verdict hold(String messageId, List<Endpoint> candidates, String reason) throws InterruptedException {
        Optional<Outage> joined = join(candidates, reason);
        if (joined.isEmpty()) {
            return Verdict.RELEASE;
        }
        Outage o = joined.get();
        log.debug("{}: message {} held while {} is unreachable", name, messageId, o.endpoint.describe());
        try {
            while (true) {
                Duration wait;
                synchronized (this) {
                    if (o.ended) {
                        return Verdict.RETRY;
                    }
                    if (closed || o.givenUp) {
                        return Verdict.RELEASE;
                    }
                    Instant now = clock.instant();
                    Instant end = o.since.plus(limit);
                    if (!now.isBefore(end)) {
                        giveUp(o, now);
                        return Verdict.RELEASE;
                    }
                    if (!o.probing && !now.isBefore(o.nextProbe)) {
                        o.probing = true; // this thread asks; the others wait for its answer
                        wait = null;
                    } else {
                        Instant until = o.probing || o.nextProbe.isAfter(end) ? end : o.nextProbe;
                        wait = Duration.between(now, until);
                        if (o.probing && wait.compareTo(Duration.ofSeconds(1)) > 0) {
                            wait = Duration.ofSeconds(1); // look again soon: the probe's answer may be "still away"
                        }
                    }
                }
                if (wait == null) {
                    probe(o);
                } else {
                    pause.pause(o.over, wait);
                }
            }
        } finally {
            synchronized (this) {
                o.held--;
                notifyAll();
            }
        }
    }

    /** The outage {@code candidates} points to, with one more message held; empty when none is away or held. */
    private Optional<Outage> join(List<Endpoint> candidates, String reason) {
        for (Endpoint c : candidates) {
            synchronized (this) {
                if (closed) {
                    return Optional.empty();
                }
                Outage known = down.get(c.describe());
                if (known != null && !known.givenUp) {
                    known.held++;
                    return Optional.of(known);
                }
            }
        }
        for (Endpoint c : candidates) {
            String why;
            try {
                c.probe().run();
                synchronized (this) {
                    Outage known = down.get(c.describe());
                    if (known != null && known.givenUp) {
                        ended(known); // it was given up and answers again
                    }
                }
                continue;
            } catch (RuntimeException e) {
                why = reasonOf(e);
            }
            synchronized (this) {
                if (closed) {
                    return Optional.empty();
                }
                Outage known = down.get(c.describe());
                if (known != null && known.givenUp) {
                    return Optional.empty(); // away for too long: the queue's redrive policy decides
                }
                if (known == null) {
                    Instant now = clock.instant();
                    known = new Outage(c, now, UrlCredentials.mask(reason));
                    known.nextProbe = now.plus(backoff.delay(known.attempt));
                    down.put(c.describe(), known);
                    log.debug("{}: {} unreachable ({}); events wait for it", name, c.describe(), why);
                }
                known.held++;
                return Optional.of(known);
            }
        }
        return Optional.empty();
    }

    private void probe(Outage o) {
        String why;
        try {
            o.endpoint.probe().run();
            synchronized (this) {
                ended(o);
            }
            return;
        } catch (RuntimeException e) {
            why = reasonOf(e);
        }
        synchronized (this) {
            Instant now = clock.instant();
            o.probing = false;
            o.probes++;
            o.lastProbe = now;
            o.reason = why;
            o.attempt++;
            Duration delay = backoff.delay(o.attempt);
            o.nextProbe = now.plus(delay);
            if (!o.warned) {
                o.warned = true;
                log.warn("{}: events wait: {} unreachable: {}; {} message{} held (their visibility extended, no new "
                        + "message received) and applied again when it answers; probed every few seconds, next in "
                        + "{}; held at most {}", name, o.endpoint.describe(), why, o.held, o.held == 1 ? "" : "s",
                        Durations.text(delay), Durations.text(limit));
            } else {
                log.debug("{}: probe {} of {} found no answer, next in {}: {}", name, o.probes, o.endpoint.describe(),
                        Durations.text(delay), why);
            }
        }
    }

    // guarded by this
    private void ended(Outage o) {
        if (o.ended) {
            return;
        }
        Instant now = clock.instant();
        o.ended = true;
        o.probing = false;
        down.remove(o.endpoint.describe(), o);
        o.over.countDown();
        notifyAll();
        Duration outage = Duration.between(o.since, now);
        if (o.warned || o.givenUp) {
            log.info("{}: {} answers again after {}; {} held message{} applied again, events go on", name,
                    o.endpoint.describe(), Durations.text(outage), o.held, o.held == 1 ? "" : "s");
        } else {
            log.debug("{}: {} answers again after {}", name, o.endpoint.describe(), Durations.text(outage));
        }
    }

    // guarded by this
    private void giveUp(Outage o, Instant now) {
        if (o.givenUp) {
            return;
        }
        o.givenUp = true;
        o.probing = false;
        o.over.countDown(); // the other held threads see it at once
        notifyAll();
        log.error("{}: events waited {} for {}, still unreachable ({}): {} held message{} released to the queue, "
                + "where each receive counts against its maxReceiveCount and the redrive policy moves it to the "
                + "dead-letter queue; later messages are no longer held until it answers. A full sync "
                + "(fullsync.interval) copies what the dead-letter queue took", name,
                Durations.text(Duration.between(o.since, now)), o.endpoint.describe(), o.reason, o.held,
                o.held == 1 ? "" : "s");
    }

    /** Whether messages are held for an endpoint: the follower receives no new one meanwhile. */
    synchronized boolean holding() {
        return down.values().stream().anyMatch(o -> o.held > 0 && !o.givenUp && !o.ended);
    }

    /** Waits until no message is held, at most {@code max}. */
    synchronized void awaitNotHolding(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (holding() && !closed) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    /** The first endpoint away, as /status shows it; empty while all answer. */
    synchronized Optional<Unreachable> status() {
        return down.values().stream().findFirst().map(o -> new Unreachable(o.endpoint.describe(), o.since,
                o.givenUp ? o.reason + " (held for " + Durations.text(limit) + ": messages no longer held)" : o.reason,
                o.probes, Optional.ofNullable(o.lastProbe), o.nextProbe));
    }

    /** Messages held now. */
    synchronized int held() {
        return down.values().stream().mapToInt(o -> o.held).sum();
    }

    /** Stops holding: every held thread returns {@link Verdict#RELEASE}. */
    void close() {
        synchronized (this) {
            closed = true;
            down.values().forEach(o -> o.over.countDown());
            notifyAll();
        }
    }

    private static String reasonOf(RuntimeException e) {
        return UrlCredentials.mask(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
