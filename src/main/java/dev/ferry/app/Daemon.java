package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.StateStore;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineSettings;
import dev.ferry.core.FileStat;
import dev.ferry.engine.Site;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.ReconcileSink;
import dev.ferry.sweep.Reconciler;
import dev.ferry.sweep.SweepResult;
import dev.ferry.sweep.SweepScheduler;
import dev.ferry.filter.RouteDecision;
import dev.ferry.http.AdminAccess;
import dev.ferry.http.StatusHistory;
import dev.ferry.http.StatusServer;
import dev.ferry.metrics.FerryMetrics;
import dev.ferry.queue.Backoff;
import dev.ferry.state.StateWriter;
import dev.ferry.state.UnmarkedUploadFlag;
import dev.ferry.sweep.Sweeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    /** The flag of uploads made without their records, in STATE_DIR beside the SQLite file. */
    static final String UNMARKED_FLAG = "unrecorded-uploads";

    private final FerryConfig config;
    private final Clock clock;
    private final Instant startedAt;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<AutoCloseable> closeOnFailure = new ArrayList<>();
    private final List<SiteRunner> runners = new ArrayList<>();
    private StateStore store;
    private StateWriter writer;
    private UnmarkedUploadFlag unmarked;
    private Engine engine;
    private StatusServer http;
    private ScheduledExecutorService timers;
    private FerryMetrics metrics;
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
        store = Components.openStateStore(config);
        closeOnFailure.add(store);
        writer = StateWriter.start(store);
        closeOnFailure.add(writer);
        unmarked = UnmarkedUploadFlag.open(config.sqliteFile().resolveSibling(UNMARKED_FLAG), startedAt);
        closeOnFailure.add(unmarked);
        metrics = new FerryMetrics(this::status);
        closeOnFailure.add(metrics);
        List<Site> sites = Components.sites(config, closeOnFailure);
        engine = new Engine(sites, writer, EngineSettings.daemon(config.concurrency(), config.queueCapacity(),
                config.settleTime(), config.createBuckets()), clock, Backoff.standard(), metrics, unmarked);
        for (Site site : sites) {
            Sweeper sweeper = new Sweeper(site.router(), writer, new EngineSink(engine, site), 1000, this::awaitStore);
            SiteRunner runner = new SiteRunner(site, engine, sweeper, Components.pollInterval(config, site),
                    config.pollInterval(), clock);
            runner.sweeps.onFullSweep((took, files, queued) -> metrics.fullSweepCompleted(took, files));
            StartupCheck check = new StartupCheck(site, engine, writer, this::awaitStore, clock);
            if (site.router().bucketPerFolder()) {
                // state mode: the start-up sweep asks S3 about the files the store does not know; the other
                // modes compare every bucket folder with S3 on every full sweep
                boolean everyRun = config.reconcile() != dev.ferry.config.SiteConfig.ReconcileMode.STATE;
                SweepScheduler.FullRun run = check.forWatchPath(config.ignorePatterns(),
                        Components.watchPathPolicy(config), everyRun);
                if (everyRun) {
                    runner.sweeps.fullRunBy(run);
                } else {
                    runner.sweeps.firstFullRunBy(run);
                }
            } else if (Components.needsListing(Components.siteConfig(config, site))) {
                reconcileOnFullSweeps(runner);
            } else {
                runner.sweeps.firstFullRunBy(check.forSite((PrefixRouter) site.router(),
                        Components.policy(Components.siteConfig(config, site), site)));
            }
            runners.add(runner);
        }

        AdminAccess admin = config.adminToken()
                .map(token -> AdminAccess.withToken(new AdminService(engine, writer, store,
                        () -> runners.forEach(r -> r.sweeps.requestFull("wakeup (admin API)")),
                        path -> engine.siteOf(path).map(site -> site.router().route(path))
                                .orElse(new RouteDecision.Skipped("outside every watched folder")), clock),
                        token.reveal()))
                .orElse(AdminAccess.off());
        http = new StatusServer(this::status, Optional.of(metrics::scrape), config.bindAddress(), config.port(),
                history, admin);
        try {
            http.start();
        } catch (RuntimeException e) {
            throw new StartupException("cannot serve HTTP on " + config.bindAddress() + ":" + config.port()
                    + " (PORT): " + e.getMessage(), e);
        }
        runners.forEach(SiteRunner::start);

        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timers");
            t.setDaemon(true);
            return t;
        });
        config.sweepInterval().ifPresent(every -> timers.scheduleWithFixedDelay(
                () -> runners.forEach(r -> r.sweeps.requestFull("periodic safety sweep")), every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS));
        timers.scheduleWithFixedDelay(() -> {
            for (Path folder : engine.foldersNeedingSweep()) {
                runners.stream().filter(r -> folder.startsWith(r.site.root())).findFirst()
                        .ifPresent(r -> r.sweeps.requestFolder(folder, "queue had overflowed"));
            }
            runners.forEach(SiteRunner::tick);
            unmarked.lowerIf(this::everyUploadRecorded);
        }, 1, 1, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(this::sampleHistory, 0, history.interval().toMillis(), TimeUnit.MILLISECONDS);
        for (SiteRunner r : runners) {
            log.info("{}: syncing as {}", r.site.root(), r.site.name());
        }
        log.info("http://{}:{}/: status page; admin API {}", config.bindAddress(), http.port(),
                config.adminToken().isPresent() ? "on (bearer token required)" : "off (set ADMIN_TOKEN to turn it on)");
        log.info("ferry {} started; state in {} {}; status on http://{}:{}/status", Version.current(), store.kind(),
                store.location(), config.bindAddress(), http.port());
    }

    /** Full sweeps of this site compare it with S3 (its reconcile mode, retire_deleted, markers). */
    private void reconcileOnFullSweeps(SiteRunner runner) {
        Site site = runner.site;
        Reconciler reconciler = new Reconciler((PrefixRouter) site.router(), site.store(), writer,
                Components.policy(Components.siteConfig(config, site), site), clock);
        ReconcileSink sink = new EngineSink(engine, site).reconciling();
        runner.sweeps.fullRunBy((cancelled, holdDeletions) -> {
            ReconcileReport r = reconciler.run(sink, false, holdDeletions);
            engine.deletionsRefused(site, ((PrefixRouter) site.router()).bucket(), r.deleteRefused());
            return new SweepResult(r.files(), r.missing() + r.changed(), r.ignored(), 0, r.took(), true);
        });
    }

    int httpPort() {
        return http.port();
    }

    DaemonStatus status() {
        boolean swept = runners.stream().allMatch(r -> r.sweeps.fullSweeps() > 0);
        Optional<Instant> oldestSweep = runners.stream().map(r -> r.sweeps.lastFullSweepAt())
                .map(o -> o.orElse(Instant.EPOCH)).min(Instant::compareTo).filter(i -> !i.equals(Instant.EPOCH));
        return new DaemonStatus(Version.current(), startedAt, Duration.between(startedAt, clock.instant()).toSeconds(),
                swept && writer.reachable(), engine.paused(), writer.health(),
                WatchHealth.combine(runners.stream().map(r -> r.health).toList(), oldestSweep), engine.bucketStatus());
    }

    private void sampleHistory() {
        try {
            history.record(clock.instant(), status());
        } catch (RuntimeException e) {
            // an exception would cancel the schedule: the page only misses one sample
            log.debug("status history: sample skipped: {}", e.toString());
        }
    }

    /**
     * Whether every upload so far is recorded in the store (every mark and record handed to the writer is
     * written, none given up) and, when the last run left files in doubt, whether this run has dealt with
     * them all (its first full sweeps done, nothing queued or in flight).
     */
    private boolean everyUploadRecorded() {
        StateWriter.Counters c = writer.counters();
        if (!writer.reachable() || writer.pendingWrites() > 0 || c.dropped() > 0 || c.rejected() > 0) {
            return false;
        }
        if (!unmarked.inherited()) {
            return true;
        }
        return runners.stream().allMatch(r -> r.sweeps.fullSweeps() > 0)
                && engine.bucketStatus().values().stream().allMatch(b -> b.queued() == 0 && b.inFlight() == 0);
    }

    /**
     * How sweeps wait for an unreachable state store before retrying a batch: 1 s doubling to 30 s, for as long
     * as it takes; false once stopping.
     */
    static final Backoff STORE_BACKOFF = Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private boolean awaitStore(int attempt, RuntimeException cause) throws InterruptedException {
        return STORE_BACKOFF.await(attempt, delay -> !stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Stops intake (watcher, sweeps), lets uploads under way finish within the grace period, writes what
     * the state store has not yet got, and closes everything in reverse start order.
     */
    void stop() {
        stopping.countDown();
        log.info("stopping: no new work; uploads under way have {} s to finish", config.shutdownGrace().toSeconds());
        runners.forEach(SiteRunner::stopIntake);
        if (timers != null) {
            timers.shutdownNow();
        }
        try {
            engine.shutdown(config.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.flush(Duration.ofSeconds(10))) {
            log.warn("{} {}: {} records could not be written before exit; the next start checks in S3 the files"
                    + " uploaded meanwhile before uploading them again", store.kind(), store.location(),
                    writer.pendingWrites());
        }
        unmarked.lowerIf(this::everyUploadRecorded);
        http.stop();
        writer.close();
        unmarked.close();
        store.close();
        for (int i = closeOnFailure.size() - 1; i >= 0; i--) {
            if (closeOnFailure.get(i) instanceof dev.ferry.core.ObjectStore s3) {
                s3.close();
            }
        }
        metrics.close();
        log.info("stopped");
    }

    private void closeQuietly() {
        stopping.countDown();
        runners.forEach(SiteRunner::stopIntake);
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
