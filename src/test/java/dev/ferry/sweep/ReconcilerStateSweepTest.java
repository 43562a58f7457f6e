package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.RouteDecision;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps against the state store of real trees on disk, with links that lead nowhere; the state store is empty. */
class ReconcilerStateSweepTest {
    @TempDir
    Path root;

    private final Map<String, String> uploads = new TreeMap<>();
    private final Map<String, String> reasons = new TreeMap<>();
    private final List<String> rejected = new java.util.ArrayList<>();

    private final ReconcileSink sink = new ReconcileSink() {
        @Override
        public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
            uploads.put(root.relativize(path).toString(), destination.key());
            reasons.put(root.relativize(path).toString(), reason);
            return true;
        }

        @Override
        public void rejected(Path path, RouteDecision.Rejected why, FileStat stat, Optional<FileRecord> existing) {
            rejected.add(root.relativize(path).toString());
        }
    };


    private SweepResult sweep() throws InterruptedException {
        Reconciler sweep = new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())),
                new InMemoryRecords(), 2, (attempt, cause) -> false, java.time.Clock.systemUTC(), false);
        return sweep.sweep(root, sink, () -> false);
    }

    private Path file(String relative, String content) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    @Test
    void aSymlinkLoopDoesNotEndTheSweepOfItsFolder() throws Exception {
        file("photos/a.txt", "a");
        Files.createSymbolicLink(root.resolve("photos/loop1"), root.resolve("photos/loop2"));
        Files.createSymbolicLink(root.resolve("photos/loop2"), root.resolve("photos/loop1"));
        file("photos/m.txt", "m");
        file("photos/sub/z.txt", "z");
        file("photos/zz.txt", "zz");

        SweepResult result = sweep();

        assertThat(uploads).containsOnlyKeys("photos/a.txt", "photos/m.txt", "photos/sub/z.txt", "photos/zz.txt");
        assertThat(result.complete()).isTrue();
    }

    @Test
    void linksToFilesAreFollowedAndDanglingLinksAndFifosSkipped() throws Exception {
        Path target = file("elsewhere/target.txt", "content of the target");
        file("photos/plain.txt", "p");
        Files.createSymbolicLink(root.resolve("photos/link.txt"), target);
        Files.createSymbolicLink(root.resolve("photos/dangling.txt"), root.resolve("photos/nothing-here"));
        Files.createDirectories(root.resolve("elsewhere/dir"));
        file("elsewhere/dir/inside.txt", "i");
        Files.createSymbolicLink(root.resolve("photos/dirlink"), root.resolve("elsewhere/dir"));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("photos/fifo.jpg").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        SweepResult result = sweep();

        assertThat(uploads).containsEntry("photos/link.txt", "link.txt").containsEntry("photos/plain.txt", "plain.txt")
                .doesNotContainKeys("photos/dangling.txt", "photos/fifo.jpg", "photos/dirlink",
                        "photos/dirlink/inside.txt");
        assertThat(result.complete()).isTrue();
    }

    @Test
    void withForceAFileRecordedAsUploadedIsHandedOverAgain() throws Exception {
        Path a = file("photos/a.txt", "a");
        file("photos/new.txt", "n");
        InMemoryRecords records = new InMemoryRecords();
        FileStat stat = dev.ferry.source.local.LocalStat.entry(a).file().orElseThrow();
        java.time.Instant now = java.time.Instant.now();
        records.offer(FileRecord.pending(records.instance().value(), a.toString(), "photos", "a.txt", stat, now)
                .uploaded("photos", "a.txt", stat, "0cc175b9c0f1b6a831c399e269772661", "etag", "", now));
        FolderBucketRouter router = new FolderBucketRouter(root, new IgnoreRules(List.of()));

        new Reconciler(router, records, 10, (attempt, cause) -> false, java.time.Clock.systemUTC(), false)
                .sweep(root, sink, () -> false);
        assertThat(reasons).containsOnlyKeys("photos/new.txt");

        reasons.clear();
        new Reconciler(router, records, 10, (attempt, cause) -> false, java.time.Clock.systemUTC(), true)
                .sweep(root, sink, () -> false);
        assertThat(reasons).containsEntry("photos/a.txt", Reconciler.FORCED).containsEntry("photos/new.txt", "new file");
    }

    @Test
    void aFileRecordedAsUploadedIsOfferedAsALeftoverNeverForUploadAndAChangedOneIsUploaded() throws Exception {
        Path kept = file("photos/kept.txt", "k");
        Path changed = file("photos/changed.txt", "c");
        file("photos/new.txt", "n");
        InMemoryRecords records = new InMemoryRecords();
        java.time.Instant now = java.time.Instant.now();
        for (Path p : List.of(kept, changed)) {
            FileStat stat = dev.ferry.source.local.LocalStat.entry(p).file().orElseThrow();
            String key = root.resolve("photos").relativize(p).toString();
            records.offer(FileRecord.pending(records.instance().value(), p.toString(), "photos", key, stat, now)
                    .uploaded("photos", key, stat, "", "etag", "", now));
        }
        Files.writeString(changed, "changed since its upload");
        Map<String, String> handed = new TreeMap<>();
        ReconcileSink recording = new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat s, String reason) {
                handed.put(root.relativize(path).toString(), "upload: " + reason);
                return true;
            }

            @Override
            public boolean uploaded(Path path, Destination destination, FileStat s) {
                handed.put(root.relativize(path).toString(), "uploaded: " + destination.key());
                return true;
            }

            @Override
            public void rejected(Path path, RouteDecision.Rejected rejected, FileStat s, Optional<FileRecord> existing) {
            }
        };

        SweepResult result = new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())), records, 10,
                (attempt, cause) -> false, java.time.Clock.systemUTC(), false).sweep(root, recording, () -> false);

        assertThat(handed).containsExactlyEntriesOf(new TreeMap<>(Map.of("photos/kept.txt", "uploaded: kept.txt",
                "photos/changed.txt", "upload: changed", "photos/new.txt", "upload: new file")));
        assertThat(result.queued()).as("a leftover is not counted as an upload").isEqualTo(2);
    }

    @Test
    void aSweepMayStartAtAFolderOrAFileUnderTheRootAndKeysStayTheRoots() throws Exception {
        file("photos/a.txt", "a");
        file("photos/sub/b.txt", "b");
        file("photos/sub/deeper/c.txt", "c");
        Path d = file("videos/d.txt", "d");
        Reconciler sweep = new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())),
                new InMemoryRecords(), 2, (attempt, cause) -> false, java.time.Clock.systemUTC(), false);

        SweepResult folder = sweep.sweep(root.resolve("photos/sub"), sink, () -> false);
        assertThat(uploads).containsOnly(Map.entry("photos/sub/b.txt", "sub/b.txt"),
                Map.entry("photos/sub/deeper/c.txt", "sub/deeper/c.txt"));
        assertThat(folder.files()).isEqualTo(2);
        assertThat(folder.complete()).isTrue();

        uploads.clear();
        SweepResult one = sweep.sweep(d, sink, () -> false);
        assertThat(uploads).containsOnly(Map.entry("videos/d.txt", "d.txt"));
        assertThat(one.files()).isEqualTo(1);

        uploads.clear();
        SweepResult gone = sweep.sweep(root.resolve("photos/gone"), sink, () -> false);
        assertThat(uploads).isEmpty();
        assertThat(gone.unreadable()).as("a folder gone since it was named is counted, not an error").isEqualTo(1);
    }

    @Test
    void aCancelledSweepStopsAndSaysItIsIncomplete() throws Exception {
        for (int i = 0; i < 10; i++) {
            file("photos/f" + i + ".txt", "x");
        }
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        SweepResult result = new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())),
                new InMemoryRecords(), 2, (attempt, cause) -> false, java.time.Clock.systemUTC(), false)
                .sweep(root, sink, () -> asked.incrementAndGet() > 3);

        assertThat(result.complete()).isFalse();
        assertThat(uploads.size()).isLessThan(10);
    }

    @Test
    void aSweepWaitsForAStateStoreItCannotReadAndGivesUpWhenTheWaitSays() throws Exception {
        file("photos/a.txt", "a");
        file("photos/b.txt", "b");
        file("photos/c.txt", "c");
        InMemoryRecords away = new InMemoryRecords();
        away.failNextLookups(2);
        List<Integer> waits = new java.util.ArrayList<>();
        FolderBucketRouter router = new FolderBucketRouter(root, new IgnoreRules(List.of()));

        SweepResult waited = new Reconciler(router, away, 2, (attempt, cause) -> waits.add(attempt),
                java.time.Clock.systemUTC(), false).sweep(root, sink, () -> false);
        assertThat(waits).containsExactly(1, 2);
        assertThat(waited.complete()).isTrue();
        assertThat(uploads).containsOnlyKeys("photos/a.txt", "photos/b.txt", "photos/c.txt");

        uploads.clear();
        away.failNextLookups(1);
        SweepResult gaveUp = new Reconciler(router, away, 2, (attempt, cause) -> false, java.time.Clock.systemUTC(),
                false).sweep(root, sink, () -> false);
        assertThat(gaveUp.complete()).as("nothing is uploaded blindly").isFalse();
        assertThat(uploads).isEmpty();
    }

    @Test
    void aRecordIsLookedUpInTheBucketItsFileGoesToAndARejectedFileIsCounted() throws Exception {
        Path a = file("photos/a.txt", "a");
        Path b = file("videos/a.txt", "b");
        file("Not_A_Bucket/x.txt", "x");
        file("root.txt", "r");
        InMemoryRecords records = new InMemoryRecords();
        java.time.Instant now = java.time.Instant.now();
        FileStat stat = dev.ferry.source.local.LocalStat.entry(a).file().orElseThrow();
        records.offer(FileRecord.pending(records.instance().value(), a.toString(), "photos", "a.txt", stat, now)
                .uploaded("photos", "a.txt", stat, "", "etag", "", now));
        FileStat bStat = dev.ferry.source.local.LocalStat.entry(b).file().orElseThrow();
        records.offer(FileRecord.pending(records.instance().value(), b.toString(), "other", "a.txt", bStat, now)
                .uploaded("other", "a.txt", bStat, "", "etag", "", now)); // another bucket's record: not this file's
        SweepResult result = new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())), records, 1000,
                (attempt, cause) -> false, java.time.Clock.systemUTC(), false).sweep(root, sink, () -> false);

        assertThat(uploads).containsOnly(Map.entry("videos/a.txt", "a.txt"));
        assertThat(rejected).containsExactlyInAnyOrder("Not_A_Bucket/x.txt", "root.txt");
        assertThat(result.files()).isEqualTo(4);
        assertThat(result.queued()).isEqualTo(1);
        assertThat(result.rejected()).isEqualTo(2);
    }
}
