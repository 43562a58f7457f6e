package dev.ferry.app;

import dev.ferry.engine.Engine;
import dev.ferry.engine.Site;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.RootMonitor;
import dev.ferry.source.local.TreeWatcher;
import dev.ferry.source.local.WatchListener;
import dev.ferry.sweep.SweepScheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one site's folder watched (each site its own watcher, also where sites share a folder: what it sees is
 * queued for its own site only, see {@link Engine#changed(Site, dev.ferry.core.ItemRef)}): starts the native watcher, watches again when the folder was replaced or
 * came back ({@link RootMonitor}, checked every tick), and when part of the tree could not be watched or the
 * watcher failed, tries again from time to time (from the poll interval, doubling up to 10 minutes) while
 * polling sweeps find the changes. Each (re)start is a generation: what an older watcher reports is ignored.
 */
final class SiteWatch {
    private static final Logger log = LoggerFactory.getLogger(SiteWatch.class);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private final Site site;
    private final Engine engine;
    private final SweepScheduler sweeps;
    private final WatchHealth health;
    private final Clock clock;
    private final boolean nativeWatching;
    private final Duration firstRetry;
    private final RootMonitor rootMonitor;

    private TreeWatcher watcher;
    private int generation;
    private boolean troubled;
    private boolean registering;
    private boolean holdDeletionsInNextSweep;
    private String sweepReason;
    private Duration retryDelay;
    private Instant retryAt;

    private final BiFunction<Path, WatchListener, TreeWatcher> watchers;

    SiteWatch(Site site, Engine engine, SweepScheduler sweeps, WatchHealth health, Clock clock, boolean nativeWatching,
            Duration firstRetry) {
        this(site, engine, sweeps, health, clock, nativeWatching, firstRetry, TreeWatcher::new);
    }

    /** @param watchers makes the native watcher of a folder (tests give it a thread they run by hand) */
    SiteWatch(Site site, Engine engine, SweepScheduler sweeps, WatchHealth health, Clock clock, boolean nativeWatching,
            Duration firstRetry, BiFunction<Path, WatchListener, TreeWatcher> watchers) {
        this.watchers = watchers;
        this.site = site;
        this.engine = engine;
        this.sweeps = sweeps;
        this.health = health;
        this.clock = clock;
        this.nativeWatching = nativeWatching;
        this.firstRetry = firstRetry.isZero() || firstRetry.isNegative() ? Duration.ofSeconds(1) : firstRetry;
        this.retryDelay = this.firstRetry;
        this.rootMonitor = new RootMonitor(site.root(), clock, Duration.ofSeconds(1));
    }

    /**
     * Starts watching natively (when configured and the folder is there). The full sweep named
     * {@code sweepReason} then waits until the whole tree is watched: a sweep running while the watcher still
     * registers folders could list a folder before its watch exists, and a file created there in between would
     * be seen by neither until the safety sweep.
     *
     * @return whether the sweep was deferred to the end of registration; when not, the caller sweeps now
     */
    synchronized boolean start(String sweepReason) {
        rootMonitor.checkNow().ifPresent(this::rootChanged);
        if (nativeWatching && !rootMonitor.missing()) {
            startWatcher(sweepReason, false);
            return true;
        }
        return false;
    }

    /** Every second: checks the folder's identity, and tries to watch again when that is due. */
    synchronized void tick() {
        rootMonitor.check().ifPresent(this::rootChanged);
        if (nativeWatching && retryAt != null && !clock.instant().isBefore(retryAt)
                && (health.state() == WatchHealth.State.PARTIAL || health.state() == WatchHealth.State.FAILED)) {
            retryAt = null;
            log.info("{}: trying to watch the whole tree natively again", site.root());
            startWatcher("watching again", false);
        }
    }

    synchronized void stop() {
        generation++;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private void rootChanged(RootMonitor.Change change) {
        Path root = site.root();
        if (change instanceof RootMonitor.Missing m) {
            log.warn("{}: the watched folder is missing ({}); nothing is read from it, and nothing is deleted from "
                    + "S3 because of it, until it is back", root, m.reason());
            health.rootMissing(root + ": the watched folder is missing (" + m.reason() + ")");
            retryAt = null;
            stop();
        } else if (change instanceof RootMonitor.Replaced) {
            log.info("{}: the watched folder was replaced by another directory; watching the new one and sweeping it",
                    root);
            rewatch("the watched folder was replaced");
        } else if (change instanceof RootMonitor.Back b) {
            log.info("{}: the watched folder is back after {} s; watching it again and sweeping it", root,
                    b.after().toSeconds());
            rewatch("the watched folder is back");
        }
    }

    /** A new folder under the root's name: watch it and sweep it, deleting nothing in that sweep. */
    private void rewatch(String reason) {
        retryDelay = firstRetry;
        retryAt = null;
        if (nativeWatching) {
            startWatcher(reason, true);
        } else {
            health.watching();
            sweeps.requestFull(reason, true);
        }
    }

    /** Closes the current watcher and starts another; {@code reason} names the full sweep once it watches. */
    private void startWatcher(String reason, boolean holdDeletions) {
        stop();
        int current = generation;
        troubled = false;
        registering = true;
        sweepReason = reason;
        holdDeletionsInNextSweep = holdDeletions;
        watcher = watchers.apply(site.root(), new Listener(current));
        watcher.start();
    }

    private synchronized void registered(int gen) {
        if (gen != generation) {
            return;
        }
        registering = false;
        WatchHealth.State before = health.state();
        if (!troubled) {
            health.watching();
            retryDelay = firstRetry;
            if (before == WatchHealth.State.PARTIAL || before == WatchHealth.State.FAILED) {
                log.info("{}: watching the whole tree natively again; polling stops", site.root());
            }
        } else {
            scheduleRetry();
        }
        if (sweepReason != null) {
            sweeps.requestFull(sweepReason, holdDeletionsInNextSweep);
            sweepReason = null;
        }
    }

    private synchronized void unwatched(int gen, String reason) {
        if (gen != generation) {
            return;
        }
        troubled = true;
        health.partial(reason);
        if (!registering) {
            scheduleRetry(); // otherwise once registration is over
        }
        sweeps.requestFull("a folder cannot be watched");
    }

    /** Brings the next try to watch again forward to now (the next tick), when one is waiting. */
    private synchronized void retrySoon(int gen) {
        if (gen == generation && retryAt != null) {
            retryAt = clock.instant();
        }
    }

    private synchronized void failed(int gen, String reason) {
        if (gen != generation) {
            return;
        }
        rootMonitor.checkNow().ifPresent(this::rootChanged);
        if (gen != generation || rootMonitor.missing()) {
            return; // the folder itself went away: said once, as such
        }
        boolean first = !troubled;
        troubled = true;
        health.failed(reason);
        if (!registering || !isWatchLimit(reason)) {
            registering = false; // a failure at start ends the registration: no "watching" follows
            scheduleRetry();
        }
        if (first) {
            sweeps.requestFull("watcher failed"); // once per watcher, not once per folder over the watch limit
        }
    }

    /**
     * Under retire_deleted, a folder of the tree was renamed or moved away (or deleted): its files' objects are
     * retired by a full sweep now rather than the periodic one (the watcher reports the folder, not its files).
     * Not when the site's folder itself is missing or was replaced: that is said and swept by its own rule, which
     * deletes nothing, and a sweep that finds the folder missing is skipped anyway.
     */
    private synchronized void folderMovedAway(int gen, Path folder) {
        if (gen != generation || folder.equals(site.root())) {
            return;
        }
        java.util.Optional<RootMonitor.Change> change = rootMonitor.checkNow();
        if (change.isPresent()) {
            rootChanged(change.get());
            return;
        }
        if (!rootMonitor.missing()) {
            sweeps.requestFull("a folder was moved away or deleted: " + site.root().relativize(folder));
        }
    }

    private static boolean isWatchLimit(String reason) {
        return TreeWatcher.isWatchLimit(reason);
    }

    private void scheduleRetry() {
        if (retryAt == null) {
            retryAt = clock.instant().plus(retryDelay);
            Duration doubled = retryDelay.multipliedBy(2);
            retryDelay = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
        }
    }

    private final class Listener implements WatchListener {
        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void fileChanged(Path path) {
            engine.changed(site, site.source().ref(path.toString()));
        }

        @Override
        public void fileDeleted(Path path) {
            if (site.retireDeleted()) {
                engine.changed(site, site.source().ref(path.toString()));
            } else {
                // nothing to retire in S3, but a rejected file that is gone leaves the failed list
                engine.deleted(site, site.source().ref(path.toString()));
            }
        }

        @Override
        public void directoryCreated(Path path) {
            sweeps.requestFolder(path, "new directory");
        }

        @Override
        public void folderDeleted(Path folder) {
            sweeps.folderGone(folder);
            if (site.retireDeleted()) {
                folderMovedAway(gen, folder);
            }
        }

        @Override
        public void rescan(String reason) {
            health.rescan(reason);
            sweeps.requestFull(reason);
        }

        @Override
        public void rescanFolder(Path folder, String reason) {
            sweeps.requestFolder(folder, reason);
        }

        @Override
        public void folderUnwatched(Path folder, String reason) {
            unwatched(gen, reason);
        }

        @Override
        public void unwatchedFolderChanged(Path folder) {
            retrySoon(gen);
        }

        @Override
        public void watching() {
            registered(gen);
        }

        @Override
        public void failed(String reason) {
            SiteWatch.this.failed(gen, reason);
        }
    }
}
