package dev.ferry.replicate;

import dev.ferry.core.RecordKeeper;
import dev.ferry.core.UrlCredentials;
import dev.ferry.queue.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS event mode of one {@code replicate:} job: a thread of its own long-polls the job's queue (up to
 * {@link #BATCH} messages, waiting up to the queue's {@code wait_time}) and hands each message to the follower's pool
 * of {@code concurrency} threads, created by {@link #start()} and shut down by
 * {@link #close()}. It asks for no more messages than the pool has free threads, and receives again as soon as one
 * is free: the messages of a batch are handled side by side, and one large copy holds up neither the others of its
 * batch nor the next receive, while no message waits invisible in memory for a thread. Two messages about one key
 * may so be handled at once (as by two daemons on one queue): {@link EventApplier} serialises them per key. Each
 * message is read by {@link EventMessages}:
 * <ul>
 * <li>events: every record applied to every destination ({@link EventApplier}); the message is deleted only when
 * all succeeded, else it is left and comes back after its visibility timeout, and after the queue's
 * {@code maxReceiveCount} its redrive policy moves it to the dead-letter queue: there is no retry loop here, but
 * for one case: a copy that failed because the source or a destination is unreachable (network error, timeout,
 * busy or gateway answers) holds its message in this process, its visibility extended, until that endpoint answers
 * a probe again, and then applies it again; meanwhile no new message is received ({@link Outages}), so an outage
 * spends no message's receives. After {@link Outages#MAX_HOLD} the held messages are released to the redrive policy,
 * with an ERROR;</li>
 * <li>{@code s3:TestEvent}: deleted;</li>
 * <li>malformed: logged once at WARN with its id and the reason (never its body), counted once (the last 10,000
 * ids are remembered, since such a message comes back until the queue moves it), and left to the dead-letter
 * queue.</li>
 * </ul>
 * Messages are received invisible for the queue's {@code visibility_timeout}; while a message is still being
 * handled (a large copy), its visibility is extended by that much every third of it ({@link #heartbeatFor}), so
 * another consumer never receives it meanwhile; the same timer reads the queue's depth for /status. A failed
 * receive (queue unreachable, credentials refused) is retried with backoff (1 s doubling to 5 min, jittered), never
 * in a hot loop, and is the job's last error until a receive works again (unless another error came since). {@link #close()} closes the client, which ends a long poll under way at once, so stopping never
 * waits for the poll.
 */
public final class EventFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventFollower.class);
    /**
     * The default {@code wait_time}, SQS's longest long poll: fewer empty receives, and an event is seen as soon as it
     * arrives.
     */
    static final Duration WAIT = Duration.ofSeconds(20);
    /** SQS's largest batch. */
    static final int BATCH = EventQueueClient.MAX_BATCH;
    /**
     * The default {@code visibility_timeout}, how long a received message stays invisible to other consumers: long
     * enough for most copies, short enough that a message whose consumer died returns within a minute. Extended
     * while a copy runs.
     */
    static final Duration VISIBILITY = Duration.ofSeconds(60);
    /** How often, at most, the visibility of messages still being handled is extended ({@link #heartbeatFor}). */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);

    private final String name;
    private final EventQueueClient queue;
    private final EventApplier applier;
    private final EventStats events;
    private final JobStats stats;
    private final Backoff backoff;
    private final Outages outages;
    private final Duration wait;
    private final Duration visibility;
    private final Duration heartbeat;
    private final int threads;
    /** One per thread of the pool not handling a message: a receive asks for at most this many. */
    private final Semaphore free;
    private volatile ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Set<EventQueueClient.Message> handling = ConcurrentHashMap.newKeySet();
    /** Handled messages waiting for their delete ({@link #acknowledge}), and the lock of the thread sending it. */
    private final java.util.Queue<EventQueueClient.Message> unacknowledged = new ConcurrentLinkedQueue<>();
    private final ReentrantLock deleting = new ReentrantLock();
    /** Ids of malformed messages already logged and counted: each comes back until the DLQ takes it. */
    private final Set<String> malformedSeen = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<String, Boolean>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            });
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean started;

    /**
     * @param records    where copies are recorded; empty records nothing
     * @param wait       the queue's {@code wait_time}: how long a receive long-polls an empty queue (0 to 20 s)
     * @param visibility the queue's {@code visibility_timeout}: how long a received message stays invisible
     */
    public EventFollower(String name, EventQueueClient queue, BucketSource source, List<Replica> replicas,
            boolean delete, int maxDelete, Optional<RecordKeeper> records, int concurrency, Clock clock,
            JobStats stats, Duration wait, Duration visibility) {
        this(name, queue, source, replicas, delete, maxDelete, records, concurrency, clock, stats, Backoff.standard(),
                wait, visibility, heartbeatFor(visibility));
    }

    /**
     * A third of the visibility timeout (two chances to extend before it runs out), at most {@link #HEARTBEAT}, so the
     * queue's depth is still read for /status that often when the timeout is long.
     */
    static Duration heartbeatFor(Duration visibility) {
        Duration third = visibility.dividedBy(3);
        return third.compareTo(HEARTBEAT) > 0 ? HEARTBEAT : third.isZero() ? Duration.ofMillis(1) : third;
    }

    EventFollower(String name, EventQueueClient queue, BucketSource source, List<Replica> replicas, boolean delete,
            int maxDelete, Optional<RecordKeeper> records, int concurrency, Clock clock, JobStats stats,
            Backoff backoff, Duration wait, Duration visibility, Duration heartbeat) {
        this(name, queue, source, replicas, delete, maxDelete, records, concurrency, clock, stats, backoff, wait,
                visibility, heartbeat, Outages.MAX_HOLD);
    }

    /** @param maxHold how long messages are held for an unreachable endpoint ({@link Outages}) */
    EventFollower(String name, EventQueueClient queue, BucketSource source, List<Replica> replicas, boolean delete,
            int maxDelete, Optional<RecordKeeper> records, int concurrency, Clock clock, JobStats stats,
            Backoff backoff, Duration wait, Duration visibility, Duration heartbeat, Duration maxHold) {
        this.name = Objects.requireNonNull(name, "name");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.stats = stats;
        this.events = stats.following(queue.describe());
        this.applier = new EventApplier(name, source, replicas, delete, maxDelete, records,
                clock, stats, events);
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.outages = new Outages(name, clock, backoff, maxHold, Outages.Pause.LATCH);
        stats.unreachable(outages::status);
        this.wait = wait;
        this.visibility = visibility;
        this.heartbeat = heartbeat;
        this.threads = Math.max(1, concurrency);
        this.free = new Semaphore(threads);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "events-" + name + "-visibility");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "events-" + name);
        this.thread.setDaemon(true);
    }

    public String name() {
        return name;
    }

    /** Starts following the queue. */
    public synchronized void start() {
        if (stopping.getCount() == 0) {
            return;
        }
        AtomicInteger made = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "events-" + name + "-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        started = true;
        long every = heartbeat.toMillis();
        timer.scheduleWithFixedDelay(this::heartbeat, 0, every, TimeUnit.MILLISECONDS);
        thread.start();
        log.info("{}: following {} (event mode)", name, queue.describe());
    }

    private void loop() {
        int failures = 0;
        String receiveError = null; // the job's last error while receiving fails
        while (stopping.getCount() > 0) {
            try {
                free.acquire(); // a thread of the pool is free (close() releases one to end this wait)
            } catch (InterruptedException stop) {
                return;
            }
            try {
                while (outages.holding() && stopping.getCount() > 0) { // an endpoint is away: receive nothing new
                    outages.awaitNotHolding(Duration.ofSeconds(1));
                }
            } catch (InterruptedException stop) {
                return;
            }
            if (stopping.getCount() == 0) {
                return;
            }
            int slots = 1 + free.drainPermits();
            List<EventQueueClient.Message> batch;
            long began = System.nanoTime();
            try {
                batch = queue.receive(Math.min(BATCH, slots), wait, visibility);
                if (failures > 0) {
                    log.info("{}: {} answers again", name, queue.describe());
                    stats.clearError(receiveError); // unless another failure superseded it meanwhile
                }
                failures = 0;
            } catch (RuntimeException e) {
                free.release(slots);
                if (stopping.getCount() == 0) {
                    return;
                }
                failures++;
                events.receiveFailures.incrementAndGet();
                String why = UrlCredentials.mask(String.valueOf(e.getMessage()));
                String error = "cannot receive from the queue " + (why.startsWith(queue.describe()) ? why
                        : UrlCredentials.mask(queue.describe()) + ": " + why);
                if (failures == 1 || java.util.Objects.equals(receiveError, stats.lastError())) {
                    // the first failure of a streak, or a new wording of the one shown: a failure of something else
                    // meanwhile (a destination a full sync could not list) stays the job's last error, and the queue
                    // answering again does not clear it
                    receiveError = error;
                    stats.error(receiveError);
                }
                if (failures == 1 || failures % 10 == 0) {
                    log.warn("{}: cannot receive from the queue ({} failures in a row; backing off): {}", name,
                            failures, e.getMessage());
                }
                try {
                    if (!backoff.await(failures, d -> !stopping.await(d.toMillis(), TimeUnit.MILLISECONDS))) {
                        return;
                    }
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            free.release(slots - Math.min(slots, batch.size())); // those not used (SQS never gives more than asked)
            if (batch.isEmpty() && (wait.isZero() || System.nanoTime() - began < wait.toNanos() / 2)) {
                // a server that answers at once instead of waiting (no long polling, or wait_time 0) must not make
                // this spin
                try {
                    if (stopping.await(wait.isZero() ? 1000 : Math.min(1000, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException stop) {
                    return;
                }
            }
            handle(batch);
        }
    }

    /**
     * Hands each message of a batch to a thread of the pool, each holding one of the permits taken for the receive
     * (returned when it is done), and returns at once.
     */
    private void handle(List<EventQueueClient.Message> batch) {
        events.messages.addAndGet(batch.size());
        events.inFlight.addAndGet(batch.size());
        handling.addAll(batch);
        for (EventQueueClient.Message m : batch) {
            try {
                pool.execute(() -> {
                    try {
                        handle(m);
                    } catch (RuntimeException e) {
                        log.warn("{}: handling message {} failed: {}", name, m.id(), e.toString());
                    } finally {
                        done(m);
                    }
                });
            } catch (RejectedExecutionException stopping) { // closed: it returns to the queue
                done(m);
            }
        }
    }

    private void done(EventQueueClient.Message m) {
        handling.remove(m);
        events.inFlight.decrementAndGet();
        free.release();
    }

    private void handle(EventQueueClient.Message m) {
        ParsedMessage parsed = EventMessages.parse(m.id(), m.body());
        boolean acknowledge;
        if (parsed instanceof ParsedMessage.Malformed bad) {
            boolean first;
            synchronized (malformedSeen) {
                first = malformedSeen.add(m.id());
            }
            if (!bad.readable().isEmpty()) {
                // its readable records are applied all the same (again at each receive: a duplicate is skipped)
                applied(m, new ParsedMessage.Events(m.id(), bad.readable()));
            }
            if (first) {
                events.malformed.incrementAndGet();
                log.warn("{}: {}; {}left on the queue for its dead-letter queue", name, bad.reason(),
                        bad.readable().isEmpty() ? "" : "its " + bad.readable().size() + " other record"
                                + (bad.readable().size() == 1 ? "" : "s") + " applied; ");
            }
            return;
        } else if (parsed instanceof ParsedMessage.TestEvent) {
            log.info("{}: message {}: s3:TestEvent, acknowledged", name, m.id());
            acknowledge = true;
        } else {
            acknowledge = applied(m, (ParsedMessage.Events) parsed);
        }
        if (acknowledge && stopping.getCount() > 0) {
            acknowledge(m);
        }
    }

    /**
     * Applies every record of a message (also those after one failed); true when all are done. When one failed for
     * unreachability, the message is held until the endpoint answers and applied again ({@link Outages}).
     */
    private boolean applied(EventQueueClient.Message m, ParsedMessage.Events parsed) {
        while (true) {
            boolean all = true;
            Outages.Away away = new Outages.Away();
            for (S3Event e : parsed.events()) {
                all &= applier.apply(m.id(), e, away);
            }
            if (all || away.isEmpty() || stopping.getCount() == 0) {
                return all;
            }
            Outages.Verdict verdict;
            try {
                verdict = outages.hold(m.id(), away.endpoints(), away.reason());
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (verdict == Outages.Verdict.RELEASE) {
                if (stopping.getCount() > 0) {
                    log.warn("{}: message {}: {} (the message returns after its visibility timeout)", name, m.id(),
                            away.reason());
                }
                return false;
            }
        }
    }

    /**
     * Deletes a handled message from the queue, together with those other threads handled meanwhile: the thread
     * that finds no delete under way sends the waiting ones, up to {@link EventQueueClient#MAX_BATCH} a request,
     * until none waits; the others leave theirs and return. At a few messages a second each is deleted alone and at
     * once; under load one request deletes many, a request per message less for the queue and this process.
     */
    private void acknowledge(EventQueueClient.Message m) {
        unacknowledged.add(m);
        while (!unacknowledged.isEmpty() && deleting.tryLock()) { // re-checked after unlock: none is left behind
            try {
                List<EventQueueClient.Message> batch = new ArrayList<>();
                for (EventQueueClient.Message next; (next = unacknowledged.poll()) != null; ) {
                    batch.add(next);
                    if (batch.size() == EventQueueClient.MAX_BATCH || unacknowledged.isEmpty()) {
                        deleteAll(batch);
                        batch.clear();
                    }
                }
                deleteAll(batch);
            } finally {
                deleting.unlock();
            }
        }
    }

    private void deleteAll(List<EventQueueClient.Message> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, String> failed;
        try {
            failed = queue.delete(batch);
        } catch (RuntimeException e) {
            failed = new java.util.LinkedHashMap<>();
            for (EventQueueClient.Message m : batch) {
                failed.put(m.id(), e.getMessage());
            }
        }
        events.acknowledged.addAndGet(batch.size() - failed.size());
        failed.forEach((id, why) -> log.warn("{}: message {} was handled but not deleted (it will be handled again, "
                + "which copies nothing more): {}", name, id, why));
    }

    /** Every heartbeat: the visibility of the messages being handled, and the queue's depth for /status. */
    private void heartbeat() {
        extendVisibility();
        try {
            events.waiting.set(queue.waiting());
        } catch (RuntimeException e) {
            events.waiting.set(-1);
            log.debug("{}: cannot read the queue's depth: {}", name, e.getMessage());
        }
    }

    private void extendVisibility() {
        for (EventQueueClient.Message m : handling) {
            try {
                queue.extend(m, visibility);
            } catch (RuntimeException e) {
                log.debug("{}: cannot extend the visibility of message {}: {}", name, m.id(), e.getMessage());
            }
        }
    }

    /** Whether the receiving thread has ended (after {@link #close()}). */
    boolean stopped() {
        return started && !thread.isAlive();
    }

    /**
     * Stops: no more receives (the client is closed, which ends a long poll under way), messages being handled
     * finish their request or are cut short and come back to the queue after their visibility timeout. A message
     * that the queue hands to the long poll just cut (the server does not see it closed) also comes back after its
     * visibility timeout, one receive counted against its maxReceiveCount.
     */
    @Override
    public void close() {
        ExecutorService handlers;
        synchronized (this) {
            stopping.countDown();
            handlers = pool;
        }
        free.release(); // a receiving thread waiting for a free handler sees the stop
        outages.close(); // held messages return to the queue after their visibility timeout
        timer.shutdownNow();
        queue.close();
        if (handlers != null) {
            handlers.shutdownNow();
        }
        if (started) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
                handlers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
