package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.Secret;
import dev.ferry.config.SiteConfig;
import dev.ferry.core.UploadOptions;
import dev.ferry.engine.Site;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import dev.ferry.sweep.Reconciler;
import dev.ferry.transfer.BandwidthLimiter;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.ferry.state.MongoStateStore;
import dev.ferry.state.SqliteStateStore;

/** Builds the concrete parts from the configuration. */
public final class Components {
    /** Region used with a custom endpoint when none is configured (S3-compatible servers ignore it). */
    static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

    private Components() {
    }

    public static StateStore openStateStore(FerryConfig config) {
        if (config.mongoUrl().isPresent()) {
            try {
                return MongoStateStore.open(config.mongoUrl().get().reveal(), config.mongoUrl().get().database());
            } catch (StateStoreException e) {
                throw new StartupException("MONGO_URL: " + e.getMessage(), e);
            }
        }
        Path file = config.sqliteFile();
        try {
            Files.createDirectories(file.getParent());
            StateFolderLock.take(file.getParent());
            return SqliteStateStore.open(file);
        } catch (IOException | StateStoreException e) {
            throw new StartupException("STATE_DIR: cannot open the state store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The watch_path tree (when configured) and every site of the config file, each with its own S3 connection. */
    public static List<Site> sites(FerryConfig config, List<AutoCloseable> opened) {
        List<Site> sites = new ArrayList<>();
        // One limiter shared by every site's connection: bwlimit is for the whole daemon.
        Optional<BandwidthLimiter> limit = config.bwlimit() > 0
                ? Optional.of(BandwidthLimiter.of(Math.max(BandwidthLimiter.MIN_BYTES_PER_SECOND, config.bwlimit())))
                : Optional.empty();
        if (config.watchPath().isPresent()) {
            ObjectStore store = objectStore(config, config.endpoint(), config.region(), config.pathStyle(),
                    config.accessKey(), config.secretAccessKey(), false, limit);
            opened.add(store);
            Path root = config.watchPath().get().toAbsolutePath().normalize();
            sites.add(new Site("watch_path", new FolderBucketRouter(root, new IgnoreRules(config.ignorePatterns())),
                    store, false, UploadOptions.NONE, 0));
        }
        for (SiteConfig sc : config.sites()) {
            ObjectStore store = objectStore(config, sc.endpoint(), sc.region(), sc.pathStyle(), sc.accessKey(),
                    sc.secretAccessKey(), sc.sdkChecksums(), limit);
            opened.add(store);
            List<String> ignore = new ArrayList<>(config.ignorePatterns());
            if (sc.markers()) {
                ignore.add(sc.markerFile());
            }
            sites.add(new Site(sc.name(), new PrefixRouter(sc.localPath(), sc.bucket(), sc.prefix(),
                    new IgnoreRules(ignore), new PathFilter(sc.exclusions(), sc.inclusions())), store,
                    sc.retireDeleted(), new UploadOptions(Optional.of(sc.storageClass()), sc.sse(), sc.kmsKeyId()),
                    sc.maxDelete()));
        }
        return sites;
    }

    /** The configuration of a site of the config file. */
    public static SiteConfig siteConfig(FerryConfig config, Site site) {
        return config.sites().stream().filter(c -> c.name().equals(site.name())).findFirst().orElseThrow();
    }

    /** The site's reconciliation policy. */
    public static Reconciler.Policy policy(SiteConfig sc, Site site) {
        return new Reconciler.Policy(mode(sc.reconcile()), sc.storageClass(), sc.retireDeleted(), sc.maxDelete(), sc.maxDeletePercent(),
                sc.markers() ? Optional.of(sc.markerFile()) : Optional.empty(), sc.localMarkers(), site.options());
    }

    /** The policy of each bucket folder of the watch_path tree: its reconcile mode; no deletions, no markers. */
    public static Reconciler.Policy watchPathPolicy(FerryConfig config) {
        return new Reconciler.Policy(mode(config.reconcile()), "STANDARD", false, 0, 0, Optional.empty(), false,
                UploadOptions.NONE);
    }

    static Reconciler.Mode mode(SiteConfig.ReconcileMode mode) {
        return switch (mode) {
            case STATE -> Reconciler.Mode.STATE;
            case SIZE_MTIME -> Reconciler.Mode.SIZE_MTIME;
            case SIZE_ONLY -> Reconciler.Mode.SIZE_ONLY;
            case CHECKSUM -> Reconciler.Mode.CHECKSUM;
        };
    }

    /** Whether full sweeps of the site must list its prefix in S3 (else the state store alone decides). */
    static boolean needsListing(SiteConfig sc) {
        return sc.reconcile() != SiteConfig.ReconcileMode.STATE || sc.retireDeleted() || sc.markers();
    }

    /** Polling interval of a site: its own watch_interval, else the global one; empty for native watching. */
    static Optional<Duration> pollInterval(FerryConfig config, Site site) {
        return config.sites().stream().filter(sc -> sc.name().equals(site.name())).findFirst()
                .map(SiteConfig::pollInterval).orElse(config.watchInterval());
    }

    private static ObjectStore objectStore(FerryConfig config, Optional<URI> endpoint, Optional<String> region,
            boolean pathStyle, Optional<String> accessKey, Optional<Secret> secret, boolean sdkChecksums,
            Optional<BandwidthLimiter> limit) {
        S3Settings.Builder b = S3Settings.builder()
                .pathStyle(pathStyle)
                .sdkDefaultChecksums(sdkChecksums)
                .multipartThreshold(config.multipartThreshold())
                .partSize(config.multipartPartSize())
                .partConcurrency(config.multipartConcurrency())
                .maxConnections(Math.max(S3Settings.DEFAULT_MAX_CONNECTIONS, config.concurrency() * 4));
        endpoint.ifPresent(b::endpoint);
        region.or(() -> endpoint.map(e -> ENDPOINT_DEFAULT_REGION)).ifPresent(b::region);
        config.timeout().ifPresent(b::attemptTimeout);
        limit.ifPresent(b::bandwidthLimiter);
        if (accessKey.isPresent() && secret.isPresent()) {
            b.credentials(accessKey.get(), secret.get().reveal());
        }
        return S3ObjectStore.create(b.build());
    }
}
