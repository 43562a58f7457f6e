package dev.ferry.fleet;

import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import dev.ferry.core.InstanceIdClash;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a second daemon from running under this daemon's instance id unnoticed ({@link InstanceIdClash}): at
 * start it reads the registry's entry of the id and refuses when another daemon runs under it; at each
 * heartbeat it looks at the entry the write replaced and logs an error (once per other daemon) when another
 * daemon wrote it. A registry that does not answer at start delays the start by {@code wait} at most and does not
 * stop it: the heartbeats look for the other daemon once it answers.
 */
public final class InstanceGuard {
    private static final Logger log = LoggerFactory.getLogger(InstanceGuard.class);

    private final String id;
    private final InstanceIdClash clash;
    private final Clock clock;
    /** Whether a heartbeat wrote this run's entry: from then on, any other run's entry is a live daemon's. */
    private volatile boolean wroteOwn;
    private volatile Optional<FleetMember> other = Optional.empty();

    /** What is starting under the instance id: what it must not do beside a live daemon, and what it does instead. */
    public enum Starter {
        /** A daemon, which writes the registry's entry of its id and checks it at each heartbeat. */
        DAEMON("this one does not start, as two daemons under one instance id overwrite each other's records and"
                + " upload files again. Give each daemon its own INSTANCE_ID, or stop the other one first",
                "checked at each heartbeat instead"),
        /**
         * A one-shot run that writes records (sync): beside a live daemon under its id the two would upload the same
         * files and overwrite each other's records. It writes no entry, so an entry of an older version that does
         * not name its run is taken for a live daemon.
         */
        ONE_SHOT("this run does not start beside it, as the two would upload the same files and overwrite each"
                + " other's records. Stop the daemon first, give this run its own INSTANCE_ID (it then asks S3 about"
                + " every file, uploading nothing already there), or use verify or --dry-run, which write nothing",
                "not checked for this run");

        private final String refused;
        private final String unread;

        Starter(String refused, String unread) {
            this.refused = refused;
            this.unread = unread;
        }
    }

    private final Starter starter;
    /** How long a start waits for the registry's answer before going on without it. */
    public static final Duration START_WAIT = Duration.ofSeconds(3);

    public InstanceGuard(String id, InstanceIdClash clash, Clock clock) {
        this(id, clash, clock, Starter.DAEMON);
    }

    /** The guard of {@code run} on this host: other daemons are judged by this host's name and processes. */
    public static InstanceGuard onThisHost(String id, dev.ferry.core.FleetMember.Run run, Clock clock,
            Starter starter) {
        return new InstanceGuard(id, new InstanceIdClash(run, dev.ferry.core.InstanceId.ofHost().value(),
                InstanceIdClash.Processes.ofThisHost()), clock, starter);
    }

    public InstanceGuard(String id, InstanceIdClash clash, Clock clock, Starter starter) {
        this.starter = Objects.requireNonNull(starter, "starter");
        this.id = Objects.requireNonNull(id, "id");
        this.clash = Objects.requireNonNull(clash, "clash");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the entry of this instance id, waiting for it {@code wait} at most: why this daemon must not start
     * when another runs under its id; empty when it may (also when the registry could not be read).
     */
    public Optional<String> atStart(FleetRegistry registry, Duration wait) {
        CompletableFuture<Optional<FleetMember>> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(registry.member(id));
            } catch (RuntimeException e) {
                read.completeExceptionally(e);
            }
        }, "instance-id-check");
        reader.setDaemon(true);
        reader.start();
        Optional<FleetMember> entry;
        try {
            entry = read.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("fleet registry: no answer within {} at start; whether another daemon runs under instance id"
                    + " {} is {}", dev.ferry.core.Durations.text(wait), id, starter.unread);
            return Optional.empty();
        } catch (ExecutionException e) {
            log.warn("fleet registry: cannot tell at start whether another daemon runs under instance id {} ({}): {}",
                    id, starter.unread, e.getCause().getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return refusal(entry);
    }

    /** Why this daemon (or run) must not start, given {@code entry}, the registry's entry of its id at start. */
    Optional<String> refusal(Optional<FleetMember> entry) {
        InstanceIdClash.Verdict verdict = clash.judge(entry, clock.instant(), false);
        if (starter == Starter.ONE_SHOT) {
            // a run takes over no entry, so it says nothing of an earlier run, and a fresh entry that does not name
            // its run is a live daemon's
            return refusalOf(verdict == InstanceIdClash.Verdict.UNNAMED_RUN ? InstanceIdClash.Verdict.CLASH : verdict,
                    entry);
        }
        switch (verdict) {
            case CLASH:
                return refusalOf(verdict, entry);
            case PREDECESSOR:
                log.info("instance id {}: the run before this one on this host (pid {}) ended without stopping;"
                        + " taking over its entry", id, entry.get().run().map(FleetMember.Run::pid).orElse(0L));
                return Optional.empty();
            case UNNAMED_RUN:
                log.info("instance id {}: its entry was written {} by a Ferry version that does not name its run"
                        + " (an upgrade); taking it over", id, InstanceIdClash.describe(entry.get(),
                        clock.instant()));
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    /** The refusal of a clash alone. */
    private Optional<String> refusalOf(InstanceIdClash.Verdict verdict, Optional<FleetMember> entry) {
        if (verdict != InstanceIdClash.Verdict.CLASH) {
            return Optional.empty();
        }
        other = entry;
        return Optional.of("another Ferry daemon runs under instance id " + id + " ("
                + InstanceIdClash.describe(entry.get(), clock.instant()) + "); " + starter.refused
                + " (the entry of one that died without stopping holds " + staleAfter(entry.get()) + ")");
    }

    private static String staleAfter(FleetMember m) {
        return dev.ferry.core.Durations.text(m.heartbeat().multipliedBy(dev.ferry.core.FleetView.STALE_AFTER_HEARTBEATS))
                + " after its last heartbeat";
    }

    /** After a heartbeat: {@code before} is the entry it replaced. */
    public void replaced(Optional<FleetMember> before) {
        boolean first = !wroteOwn;
        wroteOwn = true;
        if (clash.judge(before, clock.instant(), !first) != InstanceIdClash.Verdict.CLASH) {
            return;
        }
        FleetMember m = before.get();
        String token = m.run().map(FleetMember.Run::token).orElse("");
        boolean seen = other.flatMap(FleetMember::run).map(FleetMember.Run::token).orElse("").equals(token)
                && other.isPresent();
        other = before;
        if (seen) {
            log.debug("instance id {}: the other daemon wrote its entry again", id);
            return;
        }
        log.error("another Ferry daemon runs under instance id {} ({}): the two overwrite each other's records"
                + " and upload files again. Give each daemon its own INSTANCE_ID and restart them", id,
                InstanceIdClash.describe(m, clock.instant()));
    }

    /** The other daemon last found under this instance id, if any (shown by GET /fleet). */
    public Optional<FleetMember> other() {
        return other;
    }
}
