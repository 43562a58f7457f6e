package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Checksums;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's side of the rule in {@link dev.ferry.core.UploadDecision}: a file whose size and mtime match its
 * UPLOADED record but whose ctime or inode moved is uploaded only when its MD5 differs from what S3 holds. The
 * record's ctime is set in the past (a file's own ctime cannot be set), so no test depends on the clock tick.
 */
class SuspectUploadTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final FileTime MTIME = FileTime.from(NOW.minus(Duration.ofMinutes(5)));
    private static final Destination DEST = new Destination("photos", "a.bin");

    @TempDir
    Path root;

    private final InMemoryRecords keeper = new InMemoryRecords();
    private final List<PutRequest> puts = new ArrayList<>();
    private Optional<RemoteObject> head = Optional.empty();
    private Runnable duringPut = () -> { };

    @Test
    void aRewriteWithTheSameSizeAndMtimeIsUploaded() throws Exception {
        Path file = file("version one");
        recordUploaded(file, movedCtime(file), Checksums.md5Hex(file));
        rewrite(file, "version two");

        UploadOutcome outcome = process(file);

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(puts).hasSize(1);
        FileRecord after = keeper.get(file.toString()).orElseThrow();
        assertThat(after.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(after.checksum()).isEqualTo(Checksums.md5Hex(file));
        assertThat(after.stat()).isEqualTo(LocalStat.of(file).orElseThrow());
    }

    @Test
    void aChangeOfCtimeAloneUploadsNothingAndIsRecordedSoTheFileIsNotHashedAgain() throws Exception {
        Path file = file("same bytes");
        String md5 = Checksums.md5Hex(file);
        recordUploaded(file, movedCtime(file), md5);

        UploadOutcome first = process(file);
        UploadOutcome second = process(file);

        assertThat(puts).isEmpty();
        assertThat(first).isInstanceOfSatisfying(UploadOutcome.Unchanged.class,
                u -> assertThat(u.why()).contains("content the same"));
        assertThat(second).isEqualTo(new UploadOutcome.Unchanged("already uploaded"));
        FileRecord after = keeper.get(file.toString()).orElseThrow();
        assertThat(after.stat()).isEqualTo(LocalStat.of(file).orElseThrow());
        assertThat(after.checksum()).isEqualTo(md5);
    }

    @Test
    void aSuspectFileWaitsUntilItsCtimeIsQuietForTheSettleTime() throws Exception {
        Path file = file("being rewritten");
        recordUploaded(file, movedCtime(file), Checksums.md5Hex(file));
        long ctime = LocalStat.of(file).orElseThrow().ctimeNanos();
        Instant changed = Instant.ofEpochSecond(0, ctime);

        UploadOutcome outcome = process(file, Clock.fixed(changed.plusMillis(500), ZoneOffset.UTC));

        assertThat(outcome).isEqualTo(new UploadOutcome.Requeue(changed.plusSeconds(2), "inode changed just now"));
        assertThat(puts).isEmpty();
        assertThat(process(file, Clock.fixed(changed.plusSeconds(2), ZoneOffset.UTC)))
                .isInstanceOf(UploadOutcome.Unchanged.class);
    }

    @Test
    void withoutARecordedChecksumS3sMd5Decides() throws Exception {
        Path file = file("old record");
        recordUploaded(file, movedCtime(file), "");
        head = Optional.of(remote(Checksums.md5Hex(file)));

        assertThat(process(file)).isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(puts).isEmpty();
        assertThat(keeper.get(file.toString()).orElseThrow().checksum()).isEqualTo(Checksums.md5Hex(file));

        recordUploaded(file, movedCtime(file), "");
        head = Optional.of(remote("0123456789abcdef0123456789abcdef"));
        assertThat(process(file)).isInstanceOf(UploadOutcome.Uploaded.class);

        recordUploaded(file, movedCtime(file), "");
        head = Optional.of(new RemoteObject("photos", "a.bin", 10, "abc-2", Optional.empty(), Optional.empty(),
                "STANDARD", Map.of()));
        assertThat(process(file)).as("no MD5 to compare with: upload").isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(puts).hasSize(2);
    }

    @Test
    void aRecordFromBeforeCtimeWasKeptIsTrustedAndFilledIn() throws Exception {
        Path file = file("upgraded");
        FileStat now = LocalStat.of(file).orElseThrow();
        recordUploaded(file, new FileStat(now.size(), now.mtimeMillis()), "");

        assertThat(process(file)).isEqualTo(new UploadOutcome.Unchanged("already uploaded"));
        assertThat(puts).isEmpty();
        assertThat(keeper.get(file.toString()).orElseThrow().stat()).isEqualTo(now);
    }

    @Test
    void theSameBytesUnderANewInodeDuringTheUploadAreRecordedNotRequeued() throws Exception {
        Path file = file("steady content");
        duringPut = () -> rewrite(file, "steady content");

        UploadOutcome outcome = process(file);

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(keeper.get(file.toString()).orElseThrow().stat()).isEqualTo(LocalStat.of(file).orElseThrow());
        assertThat(process(file)).isEqualTo(new UploadOutcome.Unchanged("already uploaded"));
        assertThat(puts).hasSize(1);
    }

    @Test
    void aRewriteWithTheSameSizeAndMtimeDuringTheUploadIsRequeuedThenUploaded() throws Exception {
        Path file = file("content AAAA");
        duringPut = () -> rewrite(file, "content BBBB");

        UploadOutcome outcome = process(file);

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Requeue.class,
                r -> assertThat(r.why()).isEqualTo("changed during upload"));
        duringPut = () -> { };
        assertThat(process(file)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(keeper.get(file.toString()).orElseThrow().checksum()).isEqualTo(Checksums.md5Hex(file));
    }

    private UploadOutcome process(Path file) throws InterruptedException {
        return process(file, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private UploadOutcome process(Path file, Clock clock) throws InterruptedException {
        ObjectStore store = new Store();
        Site site = new FolderBucketSite("watch", new LocalSource(TestIds.SOURCE, root), new FolderBucketRouter(root, new IgnoreRules(List.of())), store, false,
                UploadOptions.NONE, 100);
        Uploader uploader = new Uploader(keeper, EngineSettings.daemon(1, 10, Duration.ofSeconds(2), false), clock,
                dev.ferry.core.UnmarkedUploads.NONE);
        BucketGate gate = new BucketGate("photos", store, false, new BucketStats(), new DeleteGuard(10, clock));
        return uploader.process(site, DEST, LocalSource.ref(TestIds.SOURCE, file), gate);
    }

    private Path file(String content) throws IOException {
        Path file = root.resolve("photos/a.bin");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, MTIME);
        return file;
    }

    /** Puts {@code content} (same size) in place of the file as a new inode, with the old mtime. */
    private void rewrite(Path file, String content) {
        try {
            Path next = root.resolve("next.tmp");
            Files.writeString(next, content);
            Files.setLastModifiedTime(next, MTIME);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's version as it was a second ago, before a ctime change. */
    private static FileStat movedCtime(Path file) throws IOException {
        FileStat now = LocalStat.of(file).orElseThrow();
        return new FileStat(now.size(), now.mtimeMillis(), now.ctimeNanos() - 1_000_000_000L, now.inode());
    }

    private void recordUploaded(Path file, FileStat stat, String md5) {
        keeper.offer(FileRecord.pending(TestIds.SOURCE, file.toString(), "photos", "a.bin", stat, NOW)
                .uploaded("photos", "a.bin", stat, md5, md5.isEmpty() ? "etag" : md5, "", NOW));
    }

    private static RemoteObject remote(String md5) {
        return new RemoteObject("photos", "a.bin", 10, md5, Optional.empty(), Optional.of(md5), "STANDARD", Map.of());
    }

    private final class Store implements ObjectStore {
        @Override
        public PutResult put(PutRequest request) {
            puts.add(request);
            String md5;
            try {
                try (InputStream in = request.content().open(0, request.size())) {
                    md5 = Checksums.md5Hex(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            duringPut.run();
            return new PutResult(md5, md5, request.size(), false);
        }

        @Override
        public PutResult putBytes(String bucket, String key, byte[] content, String contentType,
                UploadOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RemoteObject> head(String bucket, String key) {
            return head;
        }

        @Override
        public Stream<RemoteEntry> list(String bucket, String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void ensureBucket(String bucket, boolean create) {
        }

        @Override
        public void close() {
        }
    }
}
