package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the fleet registry's entry of this daemon's instance id belongs to another daemon that runs now. Two
 * daemons under one id (two on one host left at the default id, the host name, or one id set twice) share one
 * record per file: each overwrites the other's, and after a restart one uploads everything again. The entry
 * names the run that wrote it ({@link FleetMember.Run}); it is another live daemon's when another run wrote it,
 * did not stop cleanly and is not stale ({@link FleetView#stale}), unless it is this daemon's own predecessor:
 * a run on this host whose process is gone (killed, crashed) or is this very process (a container started
 * again, where the daemon is always pid 1). A run on another host cannot be checked from here: it counts as
 * live until its entry is stale.
 *
 * <p>Pure logic: the time and the processes of this host are given to it.
 */
public final class InstanceIdClash {

    /** What this daemon may know of the processes of its host. */
    @FunctionalInterface
    public interface Processes {
        /**
         * Whether process {@code pid} runs and started before {@code startedAt} (a process started later holds
         * the pid of one that ended: it is not the run that started then).
         */
        boolean runs(long pid, Instant startedAt);

        /** The processes of this host, as the JVM sees them (those of its PID namespace, in a container). */
        static Processes ofThisHost() {
            return (pid, startedAt) -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> p.info().startInstant().map(s -> !s.isAfter(startedAt)).orElse(true))
                    .orElse(false);
        }
    }

    /** What the entry is to this run. */
    public enum Verdict {
        /** No entry: this instance id is new to the registry. */
        NONE,
        /** Written by this run. */
        OURS,
        /** Silent for more than {@value FleetView#STALE_AFTER_HEARTBEATS} of its heartbeats. */
        STALE,
        /** Its run stopped cleanly. */
        STOPPED,
        /** An earlier run of this daemon on this host that ended without stopping (a crash, SIGKILL). */
        PREDECESSOR,
        /**
         * Fresh, but written by a version that does not name its run: an earlier run being upgraded, or another
         * daemon; taken for the first when it is found before this run wrote its own entry.
         */
        UNNAMED_RUN,
        /** Another daemon runs under this instance id. */
        CLASH
    }

    private final FleetMember.Run self;
    private final String host;
    private final Processes processes;

    /**
     * @param self      this run
     * @param host      this daemon's host
     * @param processes the processes of this host
     */
    public InstanceIdClash(FleetMember.Run self, String host, Processes processes) {
        this.self = Objects.requireNonNull(self, "self");
        this.host = Objects.requireNonNull(host, "host");
        this.processes = Objects.requireNonNull(processes, "processes");
    }

    /**
     * What {@code entry}, the registry's entry of this instance id, is to this run at {@code now}.
     *
     * @param wroteOwn whether this run's own entry was written before {@code entry} was read: then an entry of
     *                 another run was written since, by a daemon that runs, whether it names its run or not
     */
    public Verdict judge(Optional<FleetMember> entry, Instant now, boolean wroteOwn) {
        if (entry.isEmpty()) {
            return Verdict.NONE;
        }
        FleetMember m = entry.get();
        Optional<FleetMember.Run> run = m.run();
        if (run.isPresent() && run.get().token().equals(self.token())) {
            return Verdict.OURS;
        }
        if (FleetView.stale(m, now)) {
            return Verdict.STALE;
        }
        if (run.isEmpty()) {
            return wroteOwn ? Verdict.CLASH : Verdict.UNNAMED_RUN;
        }
        if (run.get().stopped()) {
            return Verdict.STOPPED;
        }
        if (m.host().equalsIgnoreCase(host)
                && (run.get().pid() == self.pid() || !processes.runs(run.get().pid(), m.startedAt()))) {
            return Verdict.PREDECESSOR;
        }
        return Verdict.CLASH;
    }

    /** The other daemon, in words an operator can find it by: host, pid, status URL, start and last report. */
    public static String describe(FleetMember other, Instant now) {
        return "host " + other.host() + ", pid " + other.run().map(r -> Long.toString(r.pid())).orElse("unknown")
                + ", " + other.url().orElse("no status URL") + ", started " + other.startedAt() + ", last seen "
                + Durations.text(Duration.between(other.lastSeen(), now)) + " ago";
    }
}
