package dev.ferry.replicate;

import dev.ferry.core.DaemonStatus;
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

    EventStats(String queue) {
        this.queue = queue;
    }

    DaemonStatus.EventStatus snapshot() {
        return new DaemonStatus.EventStatus(queue, messages.get(), acknowledged.get(), malformed.get(), skipped.get(),
                inFlight.get(), receiveFailures.get());
    }
}
