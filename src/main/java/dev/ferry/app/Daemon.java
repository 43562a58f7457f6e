package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.StateStore;
import dev.ferry.core.UploadListener;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineSettings;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.Router;
import dev.ferry.http.AdminAccess;
import dev.ferry.http.StatusHistory;
import dev.ferry.http.StatusServer;
import dev.ferry.queue.Backoff;
import dev.ferry.state.StateWriter;
import dev.ferry.sweep.SweepScheduler;
import dev.ferry.sweep.Sweeper;
import dev.ferry.watch.TreeWatcher;
import dev.ferry.watch.WatchListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: wires the parts in start order (state store, S3, engine, HTTP, watcher, sweeps) and
 * stops them in reverse. The only class besides {@link Main} that sees concrete implementations.
 */
final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** How often sweeps run when native watching is not available. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

    private final FerryConfig config;
    private final Clock clock;
    private final Instant startedAt;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<AutoCloseable> closeOnFailure = new ArrayList<>();
    private StateStore store;
    private StateWriter writer;
    private ObjectStore s3;
    private Engine engine;
    private SweepScheduler sweeps;
    private StatusServer http;
    private TreeWatcher watcher;
    private WatchHealth watchHealth;
    private ScheduledExecutorService timers;
    private final StatusHistory history = StatusHistory.standard();

    private Daemon(FerryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Starts everything; on failure closes what was started and throws {@link StartupException}. */
    static Daemon start(FerryConfig config, Clock clock) {
        Daemon d = new Daemon(config, clock);
        try {
            d.startParts();
            return d;
        } catch (RuntimeException e) {
            d.closeQuietly();
            throw e instanceof StartupException ? e : new StartupException(e.getMessage(), e);
        }
    }

    private void startParts() {
        Path root = config.watchPath().toAbsolutePath().normalize();
        store = Components.openStateStore(config);
        closeOnFailure.add(store);
        writer = StateWriter.start(store);
        closeOnFailure.add(writer);
        s3 = Components.openObjectStore(config);
        closeOnFailure.add(s3);

        Router router = new Router(root, new IgnoreRules(config.ignorePatterns()));
        engine = new Engine(router, writer, s3, new EngineSettings(config.concurrency(), config.queueCapacity(),
                config.settleTime(), config.createBuckets(), Duration.ofSeconds(5)), clock, Backoff.standard(), UploadListener.NONE);
        Sweeper sweeper = new Sweeper(router, writer, new EngineSink(engine), 1000, this::awaitStore);
        sweeps = new SweepScheduler(root, sweeper, clock);
        closeOnFailure.add(sweeps);

        AdminAccess admin = config.adminToken()
                .map(token -> AdminAccess.withToken(new AdminService(engine, writer, store, sweeps, router, clock),
                        token.reveal()))
                .orElse(AdminAccess.off());
        http = new StatusServer(this::status, config.bindAddress(), config.port(), history, admin);
        try {
            http.start();
        } catch (RuntimeException e) {
            throw new StartupException("cannot serve HTTP on " + config.bindAddress() + ":" + config.port()
                    + " (PORT): " + e.getMessage(), e);
        }

        watchHealth = new WatchHealth(root);
        watcher = new TreeWatcher(root, new WatchListener() {
            @Override
            public void fileChanged(Path path) {
                engine.changed(path);
            }

            @Override
            public void directoryCreated(Path path) {
                sweeps.requestFolder(path, "new directory");
            }

            @Override
            public void rescan(String reason) {
                watchHealth.rescan(reason);
                sweeps.requestFull(reason);
            }

            @Override
            public void failed(String reason) {
                watchHealth.failed(reason);
                sweeps.requestFull("watcher failed");
            }
        });
        watcher.start();
        sweeps.requestFull("start-up");

        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timers");
            t.setDaemon(true);
            return t;
        });
        config.sweepInterval().ifPresent(every -> timers.scheduleWithFixedDelay(
                () -> sweeps.requestFull("periodic safety sweep"), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS));
        timers.scheduleWithFixedDelay(() -> {
            engine.bucketsNeedingSweep().forEach(b -> sweeps.requestFolder(root.resolve(b), "queue had overflowed"));
            if (watchHealth.polling() && sweeps.lastFullSweepAt()
                    .map(at -> at.plus(POLL_INTERVAL).isBefore(clock.instant())).orElse(false)) {
                sweeps.requestFull("polling (native watching unavailable)");
            }
        }, 1, 1, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(this::sampleHistory, 0, history.interval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("http://{}:{}/: status page; admin API {}", config.bindAddress(), http.port(),
                config.adminToken().isPresent() ? "on (bearer token required)" : "off (set ADMIN_TOKEN to turn it on)");
        log.info("{}: ferry {} started; state in {} {}; status on http://{}:{}/status", root, Version.current(),
                store.kind(), store.location(), config.bindAddress(), http.port());
    }

    int httpPort() {
        return http.port();
    }

    DaemonStatus status() {
        return new DaemonStatus(Version.current(), startedAt, Duration.between(startedAt, clock.instant()).toSeconds(),
                sweeps.fullSweeps() > 0 && writer.reachable(), engine.paused(), writer.health(),
                watchHealth.snapshot(sweeps.lastFullSweepAt()), engine.bucketStatus());
    }

    private void sampleHistory() {
        try {
            history.record(clock.instant(), status());
        } catch (RuntimeException e) {
            // an exception would cancel the schedule: the page only misses one sample
            log.debug("status history: sample skipped: {}", e.toString());
        }
    }

    /** Waits before retrying a sweep batch while the state store is unreachable; false once stopping. */
    private boolean awaitStore(int attempt, RuntimeException cause) throws InterruptedException {
        long millis = Math.min(30_000L, 500L << Math.min(attempt, 6));
        return !stopping.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops intake (watcher, sweeps), lets uploads under way finish within the grace period, writes what
     * the state store has not yet got, and closes everything in reverse start order.
     */
    void stop() {
        stopping.countDown();
        log.info("stopping: no new work; uploads under way have {} s to finish", config.shutdownGrace().toSeconds());
        if (watcher != null) {
            watcher.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (sweeps != null) {
            sweeps.close();
        }
        try {
            engine.shutdown(config.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.flush(Duration.ofSeconds(10))) {
            log.warn("state store: {} records could not be written before exit; the next start finds those files again",
                    writer.pendingWrites());
        }
        http.stop();
        writer.close();
        store.close();
        s3.close();
        log.info("stopped");
    }

    private void closeQuietly() {
        stopping.countDown();
        if (watcher != null) {
            watcher.close();
        }
        if (http != null) {
            http.stop();
        }
        for (int i = closeOnFailure.size() - 1; i >= 0; i--) {
            try {
                closeOnFailure.get(i).close();
            } catch (Exception e) {
                log.debug("closing after a failed start: {}", e.toString());
            }
        }
    }
}
