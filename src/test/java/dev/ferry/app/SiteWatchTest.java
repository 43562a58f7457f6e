package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.UploadOptions;
import dev.ferry.engine.PrefixSite;
import dev.ferry.engine.Site;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.TreeWatcher;
import dev.ferry.sweep.SweepResult;
import dev.ferry.sweep.SweepScheduler;
import dev.ferry.sweep.Reconciler;
import dev.ferry.testing.ByHand;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.testing.TestIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a site's start-up sweep runs, with the watcher's thread and the sweeps run by hand: not before the
 * whole tree is watched, or a file created in a folder after the sweep listed it and before its watch existed
 * would be found by nothing but the safety sweep (seen as a file never uploaded after a restart).
 */
class SiteWatchTest {
    @TempDir
    Path tmp;

    private final ByHand watcherThread = new ByHand();
    private final ByHand sweepControl = new ByHand();
    private final List<String> sweeps = new ArrayList<>();
    private SiteWatch watch;

    @AfterEach
    void tearDown() {
        if (watch != null) {
            watch.stop();
        }
    }

    private SweepScheduler scheduler(Path root) {
        Reconciler sweep = new Reconciler(new PrefixRouter(root, "b", "", new IgnoreRules(List.of()),
                PathFilter.none()), new InMemoryRecords(), 10, (attempt, cause) -> false, Clock.systemUTC(), false);
        SweepScheduler s = new SweepScheduler(root, (start, cancelled) -> sweep.sweep(start, null, cancelled),
                Clock.systemUTC(),
                false, sweepControl, new ByHand(), System::nanoTime);
        s.fullRunBy((cancelled, hold) -> {
            sweeps.add("full sweep");
            return new SweepResult(0, 0, 0, 0, Duration.ZERO, true);
        });
        return s;
    }

    private SiteWatch siteWatch(Path root, boolean nativeWatching) {
        Site site = new PrefixSite("photos", new LocalSource(TestIds.SOURCE, root), new PrefixRouter(root, "b", "",
                new IgnoreRules(List.of()), PathFilter.none()), new MemoryObjectStore(), false, UploadOptions.NONE, 100);
        return new SiteWatch(site, null, scheduler(root), new WatchHealth(root, !nativeWatching), Clock.systemUTC(),
                nativeWatching, Duration.ofSeconds(1), (folder, listener) -> new TreeWatcher(folder, listener,
                        watcherThread));
    }

    @Test
    void theStartUpSweepWaitsUntilTheWholeTreeIsWatched() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("photos/2026/12"));
        watch = siteWatch(tmp.resolve("photos"), true);

        assertThat(watch.start("start-up")).as("the sweep is deferred").isTrue();
        assertThat(sweepControl.tasks).as("no sweep while the watcher has not registered the tree").isEmpty();

        watcherThread.runNext(); // registration of every folder
        assertThat(Files.isDirectory(root)).isTrue();
        assertThat(sweepControl.tasks).as("the start-up sweep, now that the tree is watched").hasSize(1);
        sweepControl.runAll();
        assertThat(sweeps).containsExactly("full sweep");
    }

    @Test
    void withoutNativeWatchingOrWithTheFolderMissingTheCallerSweepsAtOnce() throws Exception {
        Files.createDirectories(tmp.resolve("polled"));
        watch = siteWatch(tmp.resolve("polled"), false);
        assertThat(watch.start("start-up")).isFalse();
        assertThat(watcherThread.tasks).as("no watcher").isEmpty();

        watch = siteWatch(tmp.resolve("not-there"), true);
        assertThat(watch.start("start-up")).as("nothing to wait for").isFalse();
        assertThat(watcherThread.tasks).isEmpty();
    }

    @Test
    void aWatcherThatFailsToRegisterStillLeadsToASweep() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("gone-soon"));
        watch = siteWatch(root, true);
        assertThat(watch.start("start-up")).isTrue();
        Files.delete(root); // registration fails: the folder vanished in between
        watcherThread.runNext();
        assertThat(sweepControl.tasks).as("the failure asks for a sweep (skipped while the folder is missing)")
                .isNotEmpty();
    }
}
