package dev.ferry.fleet;

import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this daemon's entry to the fleet registry at start and every heartbeat, on a thread of its own, so a
 * MongoDB that is away or slow never holds up uploads. A failed report is logged once (a warning), not every
 * heartbeat, and tried again at the next; the first one that succeeds again says so. The entry each write
 * replaced goes to a listener ({@link InstanceGuard}: was it another daemon's?).
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final FleetRegistry registry;
    private final Supplier<FleetMember> self;
    private final Consumer<Optional<FleetMember>> replaced;
    private final ScheduledExecutorService timer;
    private boolean failing; // only the timer's thread touches it

    Heartbeat(FleetRegistry registry, Supplier<FleetMember> self, Consumer<Optional<FleetMember>> replaced,
            ScheduledExecutorService timer) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.self = Objects.requireNonNull(self, "self");
        this.replaced = Objects.requireNonNull(replaced, "replaced");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /**
     * Reports now and then every {@code every} on a thread it owns, until {@link #close()}.
     */
    public static Heartbeat start(FleetRegistry registry, Supplier<FleetMember> self, Duration every) {
        return start(registry, self, every, before -> { });
    }

    /**
     * As {@link #start(FleetRegistry, Supplier, Duration)}, handing {@code replaced} the entry each write
     * replaced.
     */
    public static Heartbeat start(FleetRegistry registry, Supplier<FleetMember> self, Duration every,
            Consumer<Optional<FleetMember>> replaced) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-heartbeat");
            t.setDaemon(true);
            return t;
        });
        Heartbeat h = new Heartbeat(registry, self, replaced, timer);
        timer.scheduleWithFixedDelay(h::beat, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    /** One report; never throws (an exception would end the schedule). */
    void beat() {
        Optional<FleetMember> before;
        try {
            before = registry.report(self.get());
            if (failing) {
                failing = false;
                log.info("fleet heartbeat written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("fleet heartbeat failed (uploads go on; retried every heartbeat, logged again once it "
                        + "works): {}", e.getMessage());
            } else {
                log.debug("fleet heartbeat failed again: {}", e.getMessage());
            }
            return;
        }
        try {
            replaced.accept(before);
        } catch (RuntimeException e) {
            log.warn("fleet heartbeat: checking the entry it replaced failed: {}", e.toString());
        }
    }

    /** Stops reporting; a report under way is interrupted. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
