package dev.ferry.replicate;

import dev.ferry.core.DaemonStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the daemon's replication jobs: a full sync of every job at start (unless {@code skip-fullsync}) and every
 * {@code fullsync.interval} after one ends, one job after the other on one thread of its own (each job copies on
 * its own bounded pool), beside the sites' sweeps and watchers; and the {@link EventFollower} of each job that
 * follows an SQS queue, on threads of its own. A full sync that fails is logged and counted; the
 * next one runs as planned.
 */
public final class ReplicationRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationRunner.class);

    private final List<FullSync> jobs;
    private final List<EventFollower> followers;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replicate");
        t.setDaemon(true);
        return t;
    });

    public ReplicationRunner(List<FullSync> jobs) {
        this(jobs, List.of());
    }

    /** @param followers the event mode of the jobs with {@code sqs:} (started with the full syncs, closed first) */
    public ReplicationRunner(List<FullSync> jobs, List<EventFollower> followers) {
        this.jobs = List.copyOf(jobs);
        this.followers = List.copyOf(followers);
    }

    /** Schedules the full syncs and starts following the queues; nothing when there are no jobs. */
    public void start(boolean skipFullSync, Optional<Duration> interval) {
        if (jobs.isEmpty()) {
            return;
        }
        followers.forEach(EventFollower::start);
        long every = interval.map(Duration::toMillis).filter(ms -> ms > 0).orElse(0L);
        if (every > 0) {
            thread.scheduleWithFixedDelay(this::runAll, skipFullSync ? every : 0, every, TimeUnit.MILLISECONDS);
        } else if (!skipFullSync) {
            thread.execute(this::runAll);
        } else {
            if (followers.size() < jobs.size()) {
                log.warn("replicate: skip-fullsync is set and fullsync.interval is 0: the {} jobs without sqs: copy "
                        + "nothing until the next start", jobs.size() - followers.size());
            }
        }
        log.info("replicate: {} jobs ({}), full sync {}{}", jobs.size(),
                String.join(", ", jobs.stream().map(FullSync::name).toList()), skipFullSync ? "skipped at start"
                        : "at start", every > 0 ? " and every " + Duration.ofMillis(every).toSeconds() + " s" : "");
    }

    private void runAll() {
        for (FullSync job : jobs) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            try {
                job.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                job.stats().error("full sync failed: " + e.getMessage());
                log.warn("{}: full sync failed: {}", job.name(), e.toString());
            }
        }
    }

    /** Each job's counters, by name. */
    public Map<String, DaemonStatus.JobStatus> status() {
        Map<String, DaemonStatus.JobStatus> m = new LinkedHashMap<>();
        jobs.forEach(j -> m.put(j.name(), j.stats().snapshot()));
        return m;
    }

    /**
     * Stops following the queues (a long poll under way ends at once), stops the schedule and interrupts a full sync
     * under way (copies under way end with their request).
     */
    @Override
    public void close() {
        followers.forEach(EventFollower::close);
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
