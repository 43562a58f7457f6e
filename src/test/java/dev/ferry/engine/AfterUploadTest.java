package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.AfterUpload;
import dev.ferry.core.DeleteGuard;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.FailureKind;
import dev.ferry.core.PutResult;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.source.local.LocalSource;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.ManualClock;
import dev.ferry.testing.MemoryObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * delete_after_upload and move_after_upload in the worker: a local file goes only once its object is verified in S3,
 * its record is durable and it is still the version uploaded; otherwise it stays, and the upload stands.
 */
class AfterUploadTest {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    private Path root;
    private Path done;
    private LocalSource source;
    // an hour ahead of the files' modification times, so every file has settled
    private final ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(1)));
    private final InMemoryRecords records = new InMemoryRecords();
    private final MemoryObjectStore store = new MemoryObjectStore().createBucket("archive");

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(tmp.resolve("photos"));
        done = tmp.resolve("done");
        source = new LocalSource("test-instance", root);
    }

    private Site site(AfterUpload after) {
        return new PrefixSite("photos", source, new PrefixRouter(root, "archive", "in/", new IgnoreRules(List.of()),
                PathFilter.none()), store, false, UploadOptions.NONE, 100,
                new SitePolicy(Duration.ZERO, false, after));
    }

    private UploadOutcome process(Site site, Path file, RecordKeeper keeper) throws InterruptedException {
        Uploader uploader = new Uploader(keeper, new EngineSettings(1, 10, SETTLE, false, Duration.ofMillis(200),
                Optional.empty()), clock, UnmarkedUploads.NONE);
        BucketGate gate = new BucketGate("archive", store, false, new BucketStats(), new DeleteGuard(10, clock));
        String key = "in/" + root.relativize(file).toString().replace('\\', '/');
        return uploader.process(site, new Destination("archive", key), source.ref(file), gate);
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void deleteAfterUploadDeletesTheFileOnceItsObjectIsVerifiedAndItsRecordKept() throws Exception {
        Path file = write("cam1/a.jpg", "photo bytes");

        assertThat(process(site(new AfterUpload.Delete()), file, records)).isInstanceOf(UploadOutcome.Uploaded.class);

        assertThat(store.object("archive", "in/cam1/a.jpg").orElseThrow().text()).isEqualTo("photo bytes");
        assertThat(file).doesNotExist();
        assertThat(root.resolve("cam1")).as("only the file goes, not its folder").isDirectory();
        assertThat(records.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void moveAfterUploadKeepsTheSubPathAndNeverOverwrites() throws Exception {
        Path file = write("cam1/2026/a.jpg", "first");
        assertThat(process(site(new AfterUpload.MoveTo(done)), file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).doesNotExist();
        assertThat(done.resolve("cam1/2026/a.jpg")).hasContent("first");

        Path again = write("cam1/2026/a.jpg", "second, same name");
        assertThat(process(site(new AfterUpload.MoveTo(done)), again, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(again).doesNotExist();
        assertThat(done.resolve("cam1/2026/a.jpg")).as("the first stays as it was").hasContent("first");
        assertThat(done.resolve("cam1/2026/a-1.jpg")).hasContent("second, same name");
        assertThat(store.object("archive", "in/cam1/2026/a.jpg").orElseThrow().text()).isEqualTo("second, same name");
    }

    @Test
    void aPolicyMovesTheFileToThePathItsKeyIsMadeFromAsSeed003Did() throws Exception {
        // pattern "photos/**" with input_remove_prefix "photos/cam1/": photos/cam1/2026/a.jpg goes to done/2026/a.jpg
        AfterUpload.MoveTo move = new AfterUpload.MoveTo(done, "photos/", "photos/cam1/");
        assertThat(move.subPath("cam1/2026/a.jpg")).isEqualTo("2026/a.jpg");
        assertThat(move.subPath("cam2/b.jpg")).as("no prefix to remove").isEqualTo("photos/cam2/b.jpg");
        assertThat(new AfterUpload.MoveTo(done, "", "cam1").subPath("cam1/c.jpg")).isEqualTo("c.jpg");
        assertThat(new AfterUpload.MoveTo(done).subPath("x/y.jpg")).isEqualTo("x/y.jpg");

        Path file = write("cam1/2026/a.jpg", "from a policy");
        assertThat(process(site(move), file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).doesNotExist();
        assertThat(done.resolve("2026/a.jpg")).hasContent("from a policy");
    }

    @Test
    void withoutThePolicyTheFileStays() throws Exception {
        Path file = write("a.jpg", "kept");
        assertThat(process(site(AfterUpload.KEEP), file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).hasContent("kept");
    }

    @Test
    void aFileChangedSinceItsUploadIsNotDeleted() throws Exception {
        Path file = write("a.jpg", "version one");
        FileStat uploaded = LocalStat.of(file).orElseThrow();
        PutResult put = store.putBytes("archive", "in/a.jpg", "version one".getBytes(StandardCharsets.UTF_8),
                "image/jpeg", UploadOptions.NONE);
        write("a.jpg", "version two, longer");

        step(records).recorded(site(new AfterUpload.Delete()), new Destination("archive", "in/a.jpg"), file.toString(),
                record(file, uploaded, put), uploaded, put);

        assertThat(file).hasContent("version two, longer");
        assertThat(source.release(file.toString(), uploaded, new AfterUpload.Delete()))
                .isInstanceOfSatisfying(AfterUpload.Changed.class, c -> assertThat(c.why()).contains("size changed"));
        assertThat(file).exists();
    }

    @Test
    void anObjectThatDoesNotMatchTheUploadLeavesTheFile() throws Exception {
        Path file = write("a.jpg", "local bytes");
        FileStat uploaded = LocalStat.of(file).orElseThrow();
        PutResult put = new PutResult("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef",
                uploaded.size(), false);
        // someone else's object of the same size under the key
        store.putBytes("archive", "in/a.jpg", "other bytes".getBytes(StandardCharsets.UTF_8), "image/jpeg",
                UploadOptions.NONE);

        step(records).recorded(site(new AfterUpload.Delete()), new Destination("archive", "in/a.jpg"), file.toString(),
                record(file, uploaded, put), uploaded, put);
        assertThat(file).hasContent("local bytes");

        step(records).recorded(site(new AfterUpload.Delete()), new Destination("archive", "in/missing.jpg"),
                file.toString(), record(file, uploaded, put), uploaded, put);
        assertThat(file).as("no object at all").hasContent("local bytes");
        assertThat(records.get(file.toString()).orElseThrow().status()).as("the upload stands")
                .isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void aRecordNotYetDurableLeavesTheFile() throws Exception {
        Path file = write("a.jpg", "photo");
        RecordKeeper neverDurable = new RecordKeeper() {
            @Override
            public CompletableFuture<Void> submit(FileRecord record) {
                records.offer(record);
                return new CompletableFuture<>();
            }

            @Override
            public void offer(FileRecord record) {
                records.offer(record);
            }

            @Override
            public dev.ferry.core.InstanceId instance() {
                return records.instance();
            }

            @Override
            public Map<dev.ferry.core.RecordId, FileRecord> getAll(Collection<dev.ferry.core.RecordId> ids) {
                return records.getAll(ids);
            }
        };

        assertThat(process(site(new AfterUpload.Delete()), file, neverDurable)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.object("archive", "in/a.jpg")).isPresent();
        assertThat(file).hasContent("photo");
    }

    @Test
    void aFileLeftAfterAFailedVerificationGoesWhenAWorkerFindsItUploadedLaterVerifiedAgain() throws Exception {
        Path file = write("cam1/a.jpg", "photo bytes");
        Site site = site(new AfterUpload.Delete());
        store.failNext(MemoryObjectStore.Request.HEAD, 1, FailureKind.RETRYABLE);

        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).as("S3 did not answer the HEAD: it stays").hasContent("photo bytes");

        int heads = store.requests(MemoryObjectStore.Request.HEAD);
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(file).as("released later").doesNotExist();
        assertThat(store.requests(MemoryObjectStore.Request.HEAD)).as("verified first").isEqualTo(heads + 1);
        assertThat(store.writes("archive", "in/cam1/a.jpg")).as("not uploaded again").isEqualTo(1);
        assertThat(records.get(file.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void aLeftoverWhoseObjectNoLongerMatchesStaysAndOneRewrittenIsUploadedBeforeItGoes() throws Exception {
        Path file = write("a.jpg", "local bytes");
        Site site = site(new AfterUpload.Delete());
        store.failNext(MemoryObjectStore.Request.HEAD, 1, FailureKind.RETRYABLE);
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).exists();

        // another object of the same size under the key: the record's MD5 does not verify, the file stays
        store.putBytes("archive", "in/a.jpg", "other bytes".getBytes(StandardCharsets.UTF_8), "image/jpeg",
                UploadOptions.NONE);
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(file).hasContent("local bytes");

        // a new version: uploaded first, then deleted under the usual rule
        Files.writeString(file, "a new version, longer");
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).doesNotExist();
        assertThat(store.object("archive", "in/a.jpg").orElseThrow().text()).isEqualTo("a new version, longer");
    }

    @Test
    void aSiteThatKeepsItsFilesNeverReleasesAFileFoundUploaded() throws Exception {
        Path file = write("a.jpg", "kept");
        Site site = site(AfterUpload.KEEP);
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Uploaded.class);
        int heads = store.requests(MemoryObjectStore.Request.HEAD);
        assertThat(process(site, file, records)).isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(file).hasContent("kept");
        assertThat(store.requests(MemoryObjectStore.Request.HEAD)).as("nothing asked of S3").isEqualTo(heads);
    }

    @Test
    void aFileLeftBecauseItsRecordWasNotDurableGoesOnceTheRecordIsWrittenThrough() throws Exception {
        Path file = write("a.jpg", "photo");
        Site site = site(new AfterUpload.MoveTo(done));
        java.util.List<FileRecord> submitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordKeeper slowThenDurable = new RecordKeeper() {
            @Override
            public CompletableFuture<Void> submit(FileRecord record) {
                records.offer(record);
                if (record.status() != FileStatus.UPLOADED) {
                    return CompletableFuture.completedFuture(null); // the uploading mark
                }
                submitted.add(record);
                // the first UPLOADED record is never confirmed (a store slow or away); later writes are
                return submitted.size() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
            }

            @Override
            public void offer(FileRecord record) {
                records.offer(record);
            }

            @Override
            public dev.ferry.core.InstanceId instance() {
                return records.instance();
            }

            @Override
            public Map<dev.ferry.core.RecordId, FileRecord> getAll(Collection<dev.ferry.core.RecordId> ids) {
                return records.getAll(ids);
            }
        };

        assertThat(process(site, file, slowThenDurable)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(file).as("its record was not confirmed: it stays").hasContent("photo");

        assertThat(process(site, file, slowThenDurable)).isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(submitted).as("the record written through again before the move").hasSize(2);
        assertThat(submitted.get(1).status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(file).doesNotExist();
        assertThat(done.resolve("a.jpg")).hasContent("photo");
    }

    @Test
    void theVerificationComparesSizeAndTheMd5OrElseTheEtag() {
        PutResult put = new PutResult("etag-1", "aaaa", 5, false);
        RemoteObject same = remote(5, "etag-1", Optional.of("AAAA"));
        assertThat(AfterUploadStep.mismatch(Optional.of(same), 5, put)).isEmpty();
        assertThat(AfterUploadStep.mismatch(Optional.empty(), 5, put)).contains("no such object");
        assertThat(AfterUploadStep.mismatch(Optional.of(remote(6, "etag-1", Optional.of("aaaa"))), 5, put))
                .hasValueSatisfying(why -> assertThat(why).contains("6 bytes"));
        assertThat(AfterUploadStep.mismatch(Optional.of(remote(5, "etag-1", Optional.of("bbbb"))), 5, put))
                .hasValueSatisfying(why -> assertThat(why).contains("MD5"));
        assertThat(AfterUploadStep.mismatch(Optional.of(remote(5, "etag-2", Optional.empty())), 5, put))
                .hasValueSatisfying(why -> assertThat(why).contains("ETag"));
        assertThat(AfterUploadStep.mismatch(Optional.of(remote(5, "etag-1", Optional.empty())), 5, put)).isEmpty();
    }

    @Test
    void aVersionIsTheSameOnlyWithItsSizeMtimeInodeAndCtime() {
        FileStat uploaded = new FileStat(10, 1000, 5, 42);
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(10, 1000, 5, 42))).isEmpty();
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(10, 1000, 9, 42)))
                .as("a rewrite in place that kept size and mtime, or a chmod: kept")
                .hasValueSatisfying(why -> assertThat(why).contains("ctime"));
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(11, 1000, 5, 42))).isPresent();
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(10, 2000, 5, 42))).isPresent();
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(10, 1000, 5, 43)))
                .hasValueSatisfying(why -> assertThat(why).contains("replaced"));
        assertThat(AfterUpload.changedSince(uploaded, new FileStat(10, 1000))).as("inode unknown").isEmpty();
    }

    private static RemoteObject remote(long size, String etag, Optional<String> md5) {
        return new RemoteObject("archive", "in/a.jpg", size, etag, Optional.empty(), md5, "STANDARD", Map.of());
    }

    private AfterUploadStep step(RecordKeeper keeper) {
        return new AfterUploadStep(keeper, Duration.ofMillis(200));
    }

    private FileRecord record(Path file, FileStat stat, PutResult put) {
        return FileRecord.pending(records.instance().value(), file.toString(), "archive", "in/a.jpg", stat,
                clock.instant()).uploaded("archive", "in/a.jpg", stat, put.md5Hex(), put.etag(), "", clock.instant());
    }
}
