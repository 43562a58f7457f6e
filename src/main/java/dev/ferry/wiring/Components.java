package dev.ferry.wiring;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.Secret;
import dev.ferry.config.SiteConfig;
import dev.ferry.core.UploadOptions;
import dev.ferry.engine.Site;
import dev.ferry.engine.FolderBucketSite;
import dev.ferry.engine.PrefixSite;
import dev.ferry.engine.SitePolicy;
import dev.ferry.core.AfterUpload;
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
import dev.ferry.source.local.LocalSource;
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
        return openStateStore(config, true);
    }

    /**
     * @param exclusive take the state folder's lock (a process that uploads); false for a run that writes nothing
     *                  (verify, a dry run), which reads an existing SQLite file beside a daemon that holds the lock
     */
    public static StateStore openStateStore(FerryConfig config, boolean exclusive) {
        if (config.mongoUrl().isPresent()) {
            try {
                return MongoStateStore.open(config.mongoUrl().get().reveal(), config.mongoUrl().get().database(),
                        config.instanceId(), roots(config));
            } catch (StateStoreException e) {
                throw new StartupException("MONGO_URL: " + e.getMessage(), e);
            }
        }
        Path file = config.sqliteFile();
        try {
            if (exclusive) {
                Files.createDirectories(file.getParent());
                unwritable(file.getParent()).ifPresent(why -> {
                    throw new StartupException("STATE_DIR: cannot open the state store " + file + ": " + why, null);
                });
                StateFolderLock.take(file.getParent());
            }
            return SqliteStateStore.open(file, config.instanceId());
        } catch (IOException e) {
            throw new StartupException("STATE_DIR: cannot open the state store " + file + ": " + why(e), e);
        } catch (StateStoreException e) {
            throw new StartupException("STATE_DIR: cannot open the state store " + file + ": " + e.getMessage(), e);
        }
    }

    /** Why this process cannot write in {@code folder} (a read-only file system, no permission), if it cannot. */
    static Optional<String> unwritable(Path folder) {
        try {
            if (Files.getFileStore(folder).isReadOnly()) {
                return Optional.of(folder + ": read-only file system");
            }
        } catch (IOException e) {
            return Optional.of(why(e));
        }
        return Files.isWritable(folder) ? Optional.empty()
                : Optional.of(folder + ": permission denied (this user, " + System.getProperty("user.name")
                        + ", cannot write in it)");
    }

    /**
     * Why a file operation failed, in words: a {@link java.nio.file.FileSystemException}'s message is often the
     * bare path ({@code AccessDeniedException: /x/sub}), which says where but not why.
     */
    static String why(IOException e) {
        String reason;
        if (e instanceof java.nio.file.AccessDeniedException) {
            reason = "permission denied (this user, " + System.getProperty("user.name") + ", may not write there)";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            reason = "no such file or folder";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            reason = "a file that is not a folder is in the way";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
        } else {
            String m = e.getMessage();
            return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason;
        }
        return reason;
    }

    /** The folders this daemon watches (watch_path and every site's): its files' records are under them. */
    static List<Path> roots(FerryConfig config) {
        List<Path> roots = new ArrayList<>();
        config.watchPath().ifPresent(roots::add);
        config.sites().forEach(sc -> roots.add(sc.localPath()));
        return roots;
    }

    /** One limiter shared by every site's connection (bwlimit is for the whole daemon); empty for no limit. */
    public static Optional<BandwidthLimiter> bandwidthLimit(FerryConfig config) {
        return config.bwlimit() > 0
                ? Optional.of(BandwidthLimiter.of(Math.max(BandwidthLimiter.MIN_BYTES_PER_SECOND, config.bwlimit())))
                : Optional.empty();
    }

    /**
     * The watch_path tree (when configured) and every site of the config file, each with its own S3 connection
     * (added to {@code opened}, to be closed by the caller), all sharing {@code limit}.
     *
     * @param releaseFiles whether sites delete or move their files after upload as configured
     *                     (delete_after_upload, move_after_upload): the daemon's sites do; a one-shot run leaves
     *                     the local tree as it found it
     */
    public static List<SiteSetup> sites(FerryConfig config, Optional<BandwidthLimiter> limit,
            List<AutoCloseable> opened, boolean releaseFiles) {
        List<SiteSetup> sites = new ArrayList<>();
        watchPathSite(config, limit, opened).ifPresent(sites::add);
        for (SiteConfig sc : config.sites()) {
            sites.add(site(config, sc, limit, opened, releaseFiles));
        }
        return sites;
    }

    /** The watch_path tree, when configured: each bucket folder compared under the global reconcile mode. */
    static Optional<SiteSetup> watchPathSite(FerryConfig config, Optional<BandwidthLimiter> limit,
            List<AutoCloseable> opened) {
        if (config.watchPath().isEmpty()) {
            return Optional.empty();
        }
        ObjectStore store = objectStore(config, config.endpoint(), config.region(), config.pathStyle(),
                config.accessKey(), config.secretAccessKey(), false, limit);
        opened.add(store);
        Path root = config.watchPath().get().toAbsolutePath().normalize();
        LocalSource source = new LocalSource(config.instanceId().value(), root);
        Site site = new FolderBucketSite("watch_path", source, new FolderBucketRouter(root,
                new IgnoreRules(config.ignorePatterns())), store, false, UploadOptions.NONE, 0);
        // each bucket folder: its reconcile mode; no deletions, no markers
        Reconciler.Policy policy = new Reconciler.Policy(mode(config.reconcile()), "STANDARD", false, 0, 0,
                Optional.empty(), false, UploadOptions.NONE);
        return Optional.of(new SiteSetup(site, policy, config.reconcile() != SiteConfig.ReconcileMode.STATE,
                config.watchInterval()));
    }

    /** A site of the config file (at start, or added while the daemon runs), with its own S3 connection. */
    public static SiteSetup site(FerryConfig config, SiteConfig sc, Optional<BandwidthLimiter> limit,
            List<AutoCloseable> opened, boolean releaseFiles) {
        ObjectStore store = objectStore(config, sc.endpoint(), sc.region(), sc.pathStyle(), sc.accessKey(),
                sc.secretAccessKey(), sc.sdkChecksums(), limit);
        opened.add(store);
        List<String> ignore = new ArrayList<>(config.ignorePatterns());
        if (sc.markers()) {
            ignore.add(sc.markerFile());
        }
        UploadOptions options = new UploadOptions(Optional.of(sc.storageClass()), sc.sse(), sc.kmsKeyId());
        LocalSource source = new LocalSource(config.instanceId().value(), sc.localPath());
        Site site = new PrefixSite(sc.name(), source, new PrefixRouter(sc.localPath(), sc.bucket(), sc.prefix(),
                new IgnoreRules(ignore), new PathFilter(sc.exclusions(), sc.inclusions()), sc.pathPrefix(),
                sc.removePrefix(), sc.rewrite()),
                store, sc.retireDeleted(), options, sc.maxDelete(), policy(sc, releaseFiles));
        Reconciler.Policy policy = new Reconciler.Policy(mode(sc.reconcile()), sc.storageClass(), sc.retireDeleted(),
                sc.maxDelete(), sc.maxDeletePercent(), sc.markers() ? Optional.of(sc.markerFile()) : Optional.empty(),
                sc.localMarkers(), options);
        // full sweeps list the prefix in S3 unless the state store alone decides
        boolean lists = sc.reconcile() != SiteConfig.ReconcileMode.STATE || sc.retireDeleted() || sc.markers();
        return new SiteSetup(site, policy, lists, sc.pollInterval());
    }

    /** The site's upload policy; what becomes of its files after upload only when {@code releaseFiles}. */
    static SitePolicy policy(SiteConfig sc, boolean releaseFiles) {
        AfterUpload after = !releaseFiles ? AfterUpload.KEEP : sc.deleteAfterUpload() ? new AfterUpload.Delete()
                : sc.moveAfterUpload().<AfterUpload>map(dir -> new AfterUpload.MoveTo(dir, sc.pathPrefix(),
                        sc.removePrefix()))
                        .orElse(AfterUpload.KEEP);
        return new SitePolicy(sc.delayUpload(), sc.forceUpload(), after);
    }

    static Reconciler.Mode mode(SiteConfig.ReconcileMode mode) {
        return switch (mode) {
            case STATE -> Reconciler.Mode.STATE;
            case SIZE_MTIME -> Reconciler.Mode.SIZE_MTIME;
            case SIZE_ONLY -> Reconciler.Mode.SIZE_ONLY;
            case CHECKSUM -> Reconciler.Mode.CHECKSUM;
        };
    }

    private static ObjectStore objectStore(FerryConfig config, Optional<URI> endpoint, Optional<String> region,
            boolean pathStyle, Optional<String> accessKey, Optional<Secret> secret, boolean sdkChecksums,
            Optional<BandwidthLimiter> limit) {
        return S3ObjectStore.create(s3Settings(config, endpoint, region, pathStyle, accessKey, secret, sdkChecksums,
                limit));
    }

    /** The connection settings of one endpoint and set of credentials, with the global transfer settings. */
    static S3Settings s3Settings(FerryConfig config, Optional<URI> endpoint, Optional<String> region,
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
            // a session token belongs to the global keys: a site or job with keys of its own does not get it
            boolean globalKeys = accessKey.equals(config.accessKey()) && secret.equals(config.secretAccessKey());
            b.credentials(accessKey.get(), secret.get().reveal(),
                    globalKeys ? config.sessionToken().map(Secret::reveal) : Optional.empty());
        }
        return b.build();
    }
}
