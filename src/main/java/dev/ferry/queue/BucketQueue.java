package dev.ferry.queue;

import dev.ferry.core.ItemRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The work waiting for one bucket: at most one entry per key (a newer change of a queued key merges with
 * it), each due at a time (settle time, or backoff after a failure), handed out in due order and never
 * to two workers at once. Bounded: {@link #offer} refuses beyond the capacity and marks the queue dirty, so
 * a sweep finds the dropped work later; {@link #put} waits for room instead (for sweeps, never the watcher).
 * Retries of work already taken are always accepted, so a failure never loses a file.
 */
public final class BucketQueue {

    /** What {@link #offer} did. */
    public enum Offer { ADDED, MERGED, FULL, CLOSED }

    /** An entry as {@link #longWaits} shows it: its task (first queued at its {@code queuedAt}) and when it is due. */
    public record Waiting(Task task, Instant due) {
    }

    private static final class Entry {
        final String key;
        ItemRef item;
        Instant due;
        int attempts;
        final Instant queuedAt;
        long seq;
        /** An operator asked to try it now: a failed attempt under way does not push it back into backoff. */
        boolean expedited;
        /** When {@link #longWaits} looks at it next; never changed by a merge, unlike {@link #due}. */
        Instant lookAt;
        final long id;
        Task.Work work = Task.Work.CARRY;

        Entry(String key, ItemRef item, Instant due, int attempts, Instant queuedAt, long seq, Instant lookAt) {
            this.key = key;
            this.item = item;
            this.due = due;
            this.attempts = attempts;
            this.queuedAt = queuedAt;
            this.seq = seq;
            this.id = seq;
            this.lookAt = lookAt;
        }
    }

    /** How long an entry waits, from when it was first queued, before {@link #longWaits} first looks at it. */
    public static final Duration LONG_WAIT = Duration.ofMinutes(5);

    private final String bucket;
    private final int capacity;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Entry> waiting = new HashMap<>();
    private final TreeSet<Entry> byDue = new TreeSet<>(
            Comparator.comparing((Entry e) -> e.due).thenComparingLong(e -> e.seq));
    /**
     * The same entries by when {@link #longWaits} looks at them: a merge pushes {@link Entry#due} back for ever
     * (a file written all the time), but not this, so a wait that never ends is still seen, by looking at the
     * first entries of this set alone.
     */
    private final TreeSet<Entry> byLook = new TreeSet<>(
            Comparator.comparing((Entry e) -> e.lookAt).thenComparingLong(e -> e.id));
    private final Set<String> inFlight = new HashSet<>();
    private long seq;
    private boolean dirty;
    private boolean closed;
    private boolean paused;
    /** The bucket's endpoint does not answer: nothing is handed out until it does. Apart from the operator's pause. */
    private boolean held;

    public BucketQueue(String bucket, int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.bucket = bucket;
        this.capacity = capacity;
        this.clock = clock;
    }

    public String bucket() {
        return bucket;
    }

    /** Adds or merges without ever blocking; FULL means the change was dropped and the queue marked dirty. */
    public Offer offer(String key, ItemRef item, Instant due) {
        return offer(key, item, due, Task.Work.CARRY);
    }

    /**
     * Adds or merges work of any kind without ever blocking. Carrying wins a merge: a deletion merged into a queued
     * carry changes nothing (the carry finds the item gone and does what its site does with a deletion), a carry
     * merged into a queued deletion replaces it (the item is back).
     */
    public Offer offer(String key, ItemRef item, Instant due, Task.Work work) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (merge(key, item, due, work)) {
                return Offer.MERGED;
            }
            if (waiting.size() >= capacity) {
                dirty = true;
                return Offer.FULL;
            }
            add(key, item, due, 0, clock.instant()).work = work;
            return Offer.ADDED;
        } finally {
            lock.unlock();
        }
    }

    /** Adds or merges, waiting for room when full. False when the queue was closed first. */
    public boolean put(String key, ItemRef item, Instant due) throws InterruptedException {
        return put(key, item, due, Task.Work.CARRY);
    }

    /** Adds or merges work of any kind (merged as {@link #offer} does), waiting for room when full. */
    public boolean put(String key, ItemRef item, Instant due, Task.Work work) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !waiting.containsKey(key) && waiting.size() >= capacity) {
                changed.await();
            }
            if (closed) {
                return false;
            }
            if (!merge(key, item, due, work)) {
                add(key, item, due, 0, clock.instant()).work = work;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next due task whose key is not in flight, if there is one now. Marks it in flight. */
    public Optional<Task> poll() {
        lock.lock();
        try {
            return stopped() ? Optional.empty() : Optional.ofNullable(pollLocked(clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #poll} but waits up to {@code maxWait} for a task to become due. Empty when closed. */
    public Optional<Task> take(Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (!closed) {
                Instant now = clock.instant();
                Task task = stopped() ? null : pollLocked(now);
                if (task != null) {
                    return Optional.of(task);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                long untilDue = stopped() ? Long.MAX_VALUE : nanosUntilNextDue(now);
                changed.awaitNanos(Math.min(left, untilDue));
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** The worker is done with this task (uploaded, unchanged or given up). */
    public void complete(Task task) {
        lock.lock();
        try {
            inFlight.remove(task.key());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a taken task back, due at {@code due}; {@code failed} counts an attempt. A newer change of the same
     * key that arrived meanwhile is kept (its item) and becomes due no earlier than {@code due}.
     */
    public void retry(Task task, Instant due, boolean failed) {
        lock.lock();
        try {
            inFlight.remove(task.key());
            int attempts = failed ? task.attempts() + 1 : task.attempts();
            Entry newer = waiting.get(task.key());
            if (newer != null) {
                byDue.remove(newer);
                newer.due = newer.expedited ? newer.due : later(newer.due, due);
                newer.attempts = Math.max(newer.attempts, attempts);
                newer.seq = seq++;
                byDue.add(newer);
            } else {
                add(task.key(), task.item(), due, attempts, task.queuedAt()).work = task.work();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An operator's "try it now": the key becomes due now. A waiting entry (settling or in backoff) moves
     * forward, a key that is not waiting is added (refused only when the queue is full: the next sweep finds
     * it), and a failure of an attempt already under way does not push it back into backoff.
     */
    public Offer expedite(String key, ItemRef item) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            Instant now = clock.instant();
            Entry existing = waiting.get(key);
            if (existing != null) {
                byDue.remove(existing);
                existing.item = item;
                existing.due = existing.due.isAfter(now) ? now : existing.due;
                existing.expedited = true;
                existing.seq = seq++;
                byDue.add(existing);
                changed.signalAll();
                return Offer.MERGED;
            }
            if (waiting.size() >= capacity) {
                dirty = true;
                return Offer.FULL;
            }
            add(key, item, now, 0, now).expedited = true;
            return Offer.ADDED;
        } finally {
            lock.unlock();
        }
    }

    /** Makes every entry waiting in backoff after a failure due now; returns their keys. */
    public List<String> expediteRetries() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<Entry> backingOff = new ArrayList<>();
            for (Entry e : byDue) {
                if (e.attempts > 0 && e.due.isAfter(now)) {
                    backingOff.add(e);
                }
            }
            for (Entry e : backingOff) {
                byDue.remove(e);
                e.due = now;
                e.expedited = true;
                e.seq = seq++;
                byDue.add(e);
            }
            if (!backingOff.isEmpty()) {
                changed.signalAll();
            }
            return backingOff.stream().map(e -> e.key).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Stops handing out work: {@link #poll} and {@link #take} find nothing; adding, merging and retries go on. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /** Hands out work again, waking the workers waiting in {@link #take}. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bucket's endpoint does not answer: {@link #poll} and {@link #take} find nothing until {@link #release};
     * adding, merging and retries go on. Independent of {@link #pause}: an operator's resume does not release it.
     */
    public void hold() {
        lock.lock();
        try {
            held = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The endpoint answers again: work is handed out again (unless paused), each entry when it is due; what was
     * put back during the outage is due already.
     */
    public void release() {
        lock.lock();
        try {
            held = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** True once, when changes were dropped because the queue was full and it has since drained below half. */
    public boolean takeDirtyIfRoom() {
        lock.lock();
        try {
            if (dirty && waiting.size() < Math.max(1, capacity / 2)) {
                dirty = false;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    public int depth() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The entries whose look time has come: first when one has waited {@link #LONG_WAIT} since it was first queued,
     * however often a newer change merged into it and pushed its due time back (the worker, which would see it
     * still changing, never gets it then), and afterwards when {@code nextLook} says. Costs a look at the first
     * entries by look time, not a walk of the queue.
     */
    public List<Waiting> longWaits(Instant now, Function<Waiting, Instant> nextLook) {
        lock.lock();
        try {
            List<Waiting> looked = new ArrayList<>();
            while (!byLook.isEmpty() && !byLook.first().lookAt.isAfter(now)) {
                Entry e = byLook.pollFirst();
                Waiting w = new Waiting(new Task(e.key, e.item, e.attempts, e.queuedAt, e.work), e.due);
                Instant next = nextLook.apply(w);
                e.lookAt = next.isAfter(now) ? next : now.plus(LONG_WAIT);
                byLook.add(e);
                looked.add(w);
            }
            return looked;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; afterwards nothing is handed out or added. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean merge(String key, ItemRef item, Instant due, Task.Work work) {
        Entry existing = waiting.get(key);
        if (existing == null) {
            return false;
        }
        boolean carrying = existing.work instanceof Task.Carry;
        if (carrying && !(work instanceof Task.Carry)) {
            return true; // the queued carry sees the item as it is when it runs
        }
        byDue.remove(existing);
        if (!carrying) {
            // a carry replaces a deletion (the item is back), due as soon as it settles; a newer marker or deletion
            // of the key takes the place of the queued one
            existing.due = work instanceof Task.Carry ? due : existing.due;
            existing.work = work;
        }
        existing.item = item;
        existing.due = later(existing.due, due);
        existing.seq = seq++;
        byDue.add(existing);
        changed.signalAll();
        return true;
    }

    private Entry add(String key, ItemRef item, Instant due, int attempts, Instant queuedAt) {
        Entry entry = new Entry(key, item, due, attempts, queuedAt, seq++, queuedAt.plus(LONG_WAIT));
        waiting.put(key, entry);
        byDue.add(entry);
        byLook.add(entry);
        changed.signalAll();
        return entry;
    }

    private Task pollLocked(Instant now) {
        Iterator<Entry> it = byDue.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.due.isAfter(now)) {
                return null;
            }
            if (inFlight.contains(e.key)) {
                continue;
            }
            return handOut(it, e);
        }
        return null;
    }

    private Task handOut(Iterator<Entry> it, Entry e) {
        it.remove();
        byLook.remove(e);
        waiting.remove(e.key);
        inFlight.add(e.key);
        changed.signalAll();
        return new Task(e.key, e.item, e.attempts, e.queuedAt, e.work);
    }

    /**
     * Besides a task of {@code work} just taken, up to {@code max} more that are due now, not in flight and of the
     * same work (the deletions a worker sends in one request), marked in flight. Empty while the queue hands out
     * nothing (paused, held, closed).
     */
    public List<Task> takeMore(Task.Work work, int max) {
        lock.lock();
        try {
            List<Task> more = new ArrayList<>();
            if (closed || stopped()) {
                return more;
            }
            Instant now = clock.instant();
            Iterator<Entry> it = byDue.iterator();
            while (more.size() < max && it.hasNext()) {
                Entry e = it.next();
                if (e.due.isAfter(now)) {
                    break;
                }
                if (e.work.equals(work) && !inFlight.contains(e.key)) {
                    more.add(handOut(it, e));
                }
            }
            return more;
        } finally {
            lock.unlock();
        }
    }

    private long nanosUntilNextDue(Instant now) {
        for (Entry e : byDue) {
            if (!inFlight.contains(e.key)) {
                return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Duration.between(now, e.due).toNanos());
            }
        }
        return Long.MAX_VALUE;
    }

    private boolean stopped() {
        return paused || held;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
