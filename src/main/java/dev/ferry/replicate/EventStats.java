package dev.ferry.replicate;

import dev.ferry.core.DaemonStatus;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The counters of one job's event mode ({@link EventFollower}), atomic: written by its threads, read by /status. */
final class EventStats {
    private final String queue;
    final AtomicLong messages = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong receiveFailures = new AtomicLong();
    /** Messages waiting on the queue when last read; -1 until read or when it could not be. */
    final AtomicLong waiting = new AtomicLong(-1);

    EventStats(String queue) {
        this.queue = queue;
    }

    DaemonStatus.EventStatus snapshot() {
        return new DaemonStatus.EventStatus(queue, messages.get(), acknowledged.get(), malformed.get(), skipped.get(),
                inFlight.get(), receiveFailures.get(), Optional.of(waiting.get()).filter(n -> n >= 0));
    }
}
