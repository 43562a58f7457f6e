package dev.ferry.engine;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.Destination;
import dev.ferry.core.FileStat;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sites are added to and removed from a running engine one at a time (the control plane changes sites so),
 * with real worker threads and a fixed clock: a file written "now" stays unsettled for ever, so it waits in its
 * queue for as long as the test wants.
 */
class EngineSitesTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @TempDir
    Path tmp;

    private final InMemoryRecords keeper = new InMemoryRecords();
    private Engine engine;

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSiteAddedWhileRunningIsCarriedAndASecondOfTheSameNameIsRefused() throws Exception {
        FlakyStore treeStore = new FlakyStore("http://one:9000");
        Site tree = tree("tree", treeStore);
        engine = engine(List.of(tree));
        FlakyStore prefixStore = new FlakyStore("http://two:9000");
        PrefixSite docs = prefix("docs", prefixStore);

        assertThat(enqueue(docs, "docs-bucket", "a.txt", settled())).as("not running yet").isFalse();
        engine.addSite(docs);
        assertThat(enqueue(docs, "docs-bucket", "a.txt", settled())).isTrue();
        assertThat(enqueue(tree, "photos", "b.jpg", settled())).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> prefixStore.stored.contains("in/a.txt")
                && treeStore.stored.contains("b.jpg"));
        assertThat(engine.bucketStatus()).containsKeys("docs", "photos");
        assertThat(engine.sitesOf(LocalSource.ref(TestIds.SOURCE, docs.root().resolve("x.txt")))).containsExactly(docs);
        assertThatThrownBy(() -> engine.addSite(prefix("docs", prefixStore)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("docs");
    }

    @Test
    void aRemovedSiteTakesNothingMoreAndLeavesStatusWhileTheOtherGoesOn() throws Exception {
        FlakyStore keptStore = new FlakyStore("http://kept:9000");
        FlakyStore goneStore = new FlakyStore("http://gone:9000");
        Site kept = tree("kept", keptStore);
        PrefixSite gone = prefix("gone", goneStore);
        engine = engine(List.of(kept, gone));
        for (int i = 0; i < 5; i++) {
            assertThat(enqueue(gone, "docs-bucket", "wait" + i + ".txt", NOW)).isTrue(); // never settles
        }
        assertThat(engine.bucketStatus().get("gone").queued()).isEqualTo(5);

        engine.removeSite(gone, Duration.ofSeconds(5));

        assertThat(engine.bucketStatus()).doesNotContainKey("gone");
        assertThat(engine.sitesOf(LocalSource.ref(TestIds.SOURCE, gone.root().resolve("x.txt")))).isEmpty();
        assertThat(enqueue(gone, "docs-bucket", "late.txt", settled())).isFalse();
        engine.changed(LocalSource.ref(TestIds.SOURCE, Files.writeString(gone.root().resolve("changed.txt"), "a change after the stop")));
        engine.deletionsRefused(gone, "docs-bucket", Optional.of("too many")); // no lane comes back for it
        assertThat(engine.bucketStatus()).doesNotContainKey("gone");

        assertThat(enqueue(kept, "photos", "c.jpg", settled())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> keptStore.stored.contains("c.jpg"));
        assertThat(goneStore.attempts).hasValue(0);

        // added again (as the control plane would after a change of its settings): carried again
        PrefixSite back = prefix("gone", goneStore);
        engine.addSite(back);
        assertThat(enqueue(back, "docs-bucket", "again.txt", settled())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> goneStore.stored.contains("in/again.txt"));
    }

    @Test
    void aPrefixSiteWithoutFilesYetIsInTheStatusFromTheStartAndATreeHasNoEntryBeforeItsFolders() throws Exception {
        FlakyStore store = new FlakyStore("http://idle:9000");
        PrefixSite idle = prefix("idle", store);
        Site tree = tree("tree", store);
        engine = engine(List.of(idle, tree));

        assertThat(engine.bucketStatus()).containsOnlyKeys("idle");
        assertThat(engine.bucketStatus().get("idle")).satisfies(s -> {
            assertThat(s.queued()).isZero();
            assertThat(s.uploaded()).isZero();
            assertThat(s.lastError()).isEmpty();
        });
        PrefixSite added = prefix("added", store);
        engine.addSite(added);
        assertThat(engine.bucketStatus()).containsOnlyKeys("idle", "added");
        engine.removeSite(added, Duration.ofSeconds(5));
        assertThat(engine.bucketStatus()).containsOnlyKeys("idle");

        assertThat(enqueue(idle, "docs-bucket", "a.txt", settled())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.bucketStatus().get("idle").uploaded() == 1);
    }

    private Engine engine(List<Site> sites) {
        return new Engine(sites, keeper, EngineSettings.daemon(2, 100, Duration.ofSeconds(1), false),
                Clock.fixed(NOW, ZoneOffset.UTC), Backoff.standard(), (bucket, key, path, outcome, since) -> {
                });
    }

    private Site tree(String name, FlakyStore store) throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        return new FolderBucketSite(name, new LocalSource(TestIds.SOURCE, root), new FolderBucketRouter(root, new IgnoreRules(List.of())), store, false,
                UploadOptions.NONE, 100);
    }

    private PrefixSite prefix(String name, FlakyStore store) throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        return new PrefixSite(name, new LocalSource(TestIds.SOURCE, root), new PrefixRouter(root, "docs-bucket", "in/", new IgnoreRules(List.of()),
                PathFilter.none()), store, false, UploadOptions.NONE, 100);
    }

    private static Instant settled() {
        return NOW.minus(Duration.ofMinutes(5));
    }

    /** Writes the file (under the bucket folder for a tree) with the given mtime and hands it to the engine. */
    private boolean enqueue(Site site, String bucket, String name, Instant mtime) throws Exception {
        Path file = site.folderOf(bucket).resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, name);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        Destination dest = site.router().route(file) instanceof dev.ferry.filter.RouteDecision.Routed r
                ? r.destination() : new Destination(bucket, name);
        return engine.enqueue(site, LocalSource.ref(TestIds.SOURCE, file), dest, LocalStat.of(file).orElseThrow());
    }
}
