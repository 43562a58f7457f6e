package dev.ferry.bench;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.RouteDecision;
import dev.ferry.filter.Router;
import dev.ferry.state.SqliteStateStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes into a SQLite state file the records Ferry would hold after uploading every file under
 * {@code --watch} ({@code --state-dir}/ferry.db): status UPLOADED, the file's size and modification time,
 * its bucket and key from Ferry's own {@link Router}, its MD5 as checksum and ETag. Written through Ferry's
 * own {@link SqliteStateStore}, in batches. This stands in for a first upload of a million files, which takes
 * far longer than the sweep being measured; the S3 side is not needed for that measurement, because a
 * sweep of a tree its state store knows makes no S3 request.
 */
public final class SeedState {
    private SeedState() {
    }

    public static void main(String[] argv) throws IOException {
        BenchArgs args = new BenchArgs(argv);
        Path root = args.path("watch");
        Path db = args.path("state-dir").resolve("ferry.db");
        int batchSize = args.integer("batch", 20_000);
        Router router = new FolderBucketRouter(root, new IgnoreRules(List.of()));
        Instant now = Instant.now();
        long began = System.nanoTime();
        long[] written = {0};
        try (SqliteStateStore store = SqliteStateStore.open(db)) {
            List<FileRecord> batch = new ArrayList<>(batchSize);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile()
                            || !(router.route(file) instanceof RouteDecision.Routed routed)) {
                        return FileVisitResult.CONTINUE;
                    }
                    FileStat stat = new FileStat(attrs.size(), attrs.lastModifiedTime().toMillis());
                    String md5 = Verify.md5(Files.newInputStream(file));
                    String bucket = routed.destination().bucket();
                    String key = routed.destination().key();
                    batch.add(FileRecord.pending(store.instance().value(), file.toString(), bucket, key, stat.size(), stat.mtimeMillis(), now)
                            .uploaded(bucket, key, stat.size(), stat.mtimeMillis(), md5, md5, now));
                    if (batch.size() >= batchSize) {
                        store.putAll(batch);
                        written[0] += batch.size();
                        batch.clear();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            store.putAll(batch);
            written[0] += batch.size();
        }
        System.out.printf("seeded %d UPLOADED records into %s in %.1f s%n", written[0], db,
                (System.nanoTime() - began) / 1e9);
    }
}
