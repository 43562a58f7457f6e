package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.Destination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.FolderBucketRouter;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.source.local.LocalSource;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an upload records when the store's put fails, with a real file on disk and an in-memory state. */
class UploaderTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @TempDir
    Path root;

    private final InMemoryRecords keeper = new InMemoryRecords();
    /** The site's retire_deleted. */
    private boolean retireDeleted;
    /** The keys the site's store was asked to delete. */
    private final List<String> deletedKeys = new ArrayList<>();

    private UploadOutcome upload(Path file, Function<PutRequest, PutResult> put) throws InterruptedException {
        return upload(file, put, Optional.empty(), keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5));
    }

    private UploadOutcome upload(Path file, Function<PutRequest, PutResult> put, Optional<RemoteObject> inS3,
            RecordKeeper records, UnmarkedUploads unmarked, Duration durableWait) throws InterruptedException {
        ObjectStore store = new PutOnlyStore(put, () -> inS3, deletedKeys);
        return upload(file, store, records, unmarked, durableWait);
    }

    private UploadOutcome upload(Path file, ObjectStore store, RecordKeeper records, UnmarkedUploads unmarked,
            Duration durableWait) throws InterruptedException {
        Site site = new FolderBucketSite("watch", new LocalSource(TestIds.SOURCE, root), new FolderBucketRouter(root, new IgnoreRules(List.of())), store, retireDeleted,
                UploadOptions.NONE, 100);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Uploader uploader = new Uploader(records, new EngineSettings(1, 10, SETTLE, false, durableWait,
                Optional.empty()), clock, unmarked);
        BucketGate gate = new BucketGate("photos", store, false, new BucketStats(), new DeleteGuard(10, clock));
        return uploader.process(site, new Destination("photos", "a.bin"), LocalSource.ref(TestIds.SOURCE, file), gate);
    }

    private Path file(String content) throws IOException {
        Path file = root.resolve("photos/a.bin");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofMinutes(5))));
        return file;
    }

    @Test
    void aFileThatChangesWhileItIsSentIsRequeuedNotFailed() throws Exception {
        Path file = file("first version");

        UploadOutcome outcome = upload(file, request -> {
            try {
                Files.writeString(file, " and more", StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new TransferException(FailureKind.RETRYABLE, "photos/a.bin: changed while uploading: file grew");
        });

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Requeue.class, r -> {
            assertThat(r.why()).startsWith("changed during upload");
            assertThat(r.due()).isEqualTo(NOW.plus(SETTLE));
        });
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADING);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "retire_deleted: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aFileDeletedWhileItIsSentIsGoneNotFailed(boolean retire) throws Exception {
        retireDeleted = retire;
        Path file = file("about to go");

        UploadOutcome outcome = upload(file, request -> {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // what the transfer says when the body's file is gone (Failures)
            throw new TransferException(FailureKind.PERMANENT,
                    "photos/a.bin: upload failed: file vanished before it could be uploaded");
        });

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Gone.class, g -> assertThat(g.present()).isFalse());
        FileRecord record = keeper.get(file.toString()).orElseThrow();
        assertThat(record.status()).as("its uploading mark closed, not failed").isEqualTo(FileStatus.IGNORED);
        assertThat(record.reason()).isEqualTo("deleted locally before it was uploaded");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "retire_deleted: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aChangeDeletedWhileItIsSentTakesTheVersionBeforeItFromS3UnderRetireDeleted(boolean retire) throws Exception {
        retireDeleted = retire;
        Path file = file("first version");
        assertThat(upload(file, request -> PUT)).isInstanceOf(UploadOutcome.Uploaded.class);
        Files.writeString(file, "second version, longer");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofMinutes(4))));

        UploadOutcome outcome = upload(file, request -> {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new TransferException(FailureKind.PERMANENT,
                    "photos/a.bin: upload failed: file vanished before it could be uploaded");
        });

        FileRecord record = keeper.get(file.toString()).orElseThrow();
        assertThat(record.status()).isEqualTo(FileStatus.IGNORED);
        if (retire) {
            assertThat(outcome).isEqualTo(new UploadOutcome.Deleted("a.bin"));
            assertThat(deletedKeys).as("the first version, still in S3, goes with the file").containsExactly("a.bin");
            assertThat(record.reason()).isEqualTo("deleted locally; deleted from S3 (retire_deleted)");
        } else {
            assertThat(outcome).isInstanceOf(UploadOutcome.Gone.class);
            assertThat(deletedKeys).isEmpty();
            assertThat(record.reason()).isEqualTo(
                    "deleted locally before its latest version was uploaded; S3 keeps the version before it");
        }
    }

    /** A store that holds what it is sent, for the tests that look at its objects. */
    private final dev.ferry.testing.MemoryObjectStore memory = new dev.ferry.testing.MemoryObjectStore()
            .createBucket("photos");

    /** Under retire_deleted, a file uploaded to {@link #memory}, then deleted locally. */
    private Path uploadedThenDeletedUnderRetireDeleted() throws Exception {
        retireDeleted = true;
        Path file = file("first version");
        assertThat(upload(file, memory, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5)))
                .isInstanceOf(UploadOutcome.Uploaded.class);
        Files.delete(file);
        return file;
    }

    @Test
    void aFileReplacedByAFolderOfItsNameHasItsObjectRetired() throws Exception {
        Path file = uploadedThenDeletedUnderRetireDeleted();
        Files.writeString(Files.createDirectories(file).resolve("inner.txt"), "inner");

        assertThat(upload(file, memory, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5)))
                .isEqualTo(new UploadOutcome.Deleted("a.bin"));
        assertThat(memory.keys("photos")).isEmpty();
    }

    @Test
    void aRefusedDeletionOfAFileDeletedLocallyIsRecordedFailedAndTheNextAttemptStillDeletesItsObject()
            throws Exception {
        Path file = uploadedThenDeletedUnderRetireDeleted();
        memory.refuseDeletes(key -> true);

        UploadOutcome refused = upload(file, memory, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5));

        assertThat(refused).isInstanceOfSatisfying(UploadOutcome.Retry.class,
                r -> assertThat(r.reason()).contains("delete refused: AccessDenied"));
        FileRecord failed = keeper.get(file.toString()).orElseThrow();
        assertThat(failed.status()).as("listed by ferry failed, tried again by ferry retry")
                .isEqualTo(FileStatus.FAILED);
        assertThat(failed.reason()).startsWith("deleted locally; deleting its object from S3 failed: ")
                .contains("AccessDenied");
        assertThat(failed.uploadedAt()).as("still knows its object is Ferry's").isPresent();
        assertThat(memory.keys("photos")).containsExactly("a.bin");

        memory.refuseDeletes(key -> false);
        assertThat(upload(file, memory, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5)))
                .isEqualTo(new UploadOutcome.Deleted("a.bin"));
        assertThat(memory.keys("photos")).isEmpty();
        FileRecord closed = keeper.get(file.toString()).orElseThrow();
        assertThat(closed.status()).isEqualTo(FileStatus.IGNORED);
        assertThat(closed.reason()).isEqualTo("deleted locally; deleted from S3 (retire_deleted)");
    }

    @Test
    void aFileTouchedWhileItIsSentIsRecordedWithItsNewMtimeNotSentAgain() throws Exception {
        Path file = file("same bytes");
        FileTime touched = FileTime.from(NOW.minus(Duration.ofMinutes(1)));

        UploadOutcome outcome = upload(file, request -> {
            try {
                Files.setLastModifiedTime(file, touched); // a touch while the PUT is under way: same bytes
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new PutResult("e", "b7c7a19ff9841101a57b7867181d267e", 10, false); // the MD5 of "same bytes"
        });

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        FileRecord r = keeper.get(file.toString()).orElseThrow();
        assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(r.mtimeMillis()).as("the touched version is the one recorded").isEqualTo(touched.toMillis());
    }

    @Test
    void aFileWhoseKeyChangedBackToOneThatHoldsItsContentIsRecordedThereNotSentAgain() throws Exception {
        Path file = file("same bytes");
        String md5 = "b7c7a19ff9841101a57b7867181d267e"; // of "same bytes"
        upload(file, request -> new PutResult(md5, md5, 10, false));
        FileRecord sent = keeper.get(file.toString()).orElseThrow();
        // the site's prefix changed to "old/" and the file went there; now it is back at "a.bin"
        keeper.offer(sent.uploaded("photos", "old/a.bin", sent.stat(), md5, md5, "", NOW));
        RemoteObject atNewKey = new RemoteObject("photos", "a.bin", 10, md5, Optional.empty(), Optional.of(md5),
                "STANDARD", Map.of());

        UploadOutcome outcome = upload(file, request -> {
            throw new AssertionError("the object at the new key holds the content: must not be sent again");
        }, Optional.of(atNewKey), keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5));

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Unchanged.class,
                u -> assertThat(u.why()).contains("already in S3 at its new key a.bin"));
        FileRecord r = keeper.get(file.toString()).orElseThrow();
        assertThat(r.key()).isEqualTo("a.bin");
        assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);

        // another content at the new key: sent
        keeper.offer(r.uploaded("photos", "old/a.bin", r.stat(), md5, md5, "", NOW));
        String other = "0123456789abcdef0123456789abcdef";
        List<PutRequest> puts = new ArrayList<>();
        upload(file, request -> {
            puts.add(request);
            return new PutResult(md5, md5, 10, false);
        }, Optional.of(new RemoteObject("photos", "a.bin", 10, other, Optional.empty(), Optional.of(other),
                "STANDARD", Map.of())), keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5));
        assertThat(puts).hasSize(1);
    }

    @Test
    void aFailureOfAnUnchangedFileIsRecordedAndRetried() throws Exception {
        Path file = file("same");

        UploadOutcome outcome = upload(file, request -> {
            throw new TransferException(FailureKind.RETRYABLE, "photos/a.bin: upload failed: server error");
        });

        assertThat(outcome).isInstanceOf(UploadOutcome.Retry.class);
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
    }

    @Test
    void anUploadInterruptedByShutdownIsNotRecordedAsFailed() throws Exception {
        Path file = file("same");
        UploadOutcome outcome;
        try {
            outcome = upload(file, request -> {
                Thread.currentThread().interrupt();
                throw new TransferException(FailureKind.RETRYABLE, "photos/a.bin: upload failed: interrupted");
            });
        } finally {
            Thread.interrupted();
        }

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Requeue.class,
                r -> assertThat(r.why()).isEqualTo("interrupted by shutdown"));
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADING);
    }

    @Test
    void aFailedFileDeletedBeforeItsUploadLeavesTheFailedList() throws Exception {
        Path file = file("will fail, then go");
        upload(file, request -> {
            throw new TransferException(FailureKind.RETRYABLE, "photos/a.bin: upload failed: server error");
        });
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
        Files.delete(file);

        UploadOutcome outcome = upload(file, request -> {
            throw new AssertionError("nothing to send");
        });

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Gone.class,
                g -> assertThat(g).isEqualTo(new UploadOutcome.Gone("no longer exists", false)));
        FileRecord record = keeper.get(file.toString()).orElseThrow();
        assertThat(record.status()).isEqualTo(FileStatus.IGNORED);
        assertThat(record.reason()).isEqualTo("deleted locally before it was uploaded");
    }

    @Test
    void aFifoIsNotAFileAndSaysSo() throws Exception {
        Path fifo = root.resolve("photos/pipe.jpg");
        Files.createDirectories(fifo.getParent());
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        UploadOutcome outcome = upload(fifo, request -> {
            throw new AssertionError("a FIFO must not be read");
        });

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Gone.class,
                g -> {
                    assertThat(g.why()).startsWith("not a regular file");
                    assertThat(g.present()).as("there, so told at INFO").isTrue();
                });
    }

    /** A store where the keeper takes no writes: reads work, a submit's future never completes. */
    private static final class RefusingWrites implements RecordKeeper {
        final AtomicInteger submits = new AtomicInteger();

        @Override
        public CompletableFuture<Void> submit(FileRecord record) {
            submits.incrementAndGet();
            keeper.offer(record);
            return new CompletableFuture<>();
        }

        @Override
        public void offer(FileRecord record) {
            keeper.offer(record);
        }

        @Override
        public dev.ferry.core.InstanceId instance() {
            return keeper.instance();
        }

        @Override
        public Map<dev.ferry.core.RecordId, FileRecord> getAll(Collection<dev.ferry.core.RecordId> ids) {
            return keeper.getAll(ids);
        }

        @Override
        public boolean takesWrites() {
            return false;
        }

        private final InMemoryRecords keeper;

        RefusingWrites(InMemoryRecords keeper) {
            this.keeper = keeper;
        }
    }

    /** A flag that can be raised (or not), and notes what the keeper held each time it was. */
    private final class Flag implements UnmarkedUploads {
        final boolean works;
        final boolean doubt;
        final List<List<FileRecord>> offeredAtRaise = new ArrayList<>();

        Flag(boolean works, boolean doubt) {
            this.works = works;
            this.doubt = doubt;
        }

        @Override
        public boolean raise() {
            offeredAtRaise.add(keeper.offered());
            return works;
        }

        @Override
        public boolean inDoubt(long mtimeMillis) {
            return doubt;
        }
    }

    private static final PutResult PUT = new PutResult("etag", "0123456789abcdef0123456789abcdef", 16, false);

    @Test
    void whileTheStoreTakesNoWritesTheUploadRaisesTheFlagInsteadOfWaitingForItsMark() throws Exception {
        Path file = file("during an outage");
        RefusingWrites refusing = new RefusingWrites(keeper);
        Flag flag = new Flag(true, false);

        UploadOutcome outcome = upload(file, request -> PUT, Optional.empty(), refusing, flag, Duration.ofHours(1));

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(refusing.submits).as("no wait for a mark the store cannot take").hasValue(0);
        assertThat(flag.offeredAtRaise).hasSize(1);
        assertThat(flag.offeredAtRaise.get(0)).as("the mark is handed over before the flag is raised")
                .extracting(FileRecord::status).containsExactly(FileStatus.UPLOADING);
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void whenTheFlagCannotBeRaisedTheUploadWaitsForItsMarkAsBefore() throws Exception {
        Path file = file("during an outage, flag refused");
        RefusingWrites refusing = new RefusingWrites(keeper);

        UploadOutcome outcome = upload(file, request -> PUT, Optional.empty(), refusing, new Flag(false, false),
                Duration.ofMillis(50));

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(refusing.submits).as("waited for the mark").hasValue(1);
    }

    @Test
    void aFileInDoubtAfterACrashIsCheckedInS3AndNotUploadedAgain() throws Exception {
        Path file = file("uploaded before the crash");
        long mtime = Files.getLastModifiedTime(file).toMillis();
        String md5 = dev.ferry.core.Checksums.md5Hex(file);
        RemoteObject inS3 = new RemoteObject("photos", "a.bin", Files.size(file), md5, Optional.of(mtime),
                Optional.of(md5), "STANDARD", Map.of());

        UploadOutcome outcome = upload(file, request -> {
            throw new AssertionError("already in S3: must not be uploaded again");
        }, Optional.of(inS3), keeper, new Flag(true, true), Duration.ofSeconds(5));

        assertThat(outcome).isInstanceOf(UploadOutcome.Unchanged.class);
        FileRecord r = keeper.get(file.toString()).orElseThrow();
        assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(r.checksum()).isEqualTo(md5);
    }

    @Test
    void aFileInDoubtWhileS3IsAwayKeepsItsMarkSoItIsCheckedOnceS3AnswersNotSentBlind() throws Exception {
        Path file = file("uploaded before the crash");
        long mtime = Files.getLastModifiedTime(file).toMillis();
        String md5 = dev.ferry.core.Checksums.md5Hex(file);
        dev.ferry.core.FileStat stat = dev.ferry.source.local.LocalStat.of(file).orElseThrow();
        keeper.offer(FileRecord.pending(TestIds.SOURCE, file.toString(), "photos", "a.bin", stat, NOW)
                .uploading("photos", "a.bin", stat, "", NOW)); // killed during its upload
        boolean[] away = {true};
        RemoteObject inS3 = new RemoteObject("photos", "a.bin", Files.size(file), md5, Optional.of(mtime),
                Optional.of(md5), "STANDARD", Map.of());
        ObjectStore store = new PutOnlyStore(request -> {
            throw new AssertionError("already in S3: must not be uploaded again");
        }, () -> {
            if (away[0]) {
                throw new TransferException(FailureKind.UNREACHABLE, "photos/a.bin: network error: Connection refused");
            }
            return Optional.of(inS3);
        }, deletedKeys);

        UploadOutcome first = upload(file, store, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5));

        assertThat(first).isInstanceOfSatisfying(UploadOutcome.Retry.class, r -> assertThat(r.unreachable()).isTrue());
        assertThat(keeper.get(file.toString()).orElseThrow().status()).as("the mark stays")
                .isEqualTo(FileStatus.UPLOADING);

        away[0] = false;
        assertThat(upload(file, store, keeper, UnmarkedUploads.NONE, Duration.ofSeconds(5)))
                .isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(keeper.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void aRewriteThatKeptSizeAndMtimeInDoubtAfterACrashIsUploadedNotTakenForTheObjectBeforeIt() throws Exception {
        // the upload of a rewrite that put the old mtime back was cut short: S3 still holds the version before it,
        // with the same size and mtime metadata, and the UPLOADING mark knows the new ctime and inode
        Path file = file("new content, 25 bytes!!!!");
        long mtime = Files.getLastModifiedTime(file).toMillis();
        String before = "0123456789abcdef0123456789abcdef";
        RemoteObject inS3 = new RemoteObject("photos", "a.bin", Files.size(file), before, Optional.of(mtime),
                Optional.of(before), "STANDARD", Map.of());
        List<PutRequest> sent = new ArrayList<>();

        UploadOutcome outcome = upload(file, request -> {
            sent.add(request);
            return PUT;
        }, Optional.of(inS3), keeper, new Flag(true, true), Duration.ofSeconds(5));

        assertThat(outcome).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(sent).as("the new content is sent").hasSize(1);
    }

    @Test
    void aFileInDoubtWhoseObjectGivesNoMd5IsUploadedAgain() throws Exception {
        Path file = file("a multipart object without its MD5");
        long mtime = Files.getLastModifiedTime(file).toMillis();
        RemoteObject inS3 = new RemoteObject("photos", "a.bin", Files.size(file), "abc-2", Optional.of(mtime),
                Optional.empty(), "STANDARD", Map.of());
        List<PutRequest> sent = new ArrayList<>();

        upload(file, request -> {
            sent.add(request);
            return PUT;
        }, Optional.of(inS3), keeper, new Flag(true, true), Duration.ofSeconds(5));

        assertThat(sent).as("size and mtime alone cannot vouch for the content").hasSize(1);
    }

    /**
     * Only {@code put} is used by these uploads, {@code head}, which finds {@code inS3}, and {@code delete}, which
     * notes the keys in {@code deleted}.
     */
    private record PutOnlyStore(Function<PutRequest, PutResult> put, java.util.function.Supplier<Optional<RemoteObject>> inS3,
            List<String> deleted) implements ObjectStore {
        @Override
        public PutResult put(PutRequest request) {
            return put.apply(request);
        }

        @Override
        public PutResult putBytes(String bucket, String key, byte[] content, String contentType,
                UploadOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RemoteObject> head(String bucket, String key) {
            return inS3.get();
        }

        @Override
        public Stream<RemoteEntry> list(String bucket, String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
            deleted.addAll(keys);
            return List.of();
        }

        @Override
        public void ensureBucket(String bucket, boolean create) {
        }

        @Override
        public void close() {
        }
    }
}
