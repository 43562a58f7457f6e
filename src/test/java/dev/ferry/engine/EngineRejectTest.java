package dev.ferry.engine;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.testing.Latin1Names;
import dev.ferry.testing.MemoryObjectStore;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import dev.ferry.core.FileStatus;
import dev.ferry.core.UploadListener;
import dev.ferry.filter.RouteDecision;
import dev.ferry.queue.Backoff;
import dev.ferry.source.local.LocalSource;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Recording of files the router rejects, with an in-memory state that sees its own pending writes. */
class EngineRejectTest {
    private final InMemoryRecords keeper = new InMemoryRecords();

    /** An engine with no site, on a fixed clock: rejections are recorded without a lane. */
    private Engine engine() {
        return new Engine(List.of(), keeper, EngineSettings.daemon(1, 10, Duration.ofSeconds(2), false),
                Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC), Backoff.standard(),
                UploadListener.NONE);
    }

    @Test
    void aFileBroughtByTheWatcherAndASweepAtOnceIsRecordedOnce() throws InterruptedException {
        Engine engine = engine();
        Path path = Path.of("/watch/My Photos/a.jpg");
        var rejected = new RouteDecision.Rejected(RouteDecision.Rejection.INVALID_BUCKET, "My Photos", "a.jpg",
                "'My Photos' is not a valid S3 bucket name");
        FileStat stat = new FileStat(12, 1_700_000_000_000L);

        // both callers read the state before either wrote: each passes an empty record
        engine.reject(LocalSource.ref(TestIds.SOURCE, path), rejected, stat, Optional.empty());
        engine.reject(LocalSource.ref(TestIds.SOURCE, path), rejected, stat, Optional.empty());

        assertThat(keeper.offered()).hasSize(1);
        assertThat(keeper.offered().get(0).status()).isEqualTo(FileStatus.FAILED);
        engine.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void aFileInAFolderThatCannotBeABucketIsWarnedOfOnceAsItIsWrittenAndSwept() throws InterruptedException {
        Engine engine = engine();
        Path path = Path.of("/watch/Bad_Bucket!/a.txt");
        var rejected = new RouteDecision.Rejected(RouteDecision.Rejection.INVALID_BUCKET, "Bad_Bucket!", "a.txt",
                "folder 'Bad_Bucket!' is not a valid S3 bucket name");
        try (LogCapture logged = LogCapture.of(Engine.class.getName())) {
            // the watcher sees the file created (empty), then written; a sweep finds it as written
            engine.reject(LocalSource.ref(TestIds.SOURCE, path), rejected, new FileStat(0, 1_700_000_000_000L),
                    keeper.get(path.toString()));
            engine.reject(LocalSource.ref(TestIds.SOURCE, path), rejected, new FileStat(12, 1_700_000_001_000L),
                    keeper.get(path.toString()));
            engine.reject(LocalSource.ref(TestIds.SOURCE, path), rejected, new FileStat(12, 1_700_000_001_000L),
                    keeper.get(path.toString()));

            assertThat(logged.lines().stream().filter(l -> l.startsWith("WARN")))
                    .containsExactly("WARN " + Engine.class.getName() + ": Bad_Bucket!: folder 'Bad_Bucket!' is not a "
                            + "valid S3 bucket name; its files are not uploaded",
                            "WARN " + Engine.class.getName() + ": " + path + ": not uploaded: folder 'Bad_Bucket!' is "
                            + "not a valid S3 bucket name");
        }
        assertThat(keeper.get(path.toString()).orElseThrow().size()).as("the record follows the file").isEqualTo(12);
        engine.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void aFileWhoseNameIsNotUtf8SeenByTheWatcherIsRecordedFailedAtOnce(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Site site = new FolderBucketSite("watch", new LocalSource(TestIds.SOURCE, root),
                new FolderBucketRouter(root, new IgnoreRules(List.of())),
                new MemoryObjectStore().createBucket("photos"), false, UploadOptions.NONE, 100);
        Engine engine = new Engine(List.of(site), keeper, EngineSettings.daemon(1, 10, Duration.ofSeconds(2), false),
                Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC), Backoff.standard(),
                UploadListener.NONE);
        // the watcher's path keeps the name's bytes; the item it names is its string, with U+FFFD
        Path latin1 = Latin1Names.write(Files.createDirectories(root.resolve("photos")), "caf\u00e9.jpg", "x");

        engine.changed(site, LocalSource.ref(TestIds.SOURCE, latin1));

        await().atMost(Duration.ofSeconds(10)).until(() -> !keeper.offered().isEmpty());
        FileRecord recorded = keeper.offered().get(0);
        assertThat(recorded.path()).isEqualTo(latin1.toString());
        assertThat(recorded.status()).isEqualTo(FileStatus.FAILED);
        assertThat(recorded.reason()).contains("not valid UTF-8");
        assertThat(recorded.permanent()).isTrue();
        assertThat(engine.bucketStatus().get("photos").failed()).isEqualTo(1);
        engine.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void aFolderThatCannotBeABucketLeavesStatusOnceItsFilesAreGone(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Site site = new FolderBucketSite("watch", new LocalSource(TestIds.SOURCE, root),
                new FolderBucketRouter(root, new IgnoreRules(List.of())), new MemoryObjectStore(), false,
                UploadOptions.NONE, 100);
        Engine engine = new Engine(List.of(site), keeper, EngineSettings.daemon(1, 10, Duration.ofSeconds(2), false),
                Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC), Backoff.standard(),
                UploadListener.NONE);
        Path folder = Files.createDirectories(root.resolve("ab")); // too short for a bucket name
        List<Path> files = List.of(folder.resolve("1.jpg"), folder.resolve("2.jpg"), folder.resolve("3.jpg"));
        for (Path f : files) {
            Files.writeString(f, "x");
            engine.changed(site, LocalSource.ref(TestIds.SOURCE, f));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.offered().size() == 3);
        assertThat(engine.bucketStatus().get("ab").failed()).isEqualTo(3);
        assertThat(engine.bucketStatus().get("ab").problem()).isPresent();

        Files.move(folder, root.resolve("abfix")); // renamed to a valid name: its files go there
        // the watcher sees two of them go; the full sweep's DeletedFailures closes the third
        engine.deleted(site, LocalSource.ref(TestIds.SOURCE, files.get(0)));
        engine.deleted(site, LocalSource.ref(TestIds.SOURCE, files.get(1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.offered().size() == 5);
        assertThat(engine.bucketStatus().get("ab").failed()).isEqualTo(1);
        for (Path f : files.subList(0, 2)) {
            assertThat(keeper.get(f.toString()).orElseThrow().status()).isEqualTo(FileStatus.IGNORED);
        }
        engine.failedFileGone(files.get(2).toString(), "ab");

        assertThat(engine.bucketStatus()).doesNotContainKey("ab");
        engine.shutdown(Duration.ofSeconds(1));
    }
}
