package dev.ferry.sweep;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Checksums;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.PutRequest;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.UploadDecision;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.source.local.LocalStat;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation in {@code size-mtime} mode against a real S3Proxy: S3's size and mtime cannot show a rewrite
 * that kept them, but a state record whose ctime or inode moved sends the file to a worker's MD5 check, keeping
 * the record for that check; a record without ctime and inode is filled in.
 */
class ReconcileCtimeIT {
    private static final String BUCKET = "reconcile-ctime";
    private static final FileTime MTIME = FileTime.fromMillis(1_700_000_000_123L);

    @TempDir
    Path root;

    private S3ProxyServer s3;
    private S3ObjectStore store;
    private final InMemoryRecords records = new InMemoryRecords();
    private final Map<String, String> uploads = new TreeMap<>();

    @BeforeEach
    void start() {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        store = S3ObjectStore.create(S3Settings.builder().endpoint(s3.endpoint()).region(s3.region())
                .pathStyle(true).credentials(s3.accessKey(), s3.secretKey()).build());
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aRecordedFileWhoseCtimeMovedIsCheckedAndAnOldRecordIsFilledIn() throws Exception {
        Path rewritten = uploadedFile("rewritten.txt", "content AAAA");
        FileStat uploadedAs = LocalStat.of(rewritten).orElseThrow();
        record(rewritten, uploadedAs, Checksums.md5Hex(rewritten));
        Path next = Files.writeString(root.resolve("next.tmp"), "content BBBB");
        Files.setLastModifiedTime(next, MTIME);
        Files.move(next, rewritten, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path old = uploadedFile("old.txt", "never rewritten");
        FileStat oldNow = LocalStat.of(old).orElseThrow();
        record(old, new FileStat(oldNow.size(), oldNow.mtimeMillis()), "");

        run(Reconciler.Mode.SIZE_MTIME);

        assertThat(uploads).containsExactly(Map.entry("rewritten.txt", UploadDecision.SUSPECT));
        FileRecord kept = records.get(rewritten.toString()).orElseThrow();
        assertThat(kept.status()).as("kept for the worker's MD5 check").isEqualTo(FileStatus.UPLOADED);
        assertThat(kept.stat()).isEqualTo(uploadedAs);
        assertThat(records.get(old.toString()).orElseThrow().stat()).isEqualTo(oldNow);
    }

    /**
     * The daemon's workers go on while a run lists: a file whose upload ended after the run began may be absent
     * from a listing page fetched before, and its record must not be withdrawn (that uploaded it twice), while
     * a file recorded before the run and missing in S3 is put back.
     */
    @Test
    void aFileUploadedWhileTheRunListsIsNotPutBackButOneDeletedBeforeIs() throws Exception {
        Instant runStart = Instant.now().minusSeconds(60);
        Path during = Files.writeString(root.resolve("during.txt"), "uploaded while listing");
        FileStat duringStat = LocalStat.of(during).orElseThrow();
        records.offer(FileRecord.pending(TestIds.SOURCE, during.toString(), BUCKET, "during.txt", duringStat, runStart)
                .uploaded(BUCKET, "during.txt", duringStat, "", "", "", runStart.plusSeconds(30)));
        Path before = Files.writeString(root.resolve("before.txt"), "deleted in S3 before");
        FileStat beforeStat = LocalStat.of(before).orElseThrow();
        records.offer(FileRecord.pending(TestIds.SOURCE, before.toString(), BUCKET, "before.txt", beforeStat, runStart)
                .uploaded(BUCKET, "before.txt", beforeStat, "", "", "", runStart.minusSeconds(30)));

        run(Reconciler.Mode.STATE, Clock.fixed(runStart, java.time.ZoneOffset.UTC));

        assertThat(uploads).containsExactly(Map.entry("before.txt", "missing in S3"));
        assertThat(records.get(during.toString()).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(records.get(before.toString()).orElseThrow().status()).isEqualTo(FileStatus.PENDING);
    }

    private void run(Reconciler.Mode mode) throws InterruptedException {
        run(mode, Clock.systemUTC());
    }

    private void run(Reconciler.Mode mode, Clock clock) throws InterruptedException {
        PrefixRouter router = new PrefixRouter(root, BUCKET, "", new IgnoreRules(List.of()), PathFilter.none());
        Reconciler.Policy policy = new Reconciler.Policy(mode, "STANDARD", false, 0, 0, Optional.empty(), false,
                UploadOptions.NONE);
        new Reconciler(router, store, records, policy, clock).run(new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                uploads.put(destination.key(), reason);
                return true;
            }

            @Override
            public void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
                    Optional<FileRecord> record) {
            }
        }, false);
    }

    private Path uploadedFile(String name, String content) throws Exception {
        Path file = Files.writeString(root.resolve(name), content);
        Files.setLastModifiedTime(file, MTIME);
        store.put(new PutRequest(BUCKET, name, new LocalFileContent(file), Files.size(file), MTIME.toMillis(), UploadOptions.NONE));
        return file;
    }

    private void record(Path file, FileStat stat, String md5) {
        String key = root.relativize(file).toString();
        Instant now = Instant.now();
        records.offer(FileRecord.pending(TestIds.SOURCE, file.toString(), BUCKET, key, stat, now)
                .uploaded(BUCKET, key, stat, md5, "", "", now));
    }
}
