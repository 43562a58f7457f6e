package dev.ferry.app;

import dev.ferry.wiring.ReplicationJobs;
import dev.ferry.wiring.StartupException;
import dev.ferry.wiring.SiteSetup;
import dev.ferry.wiring.Components;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.PhoneHome;
import dev.ferry.core.DaemonStatus;
import dev.ferry.core.FleetMember;
import dev.ferry.core.ItemRef;
import dev.ferry.fleet.InstanceGuard;
import dev.ferry.core.StateStore;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineSettings;
import dev.ferry.core.FileStat;
import dev.ferry.engine.Site;
import dev.ferry.config.SiteConfig;
import dev.ferry.engine.PrefixSite;
import dev.ferry.source.local.LocalSource;
import dev.ferry.sweep.ReconcileReport;
import dev.ferry.sweep.Reconciler;
import dev.ferry.sweep.SweepResult;
import dev.ferry.sweep.SweepScheduler;
import dev.ferry.http.AdminAccess;
import dev.ferry.http.StatusHistory;
import dev.ferry.http.StatusServer;
import dev.ferry.metrics.FerryMetrics;
import dev.ferry.queue.Backoff;
import dev.ferry.state.StateWriter;
import dev.ferry.state.UnmarkedUploadFlag;
import dev.ferry.sweep.DeletedFailures;
import dev.ferry.transfer.BandwidthLimiter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
    /** bwlimit: shared by every site's S3 connection, also those of sites started while running. */
    private Optional<BandwidthLimiter> bandwidthLimit = Optional.empty();
    /** Changed while running by {@link #startSite} and {@link #stopSite}; read by the timers and /status. */
    private final List<SiteRunner> runners = new CopyOnWriteArrayList<>();
    private StateStore store;
    private StateWriter writer;
    private UnmarkedUploadFlag unmarked;
    private Engine engine;
    private StatusServer http;
    private ScheduledExecutorService timers;
    private FerryMetrics metrics;
    private dev.ferry.fleet.FleetService fleet;
    /** Writes this daemon's entry in the fleet registry (MongoDB only). */
    private Optional<dev.ferry.fleet.Heartbeat> heartbeat = Optional.empty();
    /** This run of the daemon, as its fleet registry entry names it. */
    private final FleetMember.Run run;
    /** Looks for another daemon under this one's instance id (MongoDB only). */
    private InstanceGuard instanceGuard;
    /** How long the start waits for the fleet registry's answer before it goes on without it. */
    static final Duration INSTANCE_CHECK_WAIT = InstanceGuard.START_WAIT;
    private final StatusHistory history = StatusHistory.standard();
    /** Reads the configuration again with the mothership's merged over the file (null: no control plane). */
    private final Function<ObjectNode, FerryConfig> reload;
    /** Asks the process to stop so its service manager starts it again (after an upgrade). */
    private final Runnable restart;
    private Optional<PhoneHome> phoneHome = Optional.empty();
    /** The replicate: jobs' full syncs (none configured: a runner with no jobs). */
    private dev.ferry.replicate.ReplicationRunner replication = new dev.ferry.replicate.ReplicationRunner(List.of());
    /** The S3 clients of the replicate: jobs, closed after them. */
    private final List<AutoCloseable> replicationClients = new ArrayList<>();
    /** The control plane's last word on uploads (null: it has not spoken), so a repeated state changes nothing. */
    private Boolean uploadsAllowed;
    /** Why the control plane holds uploads (its state is not configured); empty while it lets them run. */
    private volatile Optional<String> controlHold = Optional.empty();
    /** An operator paused uploads (admin API): they stay paused until an operator resumes them. */
    private boolean operatorPause;
    /** The mothership's configuration kept from the last run, which {@link #config} was read with (empty: none). */
    private final ObjectNode kept;

    private Daemon(FerryConfig config, ObjectNode kept, Clock clock, Function<ObjectNode, FerryConfig> reload,
            Runnable restart) {
        this.config = config;
        this.kept = kept;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.run = new FleetMember.Run(FleetMember.Run.token(new SecureRandom()), ProcessHandle.current().pid(),
                false);
        this.reload = reload;
        this.restart = restart;
    }

    /** Starts everything; on failure closes what was started and throws {@link StartupException}. */
    static Daemon start(FerryConfig config, Clock clock) {
        return start(config, clock, null, () -> { });
    }

    /**
     * Starts everything, with the control plane when the configuration names a mothership: {@code reload} reads
     * the configuration again with the mothership's merged over the file, {@code restart} stops the process so
     * it is started again.
     */
    static Daemon start(FerryConfig config, Clock clock, Function<ObjectNode, FerryConfig> reload, Runnable restart) {
        ObjectNode kept = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (config.control().isPresent() && reload != null) {
            Optional<ObjectNode> last = PhoneHome.keptConfig(config.control().get());
            if (last.isPresent()) {
                // the mothership's last good configuration before any site starts: the file's policies alone
                // would upload what the mothership dropped until it answers (or for as long as it is down)
                try {
                    config = reload.apply(last.get());
                    kept = last.get();
                    log.info("{}: the mothership's last configuration applies until it answers",
                            config.control().get().contextFile());
                } catch (dev.ferry.config.ConfigException e) {
                    log.warn("{}: the mothership's last configuration no longer applies ({}); the local file's runs "
                            + "until the mothership sends one", config.control().get().contextFile(),
                            String.join("; ", e.problems()));
                }
            }
        }
        Daemon d = new Daemon(config, kept, clock, reload, restart);
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
        // another daemon under this instance id: refused before anything is uploaded (or its port taken), and
        // before the first heartbeat replaces its registry entry
        instanceGuard = InstanceGuard.onThisHost(config.instanceId().value(), run, clock,
                InstanceGuard.Starter.DAEMON);
        Optional<String> refusal = store.fleetRegistry().flatMap(r -> instanceGuard.atStart(r, INSTANCE_CHECK_WAIT));
        if (refusal.isPresent()) {
            throw new StartupException(refusal.get(), null, true);
        }
        writer = StateWriter.start(store);
        closeOnFailure.add(writer);
        unmarked = UnmarkedUploadFlag.open(config.sqliteFile().resolveSibling(UNMARKED_FLAG), startedAt);
        closeOnFailure.add(unmarked);
        metrics = new FerryMetrics(this::status);
        closeOnFailure.add(metrics);
        bandwidthLimit = Components.bandwidthLimit(config);
        List<SiteSetup> sites = Components.sites(config, bandwidthLimit, closeOnFailure, true);
        List<Site> engineSites = sites.stream().map(SiteSetup::site).toList();
        engine = new Engine(engineSites, writer, EngineSettings.daemon(config.concurrency(), config.queueCapacity(),
                config.settleTime(), config.createBuckets()), clock, Backoff.standard(), metrics, unmarked,
                Engine.standardThreads(engineSites), Engine.probeBackoff());
        for (SiteSetup setup : sites) {
            runners.add(runnerOf(setup));
        }
        ReplicationJobs.Jobs jobs = ReplicationJobs.daemon(config, Optional.of(writer),
                new dev.ferry.replicate.FullSync.Retries(Backoff.standard(), delay -> !stopping.await(delay.toMillis(),
                        TimeUnit.MILLISECONDS), 5), clock, replicationClients, bandwidthLimit);
        replication = new dev.ferry.replicate.ReplicationRunner(jobs.syncs(), jobs.followers());
        closeOnFailure.addAll(replicationClients);
        closeOnFailure.add(replication);
        if (config.control().isPresent() && reload != null) {
            ControlWiring wiring = new ControlWiring(this, config, kept, reload,
                    period -> phoneHome.ifPresent(p -> p.heartbeatEvery(period)), restart);
            PhoneHome p = new PhoneHome(config.control().get(), wiring, Version.current(), clock);
            closeOnFailure.add(p);
            phoneHome = Optional.of(p);
            p.applyKeptState(); // before any site starts: a machine not configured uploads nothing
        }

        String host = dev.ferry.core.InstanceId.ofHost().value();
        fleet = new dev.ferry.fleet.FleetService(config.instanceId(), host, Version.current(),
                () -> Optional.ofNullable(http).map(StatusServer::port).filter(p -> p > 0)
                        .map(p -> dev.ferry.fleet.FleetService.urlOf(config.bindAddress(), host, p)),
                config.fleetHeartbeat(), this::status, store.fleetRegistry(), clock, run);
        AdminAccess admin = config.adminToken()
                .map(token -> AdminAccess.withToken(new AdminService(engine, writer, store, () -> {
                    sweepAll("wakeup (admin API)");
                    phoneHome.ifPresent(PhoneHome::wakeup);
                },
                        (path, bucket) -> engine.routeTo(LocalSource.ref(config.instanceId().value(), path), bucket),
                        clock, () -> fleet.view().withSameId(instanceGuard.other()), this::pauseByOperator,
                        this::resumeByOperator),
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
        heartbeat = fleet.registry().map(r -> dev.ferry.fleet.Heartbeat.start(r, fleet::self,
                config.fleetHeartbeat(), instanceGuard::replaced));
        heartbeat.ifPresent(closeOnFailure::add);
        runners.forEach(SiteRunner::start);
        replication.start(config.skipFullSync(), config.fullSyncInterval());

        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timers");
            t.setDaemon(true);
            return t;
        });
        config.sweepInterval().ifPresent(every -> timers.scheduleWithFixedDelay(
                () -> runners.forEach(r -> r.sweeps.requestFull("periodic safety sweep")), every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS));
        timers.scheduleWithFixedDelay(() -> {
            for (Engine.SweepNeeded need : engine.foldersNeedingSweep()) {
                runners.stream().filter(r -> r.site.equals(need.site())).findFirst()
                        .ifPresent(r -> r.sweeps.requestFolder(need.folder(), "queue had overflowed"));
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
        phoneHome.ifPresent(PhoneHome::start);
    }

    /**
     * An operator's resume: refused while the control plane holds uploads (seed 003's rule: nothing is uploaded
     * unless the mothership configured this host), else uploads resume. Empty when resumed, else why not.
     */
    synchronized Optional<String> resumeByOperator() {
        operatorPause = false;
        if (controlHold.isPresent()) {
            return Optional.of("the mothership has not configured this host (" + controlHold.get()
                    + "): uploads resume when it does");
        }
        engine.resume("an operator asked");
        return Optional.empty();
    }

    /** An operator's pause: it holds until an operator resumes, whatever the control plane's state does meanwhile. */
    synchronized void pauseByOperator() {
        operatorPause = true;
        engine.pause("an operator asked");
    }

    /** Sweeps every site now. */
    void sweepAll(String why) {
        runners.forEach(r -> r.sweeps.requestFull(why));
    }

    /** The control plane's gate: uploads run or wait (changes are still queued); acts only when it changes. */
    synchronized void uploads(boolean run, String why) {
        controlHold = run ? Optional.empty() : Optional.of(why);
        if (uploadsAllowed != null && uploadsAllowed == run) {
            return;
        }
        uploadsAllowed = run;
        if (run && operatorPause) {
            log.info("uploads stay paused: an operator paused them (POST /resume or `ferry resume` resumes them); "
                    + "{}", why);
        } else if (run) {
            engine.resume(why);
        } else {
            engine.pause(why);
        }
    }

    /** What keeps one site's files flowing (not started yet): its sweeps, what its full sweeps run, its watching. */
    private SiteRunner runnerOf(SiteSetup setup) {
        Site site = setup.site();
        Reconciler sweep = new Reconciler(site.router(), writer, 1000, this::awaitStore, clock,
                site.policy().forceUpload());
        EngineSink sink = new EngineSink(engine, site);
        SiteRunner runner = new SiteRunner(site, engine, (start, cancelled) -> sweep.sweep(start, sink, cancelled),
                setup.pollInterval(), config.pollInterval(), clock);
        // an upload under way when Ferry was killed, of a file deleted since: the worker closes its record as a
        // deletion it sees (and under retire_deleted retires the object of an earlier version)
        DeletedFailures deletedFailures = new DeletedFailures(store, writer, clock,
                r -> engine.failedFileGone(r.path(), r.bucket()),
                r -> engine.changed(site, new ItemRef(r.source(), r.path())));
        runner.sweeps.onFullSweep((took, files, queued) -> {
            metrics.fullSweepCompleted(took, files);
            runner.health.sweptAfter(took);
            // files deleted while no watcher saw it leave `ferry failed` (this site's records only)
            deletedFailures.close(site.root(), r -> site.sendsTo(r.path(), r.bucket()));
        });
        // a folder renamed away or deleted is one event, not one per file: the failed records of its files (a
        // folder that cannot be a bucket, renamed to one that can) leave `ferry failed` and /status at once
        runner.sweeps.onFolderGone(folder -> deletedFailures.close(site.root(),
                r -> DeletedFailures.under(folder, r.path()) && site.sendsTo(r.path(), r.bucket())));
        StartupCheck check = new StartupCheck(site, engine, writer, this::awaitStore, clock);
        site.on(tree -> {
            // state mode: the start-up sweep asks S3 about the files the store does not know; the other
            // modes compare every bucket folder with S3 on every full sweep
            SweepScheduler.FullRun run = check.forWatchPath(config.ignorePatterns(), setup.policy(),
                    setup.listsEverySweep());
            if (setup.listsEverySweep()) {
                runner.sweeps.fullRunBy(run);
            } else {
                runner.sweeps.firstFullRunBy(run);
            }
        }, prefix -> {
            if (setup.listsEverySweep()) {
                reconcileOnFullSweeps(runner, prefix, setup.policy());
            } else {
                runner.sweeps.firstFullRunBy(check.forSite(prefix.router(), setup.policy()));
            }
        });
        return runner;
    }

    /** Full sweeps of this site compare it with S3 (its reconcile mode, retire_deleted, markers). */
    private void reconcileOnFullSweeps(SiteRunner runner, PrefixSite site, Reconciler.Policy policy) {
        Reconciler reconciler = new Reconciler(site.router(), site.store(), writer, policy, clock);
        EngineSink sink = new EngineSink(engine, site);
        runner.sweeps.fullRunBy((cancelled, holdDeletions) -> {
            ReconcileReport r = reconciler.run(sink, false, holdDeletions);
            sink.guardSaid(site.bucket(), r, holdDeletions);
            return new SweepResult(r.files(), r.missing() + r.changed(), r.ignored(), 0, r.took(), true);
        });
    }

    /**
     * Starts a site while the daemon runs: its lanes, sweeps (a full one first) and watching. The other sites
     * are not touched. For sites that change at run time (the control plane).
     */
    void startSite(SiteConfig sc) {
        List<AutoCloseable> opened = new ArrayList<>();
        SiteSetup setup = Components.site(config, sc, bandwidthLimit, opened, true);
        Site site = setup.site();
        try {
            engine.addSite(site);
        } catch (RuntimeException e) {
            site.store().close();
            throw e;
        }
        SiteRunner runner = runnerOf(setup);
        runners.add(runner);
        runner.start();
        log.info("{}: syncing as {} (started while running)", site.root(), site.name());
    }

    /**
     * Stops one site while the daemon runs: its watching and sweeps end, its uploads under way finish within
     * {@code grace}, its lanes leave /status and its S3 connection is closed; the other sites go on. False when
     * no site of that name runs.
     */
    boolean stopSite(String name, Duration grace) throws InterruptedException {
        Optional<SiteRunner> runner = runners.stream().filter(r -> r.site.name().equals(name)).findFirst();
        if (runner.isEmpty()) {
            return false;
        }
        runner.get().stopIntake();
        engine.removeSite(runner.get().site, grace);
        runners.remove(runner.get());
        try {
            runner.get().site.store().close();
        } catch (RuntimeException e) {
            log.debug("{}: closing its S3 connection: {}", name, e.toString());
        }
        log.info("{}: stopped (its files are no longer carried)", name);
        return true;
    }

    int httpPort() {
        return http.port();
    }

    DaemonStatus status() {
        // a site whose folder is missing has nothing to sweep (a mothership's policy for a folder this host does
        // not have, a disk not mounted): it holds no readiness back; its watcher's state says it is missing
        List<SiteRunner> present = runners.stream()
                .filter(r -> r.health.state() != WatchHealth.State.ROOT_MISSING).toList();
        boolean swept = present.stream().allMatch(r -> r.sweeps.fullSweeps() > 0);
        Optional<Instant> oldestSweep = present.stream().map(r -> r.sweeps.lastFullSweepAt())
                .map(o -> o.orElse(Instant.EPOCH)).min(Instant::compareTo).filter(i -> !i.equals(Instant.EPOCH));
        return new DaemonStatus(Version.current(), startedAt, Duration.between(startedAt, clock.instant()).toSeconds(),
                swept && writer.reachable(), engine.paused(), writer.health(),
                WatchHealth.combine(runners.stream().map(r -> r.health).toList(), oldestSweep).orLastError(
                        runners.stream().flatMap(r -> r.sweeps.failing().map(f -> r.site.root() + ": " + f).stream())
                                .findFirst()), engine.bucketStatus())
                .withControl(phoneHome.map(PhoneHome::status)).withReplication(replication.status());
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
        phoneHome.ifPresent(PhoneHome::close);
        log.info("stopping: no new work; uploads under way have {} s to finish", config.shutdownGrace().toSeconds());
        runners.forEach(SiteRunner::stopIntake);
        if (timers != null) {
            timers.shutdownNow();
        }
        heartbeat.ifPresent(dev.ferry.fleet.Heartbeat::close);
        replication.close();
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
        markStopped();
        http.stop();
        writer.close();
        unmarked.close();
        store.close();
        runners.forEach(r -> r.site.store().close()); // the S3 connections of the sites running now
        for (AutoCloseable c : replicationClients) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing a replication client: {}", e.toString());
            }
        }
        metrics.close();
        log.info("stopped");
    }

    /**
     * Marks this run's fleet registry entry stopped, after its last upload: another daemon may then start under
     * this instance id at once, on this host or another.
     */
    private void markStopped() {
        fleet.registry().ifPresent(r -> {
            try {
                r.stopped(config.instanceId().value(), run.token());
            } catch (RuntimeException e) {
                log.debug("fleet registry: marking this run stopped: {}", e.getMessage());
            }
        });
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
