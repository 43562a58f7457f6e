package dev.ferry.sweep;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.UploadDecision;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.RouteDecision;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep hands a file whose ctime or inode moved (size and mtime as recorded) to a worker, which compares its
 * content; a record written before ctime and inode were kept is filled in without reading the file.
 */
class ReconcilerStateSweepCtimeTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path root;

    private final InMemoryRecords records = new InMemoryRecords();
    private final Map<String, String> uploads = new TreeMap<>();

    private final ReconcileSink sink = new ReconcileSink() {
        @Override
        public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
            uploads.put(root.relativize(path).toString(), reason);
            return true;
        }

        @Override
        public void rejected(Path path, RouteDecision.Rejected rejected, FileStat stat, Optional<FileRecord> existing) {
        }
    };

    @Test
    void aMovedCtimeIsHandedToAWorkerAndAnUnknownOneIsFilledIn() throws Exception {
        Path moved = file("photos/moved.txt");
        Path old = file("photos/old.txt");
        Path same = file("photos/same.txt");
        FileStat movedNow = LocalStat.of(moved).orElseThrow();
        uploaded(moved, new FileStat(movedNow.size(), movedNow.mtimeMillis(), movedNow.ctimeNanos() - 1, movedNow.inode()));
        FileStat oldNow = LocalStat.of(old).orElseThrow();
        uploaded(old, new FileStat(oldNow.size(), oldNow.mtimeMillis()));
        uploaded(same, LocalStat.of(same).orElseThrow());

        Instant sweptAt = T.plusSeconds(3600);
        new Reconciler(new FolderBucketRouter(root, new IgnoreRules(List.of())), records, 2,
                (attempt, cause) -> false, Clock.fixed(sweptAt, ZoneOffset.UTC), false).sweep(root, sink, () -> false);

        assertThat(uploads).containsExactly(Map.entry("photos/moved.txt", UploadDecision.SUSPECT));
        assertThat(records.get(old.toString()).orElseThrow().stat()).isEqualTo(oldNow);
        assertThat(records.get(old.toString()).orElseThrow().updatedAt()).as("stamped by the sweep's clock")
                .isEqualTo(sweptAt);
        assertThat(records.get(moved.toString()).orElseThrow().stat()).as("left for the worker")
                .isNotEqualTo(movedNow);
    }

    private Path file(String relative) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, relative);
    }

    private void uploaded(Path file, FileStat stat) {
        String key = root.resolve("photos").relativize(file).toString();
        records.offer(FileRecord.pending(TestIds.SOURCE, file.toString(), "photos", key, stat, T)
                .uploaded("photos", key, stat, "md5", "etag", "", T));
    }
}
