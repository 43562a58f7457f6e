package dev.ferry.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads an engine runs on, given to it by its owner: the lanes' workers, the timer of the endpoint probes and
 * the thread that records files the router rejects (off the watcher's thread, which must never wait on the state
 * store). {@link #standard} makes the daemon's; a test passes its own ({@link #of}: probes it runs by hand), so the
 * engine makes no thread of its own. The engine stops them at its shutdown.
 */
public final class EngineThreads {
    final ThreadFactory workers;
    final EndpointHealth.Timer probes;
    final ExecutorService recorder;
    /** The probes' scheduler when made here: one more thread for each endpoint a site added at run time brings. */
    private final Optional<ScheduledThreadPoolExecutor> probeScheduler;

    private EngineThreads(ThreadFactory workers, EndpointHealth.Timer probes, ExecutorService recorder,
            Optional<ScheduledThreadPoolExecutor> probeScheduler) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.probeScheduler = probeScheduler;
    }

    /**
     * Daemon threads (they never keep the JVM alive; shutdown stops them): the workers each lane names, one probe
     * thread per distinct endpoint of {@code endpoints} (so a probe waiting on one endpoint never delays another's),
     * and one recorder.
     */
    public static EngineThreads standard(int endpoints) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(Math.max(1, endpoints),
                named("endpoint-probe"));
        scheduler.setRemoveOnCancelPolicy(true);
        return new EngineThreads(EngineThreads::daemon, EndpointHealth.Timer.on(scheduler),
                Executors.newSingleThreadExecutor(named("reject-recorder")), Optional.of(scheduler));
    }

    /** A test's threads: its workers, and probes handed to {@code probes} to run when the test says. */
    static EngineThreads of(ThreadFactory workers, EndpointHealth.Timer probes) {
        return new EngineThreads(workers, probes, Executors.newSingleThreadExecutor(named("reject-recorder")),
                Optional.empty());
    }

    /** A site added at run time brought an endpoint no other site uses: its probes get a thread of their own. */
    void endpointAdded() {
        probeScheduler.ifPresent(s -> s.setCorePoolSize(s.getCorePoolSize() + 1));
    }

    /** Intake is stopping: the recorder takes no more rejections and finishes those it has. */
    void stopRecording() {
        recorder.shutdown();
    }

    /** Once the lanes stopped: waits up to {@code grace} for the recorder, then stops the probes. */
    void close(Duration grace) throws InterruptedException {
        recorder.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        probeScheduler.ifPresent(ScheduledThreadPoolExecutor::shutdownNow);
    }

    private static Thread daemon(Runnable work) {
        Thread t = new Thread(work);
        t.setDaemon(true);
        return t;
    }

    private static ThreadFactory named(String name) {
        return work -> {
            Thread t = daemon(work);
            t.setName(name);
            return t;
        };
    }
}
