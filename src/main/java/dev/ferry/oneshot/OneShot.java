package dev.ferry.oneshot;

import dev.ferry.wiring.Components;
import dev.ferry.wiring.SiteSetup;
import dev.ferry.wiring.StartupException;
import dev.ferry.config.FerryConfig;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.StateStore;
import dev.ferry.core.UploadListener;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineSettings;
import dev.ferry.engine.FolderBucketSite;
import dev.ferry.engine.Site;
import dev.ferry.filter.BucketNames;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import dev.ferry.queue.Backoff;
import dev.ferry.state.StateWriter;
import dev.ferry.core.FleetMember;
import dev.ferry.fleet.InstanceGuard;
import dev.ferry.sweep.Reconciler;
import dev.ferry.sweep.ReconcileSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;

/**
 * The parts a one-shot command (sync, verify) needs, opened from the configuration and closed in reverse:
 * the state store, the S3 connection of each site, and the comparison jobs.
 */
final class OneShot implements AutoCloseable {

    /** One folder compared with a listing of one bucket and prefix, under the site's policy. */
    record Job(Site site, PrefixRouter router, Reconciler.Policy policy) {
        String name() {
            return site.laneName(router.bucket());
        }
    }

    /** Told of each file no job can upload, with the router's reason, as the daemon's sweep would be. */
    @FunctionalInterface
    interface Rejections {
        void rejected(Site site, Path path, RouteDecision.Rejected rejected, FileStat stat,
                Optional<FileRecord> existing);
    }

    /** Sweeps give the state store a few seconds to come back, then give up: a one-shot run must end. */
    static final Reconciler.StoreWait STORE_WAIT = storeWait(Backoff.Sleeper.THREAD);

    /** Five waits of 1 s each, then give up. */
    static Reconciler.StoreWait storeWait(Backoff.Sleeper sleeper) {
        return Reconciler.StoreWait.backoff(Backoff.withoutJitter(Duration.ofSeconds(1), Duration.ofSeconds(1)), 5,
                sleeper);
    }

    final FerryConfig config;
    final StateStore store;
    final StateWriter writer;
    final List<Site> sites;
    private final List<SiteSetup> setups;
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** The S3 clients and what else the sites opened: closed before the state writer and the store. */
    private final List<AutoCloseable> siteResources = new ArrayList<>();

    OneShot(FerryConfig config) {
        this(config, false);
    }

    /**
     * @param readOnly a run that writes nothing (a dry run, verify): when the SQLite state file does not exist yet,
     *                 it is not created (nor its folder); an empty store in a temporary folder, removed at the end,
     *                 stands in for it. An existing one is read without taking the state folder's lock, so it
     *                 runs beside a daemon that holds it
     */
    OneShot(FerryConfig config, boolean readOnly) {
        this.config = config;
        if (readOnly && config.mongoUrl().isEmpty() && !Files.exists(config.sqliteFile())) {
            Path scratch;
            try {
                scratch = Files.createTempDirectory("ferry-dry-run");
            } catch (IOException e) {
                throw new StartupException("cannot create a temporary folder for the dry run: " + e.getMessage(), e);
            }
            // a dry run stopped by SIGTERM or Ctrl-C never reaches its close: the JVM's exit removes the folder
            Thread removal = new Thread(() -> {
                try {
                    deleteTree(scratch);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // removed already by the run's close, or being removed: nothing to do while exiting
                }
            }, "ferry-dry-run-cleanup");
            Runtime.getRuntime().addShutdownHook(removal);
            opened.add(() -> { // closed last: after the store
                deleteTree(scratch);
                try {
                    Runtime.getRuntime().removeShutdownHook(removal);
                } catch (IllegalStateException exiting) {
                    // the JVM is exiting: the hook runs (and finds nothing left)
                }
            });
            this.store = dev.ferry.state.SqliteStateStore.open(scratch.resolve("ferry.db"));
            this.setups = Components.sites(config, Components.bandwidthLimit(config), siteResources, false);
        } else {
            // The state store opens (SQLite's native library, the schema; or a MongoDB connection) on a thread of its
            // own while this one builds the S3 clients: a one-shot run is mostly start-up. A store that cannot open
            // fails the run as before, ahead of any failure of the sites.
            CompletableFuture<StateStore> opening = new CompletableFuture<>();
            Thread opener = new Thread(() -> {
                try {
                    opening.complete(Components.openStateStore(config, !readOnly));
                } catch (Throwable t) {
                    opening.completeExceptionally(t);
                }
            }, "ferry-open-state");
            opener.setDaemon(true);
            opener.start();
            List<SiteSetup> built;
            try {
                built = Components.sites(config, Components.bandwidthLimit(config), siteResources, false);
            } catch (RuntimeException | Error e) {
                closeQuietly(siteResources);
                StateStore openedStore = openedStore(opening); // the store's own failure first, as before
                closeQuietly(List.of(openedStore));
                throw e;
            }
            this.setups = built;
            StateStore openedStore;
            try {
                openedStore = openedStore(opening);
            } catch (RuntimeException | Error e) {
                closeQuietly(siteResources);
                throw e;
            }
            this.store = openedStore;
            if (!readOnly) {
                refuseBesideADaemonOfThisId(openedStore);
            }
        }
        opened.add(store);
        this.writer = StateWriter.start(store);
        opened.add(writer);
        opened.addAll(siteResources); // closed before the writer and the store, as when they were opened after them
        this.sites = setups.stream().map(SiteSetup::site).toList();
    }

