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

/** Sweeps of real trees on disk, with links that lead nowhere; the state store is empty. */
class SweeperTest {
    @TempDir
    Path root;

    private final Map<String, String> uploads = new TreeMap<>();

    private final SweepSink sink = new SweepSink() {
        @Override
        public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
            uploads.put(root.relativize(path).toString(), destination.key());
            return true;
        }

        @Override
        public void reject(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        }
    };


    private SweepResult sweep() throws InterruptedException {
        Sweeper sweeper = new Sweeper(new FolderBucketRouter(root, new IgnoreRules(List.of())), new InMemoryRecords(), sink, 2,
                (attempt, cause) -> false);
        return sweeper.sweep(root, () -> false);
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
                .uploaded("photos", "a.txt", stat, "0cc175b9c0f1b6a831c399e269772661", "etag", now));
        Map<String, String> reasons = new TreeMap<>();
        SweepSink recording = new SweepSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat s, String reason) {
                reasons.put(root.relativize(path).toString(), reason);
                return true;
            }

            @Override
            public void reject(Path path, RouteDecision.Rejected rejected, FileStat s, Optional<FileRecord> existing) {
            }
        };
        FolderBucketRouter router = new FolderBucketRouter(root, new IgnoreRules(List.of()));

        new Sweeper(router, records, recording, 10, (attempt, cause) -> false).sweep(root, () -> false);
        assertThat(reasons).containsOnlyKeys("photos/new.txt");

        reasons.clear();
        new Sweeper(router, records, recording, 10, (attempt, cause) -> false, java.time.Clock.systemUTC(), true)
                .sweep(root, () -> false);
        assertThat(reasons).containsEntry("photos/a.txt", Sweeper.FORCED).containsEntry("photos/new.txt", "new file");
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
                    .uploaded("photos", key, stat, "", "etag", now));
        }
        Files.writeString(changed, "changed since its upload");
        Map<String, String> handed = new TreeMap<>();
        SweepSink recording = new SweepSink() {
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
            public void reject(Path path, RouteDecision.Rejected rejected, FileStat s, Optional<FileRecord> existing) {
            }
        };

        SweepResult result = new Sweeper(new FolderBucketRouter(root, new IgnoreRules(List.of())), records, recording,
                10, (attempt, cause) -> false).sweep(root, () -> false);

        assertThat(handed).containsExactlyEntriesOf(new TreeMap<>(Map.of("photos/kept.txt", "uploaded: kept.txt",
                "photos/changed.txt", "upload: changed", "photos/new.txt", "upload: new file")));
        assertThat(result.queued()).as("a leftover is not counted as an upload").isEqualTo(2);
    }
}
