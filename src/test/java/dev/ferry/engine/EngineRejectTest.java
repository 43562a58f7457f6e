package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.UploadListener;
import dev.ferry.filter.RouteDecision;
import dev.ferry.queue.Backoff;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Recording of files the router rejects, with an in-memory state that sees its own pending writes. */
class EngineRejectTest {
    private final Map<String, FileRecord> records = new ConcurrentHashMap<>();
    private final List<FileRecord> offered = new ArrayList<>();

    private final RecordKeeper keeper = new RecordKeeper() {
        @Override
        public CompletableFuture<Void> submit(FileRecord record) {
            offer(record);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized void offer(FileRecord record) {
            offered.add(record);
            records.put(record.path(), record);
        }

        @Override
        public Optional<FileRecord> get(String path) {
            return Optional.ofNullable(records.get(path));
        }

        @Override
        public Map<String, FileRecord> getAll(Collection<String> paths) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aFileBroughtByTheWatcherAndASweepAtOnceIsRecordedOnce() throws InterruptedException {
        Engine engine = new Engine(List.of(), keeper, EngineSettings.daemon(1, 10, Duration.ofSeconds(2), false),
                Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC), Backoff.standard(),
                UploadListener.NONE);
        Path path = Path.of("/watch/My Photos/a.jpg");
        var rejected = new RouteDecision.Rejected(RouteDecision.Rejection.INVALID_BUCKET, "My Photos", "a.jpg",
                "'My Photos' is not a valid S3 bucket name");
        FileStat stat = new FileStat(12, 1_700_000_000_000L);

        // both callers read the state before either wrote: each passes an empty record
        engine.reject(path, rejected, stat, Optional.empty());
        engine.reject(path, rejected, stat, Optional.empty());

        assertThat(offered).hasSize(1);
        assertThat(offered.get(0).status()).isEqualTo(FileStatus.FAILED);
        engine.shutdown(Duration.ofSeconds(1));
    }
}