    /**
     * A sync writes the records of this instance id: beside a daemon under the same id on one MongoDB the two would
     * upload the same files and overwrite each other's records. (A SQLite state folder is locked for the same reason.)
     */
    private void refuseBesideADaemonOfThisId(StateStore openedStore) {
        String id = config.instanceId().value();
        InstanceGuard guard = InstanceGuard.onThisHost(id, new FleetMember.Run(
                FleetMember.Run.token(new java.security.SecureRandom()), ProcessHandle.current().pid(), false),
                Clock.systemUTC(), InstanceGuard.Starter.ONE_SHOT);
        Optional<String> refusal = openedStore.fleetRegistry().flatMap(r -> guard.atStart(r, InstanceGuard.START_WAIT));
        if (refusal.isPresent()) {
            closeQuietly(siteResources);
            closeQuietly(List.of(openedStore));
            throw new StartupException(refusal.get(), null, true);
        }
    }

    /** The store the opener thread opened, or its failure thrown here as it would have been on this thread. */
    private static StateStore openedStore(CompletableFuture<StateStore> opening) {
        try {
            return opening.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static void closeQuietly(List<? extends AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // failing already: nothing more to do
            }
        }
    }

    Engine engine(int maxAttempts, UploadListener listener) {
        return new Engine(sites, writer, new EngineSettings(config.concurrency(), config.queueCapacity(),
                config.settleTime(), config.createBuckets(), Duration.ofSeconds(5), Optional.of(maxAttempts)),
                Clock.systemUTC(), Backoff.standard(), listener, dev.ferry.core.UnmarkedUploads.NONE,
                Engine.standardThreads(sites), Engine.probeBackoff());
    }

    /**
     * The comparison jobs: one per site, and one per bucket folder of the watch_path tree. What no job covers
     * (files directly under watch_path, folders that are not valid bucket names) is in {@link #outsideJobs}.
     */
    List<Job> jobs() throws IOException {
        List<Job> jobs = new ArrayList<>();
        try {
            for (SiteSetup setup : setups) {
                jobs.addAll(setup.site().match(tree -> jobsOf(tree, setup.policy()),
                        prefix -> List.of(new Job(prefix, prefix.router(), setup.policy()))));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return jobs;
    }

    /** One job per folder of the tree whose name is a valid bucket name. */
    private List<Job> jobsOf(FolderBucketSite tree, Reconciler.Policy policy) {
        List<Job> jobs = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tree.root())) {
            for (Path folder : folders) {
                String bucket = folder.getFileName().toString();
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && BucketNames.problem(bucket).isEmpty()) {
                    jobs.add(new Job(tree, new PrefixRouter(folder, bucket, "",
                            new IgnoreRules(config.ignorePatterns()), PathFilter.none()), policy));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jobs;
    }

    /**
     * Hands over every file of a watch_path tree that no job covers: files directly under watch_path (ignored)
     * and the files of folders whose names are not valid bucket names (failed). The site's own router decides,
     * so the reasons and the ignore patterns are the daemon's; without this a one-shot run would skip them
     * silently and could report "every file is in S3" while some are not.
     */
    void outsideJobs(Rejections rejections) throws IOException, InterruptedException {
        for (Site site : sites) {
            // only a tree has entries outside its buckets; a prefix site maps every file under its folder
            List<Path> outside;
            try {
                outside = site.match(OneShot::outsideBuckets, prefix -> List.of());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            ReconcileSink sink = new ReconcileSink() {
                @Override
                public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                    return true; // the site's router routes nothing outside a valid bucket folder
                }

                @Override
                public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat,
                        Optional<FileRecord> existing) {
                    rejections.rejected(site, path, rejected, stat, existing);
                }
            };
            Reconciler sweep = new Reconciler(site.router(), writer, 1000, STORE_WAIT, Clock.systemUTC(), false);
            for (Path start : outside) {
                sweep.sweep(start, sink, () -> false);
            }
        }
    }

    /** The entries directly under the tree that are not bucket folders: files, and folders with invalid names. */
    private static List<Path> outsideBuckets(FolderBucketSite tree) {
        List<Path> outside = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tree.root())) {
            for (Path entry : entries) {
                if (!(Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                        && BucketNames.problem(entry.getFileName().toString()).isEmpty())) {
                    outside.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return outside;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        writer.flush(Duration.ofSeconds(30));
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // closing: nothing more to do
            }
        }
    }

    /**
     * A comparison lists a missing bucket as empty (a sync then creates it); where it will not be created
     * (verify, or create_buckets off) the job fails once with "bucket B does not exist", which is exit 3,
     * instead of once per file.
     *
     * @param why what follows the sentence, e.g. " and create_buckets is off" ("" for none)
     */
    static void requireBucket(Job job, String why) {
        String bucket = job.router().bucket();
        try {
            job.site().store().ensureBucket(bucket, false);
        } catch (dev.ferry.core.TransferException e) {
            if (e.kind() == dev.ferry.core.FailureKind.NO_SUCH_BUCKET
                    || SyncCommand.NO_SUCH_BUCKET.matcher(String.valueOf(e.getMessage())).find()) {
                throw new dev.ferry.core.TransferException(dev.ferry.core.FailureKind.NO_SUCH_BUCKET,
                        "bucket " + bucket + " does not exist" + why);
            }
            throw e;
        }
    }
}
