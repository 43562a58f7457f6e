package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import dev.ferry.transfer.ServerSideCopier;
import dev.ferry.transfer.StreamingCopier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A full sync of one job against real S3Proxy processes: on one server the copies stay on the server, across two
 * (two accounts, different keys) they stream; the source prefix is remapped; unchanged objects (multipart too) are
 * not copied again, also with an empty state store; a same-size rewrite is; delete: true deletes only inside the
 * destination prefix.
 */
class FullSyncIT {
    static S3ProxyServer one;
    static S3ProxyServer two;
    static final AtomicInteger BUCKETS = new AtomicInteger();

    final List<AutoCloseable> opened = new ArrayList<>();
    String src;
    String dst;
    String far;
    S3ObjectStore oneStore;
    S3ObjectStore twoStore;
    final AtomicInteger sleeps = new AtomicInteger();

    @BeforeAll
    static void servers() {
        one = S3ProxyServer.start();
        two = S3ProxyServer.start(java.util.Map.of("s3proxy.identity", "second-account", "s3proxy.credential",
                "second-account-credential-not-a-secret"));
    }

    @AfterAll
    static void stop() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    @BeforeEach
    void buckets() {
        int n = BUCKETS.incrementAndGet();
        src = "src" + n;
        dst = "dst" + n;
        far = "far" + n;
        one.createBucket(src);
        one.createBucket(dst);
        two.createBucket(far);
        oneStore = S3ObjectStore.create(BucketSourceIT.settings(one));
        twoStore = S3ObjectStore.create(BucketSourceIT.settings(two));
        opened.add(oneStore);
        opened.add(twoStore);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private static void put(S3Client c, String bucket, String key, String content) {
        c.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private static BucketLocation location(S3ProxyServer s, String bucket, String prefix) {
        return new BucketLocation(bucket, prefix, Optional.of(s.region()), Optional.of(s.endpoint()), true,
                Optional.of(s.accessKey()), Optional.of(new dev.ferry.config.Secret(s.secretKey())));
    }

    private Replica onOne(String bucket, String prefix) {
        ServerSideCopier copier = ServerSideCopier.create(BucketSourceIT.settings(one));
        opened.add(copier);
        return new Replica(new ReplicaDestination(location(one, bucket, prefix), Optional.empty(), Optional.empty(),
                Optional.empty()), oneStore, copier::copy, true);
    }

    private Replica onTwo(String bucket, String prefix) {
        S3Settings to = BucketSourceIT.settings(two);
        StreamingCopier copier = StreamingCopier.create(BucketSourceIT.settings(one), to);
        opened.add(copier);
        return new Replica(new ReplicaDestination(location(two, bucket, prefix), Optional.empty(), Optional.empty(),
                Optional.empty()), twoStore, copier::copy, false);
    }

    private FullSync sync(String prefix, List<Replica> replicas, boolean delete, InMemoryRecords records) {
        return sync(prefix, replicas, delete, 100, records);
    }

    private FullSync sync(String prefix, List<Replica> replicas, boolean delete, int maxDelete, InMemoryRecords records) {
        BucketSource source = new BucketSource(src, prefix, Optional.of(one.endpoint()), oneStore, oneStore::openRange);
        return new FullSync("photos", source, replicas, delete, maxDelete, 100, Optional.of(records), 4,
                new FullSync.Retries(Backoff.withoutJitter(Duration.ofMillis(1), Duration.ofMillis(1)), d -> {
                    sleeps.incrementAndGet();
                    return true;
                }, 3), Clock.systemUTC(), new JobStats(source.id()), false);
    }

    /**
     * A destination whose server cannot be reached (here: listed, then copied to a port nothing listens on) is given
     * up after the copies already under way: the others are failures with that reason, tried at the next full sync,
     * and the job's other destinations are not held up by an attempt per object.
     */
    @Test
    void aDestinationThatCannotBeReachedIsGivenUpAfterTheCopiesUnderWayAndTheOthersGoOn() throws Exception {
        for (int i = 0; i < 40; i++) {
            put(one.client(), src, "down/" + i + ".txt", "object " + i);
        }
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        S3Settings nowhere = BucketSourceIT.settings(two).toBuilder()
                .endpoint(java.net.URI.create("http://127.0.0.1:" + closedPort)).build();
        StreamingCopier deadCopier = StreamingCopier.create(BucketSourceIT.settings(one), nowhere);
        opened.add(deadCopier);
        Replica dead = new Replica(new ReplicaDestination(location(two, far, "down/"), Optional.empty(),
                Optional.empty(), Optional.empty()), twoStore, deadCopier::copy, false);
        InMemoryRecords records = new InMemoryRecords();

        FullSyncResult r = sync("down/", List.of(dead, onOne(dst, "down/")), false, records).run();

        List<String> lines = r.destinations().get(0).failures();
        assertThat(lines).hasSize(40);
        long tried = lines.stream().filter(l -> l.contains(": not copied after 3 attempts: ")).count();
        long notTried = lines.stream().filter(l -> l.contains(": not tried: the destination could not be reached (")).count();
        // the copies under way when the first one gave up: 4 copy threads, and the lister when their queue is full
        assertThat(tried).isBetween(1L, 5L);
        assertThat(tried + notTried).isEqualTo(40);
        assertThat(r.destinations().get(1).copied()).isEqualTo(40);
        java.util.Map<String, FileRecord> last = new java.util.HashMap<>();
        records.offered().stream().filter(rec -> rec.id().destination().equals(far)).forEach(rec -> last.put(rec.id().item(), rec));
        assertThat(last).hasSize(40).allSatisfy((key, rec) -> assertThat(rec.status()).isEqualTo(FileStatus.FAILED));
    }

    @Test
    void copiesOnTheServerWithThePrefixRemappedAndRecordsEachCopy() throws Exception {
        put(one.client(), src, "srcfolder/a.txt", "alpha");
        put(one.client(), src, "srcfolder/sub/b c+d.txt", "beta");
        put(one.client(), src, "elsewhere/x.txt", "not in the job");
        InMemoryRecords records = new InMemoryRecords();

        FullSyncResult r = sync("srcfolder/", List.of(onOne(dst, "destfolder/")), false, records).run();

        assertThat(r.complete()).isTrue();
        assertThat(r.destinations().get(0).copied()).isEqualTo(2);
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("destfolder/a.txt", "destfolder/sub/b c+d.txt");
        assertThat(one.readObject(dst, "destfolder/sub/b c+d.txt")).hasValue("beta");
        String sourceId = BucketSource.idOf(src, "srcfolder/", Optional.of(one.endpoint()));
        FileRecord rec = records.get(new RecordId(sourceId, "srcfolder/a.txt", dst)).orElseThrow();
        assertThat(rec.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(rec.key()).isEqualTo("destfolder/a.txt");
        assertThat(rec.attempts()).isZero();
    }

    @Test
    void unchangedObjectsMultipartTooAreNotCopiedAgainEvenWithAnEmptyStateStoreButASameSizeRewriteIs()
            throws Exception {
        put(one.client(), src, "p/a.txt", "alpha");
        multipart(one.client(), src, "p/big.bin");
        List<Replica> both = List.of(onOne(dst, "q/"), onTwo(far, ""));
        FullSyncResult first = sync("p/", both, false, new InMemoryRecords()).run();
        assertThat(first.complete()).as(first.toString()).isTrue();
        assertThat(first.destinations().get(0).copied()).isEqualTo(2);
        assertThat(first.destinations().get(1).copied()).isEqualTo(2);

        FullSyncResult again = sync("p/", List.of(onOne(dst, "q/"), onTwo(far, "")), false,
                new InMemoryRecords()).run();
        assertThat(again.destinations()).allSatisfy(d -> {
            assertThat(d.copied()).isZero();
            assertThat(d.unchanged()).isEqualTo(2);
        });

        put(one.client(), src, "p/a.txt", "ALPHA"); // same size, other content
        FullSyncResult rewritten = sync("p/", List.of(onOne(dst, "q/"), onTwo(far, "")), false,
                new InMemoryRecords()).run();
        assertThat(rewritten.destinations().get(0).copied()).isEqualTo(1);
        assertThat(one.readObject(dst, "q/a.txt")).hasValue("ALPHA");
        assertThat(two.readObject(far, "a.txt")).hasValue("ALPHA");
    }

    @Test
    void streamsAcrossTwoAccountsAndNeverCopiesTwice() throws Exception {
        put(one.client(), src, "in/one.txt", "1");
        put(one.client(), src, "in/deep/two.txt", "22");

        FullSyncResult r = sync("in/", List.of(onTwo(far, "out/")), false, new InMemoryRecords()).run();
        FullSyncResult again = sync("in/", List.of(onTwo(far, "out/")), false, new InMemoryRecords()).run();

        assertThat(r.destinations().get(0).copied()).isEqualTo(2);
        assertThat(two.readObject(far, "out/deep/two.txt")).hasValue("22");
        assertThat(again.destinations().get(0).copied()).isZero();
        assertThat(again.complete()).isTrue();
    }

    @Test
    void deleteTrueDeletesOnlyInsideTheDestinationPrefix() throws Exception {
        put(one.client(), src, "s/keep.txt", "k");
        put(one.client(), dst, "d/stale.txt", "old");
        put(one.client(), dst, "d/keep.txt", "k");
        put(one.client(), dst, "outside/stale.txt", "not ours");
        put(one.client(), dst, "d2/stale.txt", "a neighbour prefix");

        FullSyncResult kept = sync("s/", List.of(onOne(dst, "d/")), false, new InMemoryRecords()).run();
        assertThat(one.listKeys(dst)).contains("d/stale.txt");
        assertThat(kept.destinations().get(0).deleted()).isZero();

        FullSyncResult r = sync("s/", List.of(onOne(dst, "d/")), true, new InMemoryRecords()).run();

        assertThat(r.destinations().get(0).deleted()).isEqualTo(1);
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("d/keep.txt", "outside/stale.txt", "d2/stale.txt");
    }

    @Test
    void theDeleteGuardRefusesAMassDeletionWhole() throws Exception {
        put(one.client(), src, "s/keep.txt", "k");
        for (int i = 0; i < 3; i++) {
            put(one.client(), dst, "d/stale" + i + ".txt", "old");
        }
        BucketSource source = new BucketSource(src, "s/", Optional.of(one.endpoint()), oneStore, oneStore::openRange);
        FullSync guarded = new FullSync("photos", source, List.of(onOne(dst, "d/")), true, 2, 100,
                Optional.empty(), 2, new FullSync.Retries(Backoff.standard(), d -> true, 1), Clock.systemUTC(),
                new JobStats(source.id()), false);

        FullSyncResult r = guarded.run();

        assertThat(r.complete()).isFalse();
        assertThat(r.destinations().get(0).failures()).singleElement().asString().contains("deletions refused")
                .contains("max_delete 2");
        assertThat(one.listKeys(dst)).hasSize(4);
        assertThat(guarded.stats().snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("refused"));
    }

    @Test
    void aDestinationThatCannotBeListedMakesTheSyncIncompleteAndCopiesNothingThere() throws Exception {
        put(one.client(), src, "s/a.txt", "a");
        InMemoryRecords records = new InMemoryRecords();
        String absent = "absent-" + dst;
        Replica missing = new Replica(new ReplicaDestination(location(one, absent, ""),
                Optional.empty(), Optional.empty(), Optional.empty()), oneStore, onOne(dst, "").copier(), true);
        FullSync job = sync("s/", List.of(missing), false, records);

        FullSyncResult r;
        try (dev.ferry.testing.LogCapture logs = dev.ferry.testing.LogCapture.of(FullSync.class.getName())) {
            r = job.run();
            assertThat(logs.lines()).as("failed counts objects, as /status does").anyMatch(l -> l.contains(
                    "full sync done") && l.contains("0 failed, not compared: a listing failed"));
        }

        assertThat(r.complete()).isFalse();
        assertThat(job.stats().snapshot().failed()).isZero();
        assertThat(r.destinations().get(0).failures()).isNotEmpty();
        assertThat(r.destinations().get(0).failures().get(0))
                .contains("not compared, a listing failed (copies stopped there, nothing deleted)");
        assertThat(records.offered()).isEmpty();
        assertThat(job.stats().snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains(absent));

        one.createBucket(absent); // mended: the next full sync completes, and /status no longer shows the error
        assertThat(job.run().complete()).isTrue();
        assertThat(job.stats().snapshot().lastError()).isEmpty();
    }

    @Test
    void aCopyThatKeepsFailingIsRetriedWithBackoffThenRecordedFailed() throws Exception {
        put(one.client(), src, "s/a.txt", "a");
        InMemoryRecords records = new InMemoryRecords();
        ServerSideCopier refused = ServerSideCopier.create(S3Settings.builder().endpoint(one.endpoint())
                .region(one.region()).pathStyle(true).credentials(one.accessKey(), "a-wrong-secret").build());
        opened.add(refused);
        Replica replica = new Replica(new ReplicaDestination(location(one, dst, "d/"), Optional.empty(),
                Optional.empty(), Optional.empty()), oneStore, refused::copy, true);

        FullSyncResult r = sync("s/", List.of(replica), false, records).run();

        assertThat(r.complete()).isFalse();
        assertThat(r.destinations().get(0).failures()).singleElement().asString()
                .startsWith("s3://" + dst + "/d/a.txt: not copied after 3 attempts");
        assertThat(sleeps.get()).isEqualTo(2);
        String sourceId = BucketSource.idOf(src, "s/", Optional.of(one.endpoint()));
        FileRecord failed = records.get(new RecordId(sourceId, "s/a.txt", dst)).orElseThrow();
        assertThat(failed.status()).isEqualTo(FileStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.reason()).isNotBlank().doesNotContain("a-wrong-secret");
        assertThat(failed.permanent()).isFalse();
    }

    @Test
    void aSourceObjectGoneBeforeItsCopyIsAPermanentFailureNotRetried() throws Exception {
        put(one.client(), src, "s/a.txt", "a");
        InMemoryRecords records = new InMemoryRecords();
        two.createBucket(src); // the copier's server has the buckets, not the object
        two.createBucket(dst);
        ServerSideCopier elsewhere = ServerSideCopier.create(BucketSourceIT.settings(two));
        opened.add(elsewhere);
        Replica replica = new Replica(new ReplicaDestination(location(one, dst, "d/"), Optional.empty(),
                Optional.empty(), Optional.empty()), oneStore, elsewhere::copy, true);

        FullSyncResult r = sync("s/", List.of(replica), false, records).run();

        assertThat(r.complete()).isFalse();
        assertThat(sleeps.get()).isZero();
        assertThat(records.offered()).singleElement().satisfies(rec -> {
            assertThat(rec.permanent()).isTrue();
            assertThat(rec.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aServerListingOutOfS3sKeyOrderNeitherDeletesALiveCopyNorReportsFalseDifferences() throws Exception {
        // S3Proxy lists in Java's UTF-16 order: the emoji (a surrogate pair) before the full-width letter U+FF01,
        // the other way round from S3's UTF-8 order
        put(one.client(), src, "o/u-\uD83D\uDE00", "smile");
        put(one.client(), src, "o/u-\uFF01", "bang");
        put(one.client(), dst, "p/u-\uFF01", "bang");
        FullSync sync = sync("o/", List.of(onOne(dst, "p/")), true, new InMemoryRecords());

        FullSyncResult checked = sync.verify();
        assertThat(checked.destinations().get(0).failures()).containsExactly(
                "missing: s3://" + dst + "/p/u-\uD83D\uDE00");

        FullSyncResult r = sync.run();
        assertThat(r.destinations().get(0).deleted()).isZero();
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("p/u-\uD83D\uDE00", "p/u-\uFF01");
        assertThat(one.readObject(dst, "p/u-\uFF01")).hasValue("bang");
        assertThat(sync.verify().complete()).isTrue();
        assertThat(sync.run().destinations().get(0).deleted()).isZero();
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("p/u-\uD83D\uDE00", "p/u-\uFF01");
    }

    /**
     * The copy records the source's date, so a destination whose clock is behind the source's (its dates earlier than
     * the source's for a copy made after it) copies nothing again. The filesystem store dates an object by its file.
     */
    @Test
    void aDestinationWhoseClockIsBehindCopiesNothingAgain() throws Exception {
        one.client().putObject(b -> b.bucket(src).key("skew/k.txt"), RequestBody.fromString("skewed"));
        FullSync sync = sync("skew/", List.of(onTwo(far, "skew/")), false, new InMemoryRecords());
        assertThat(sync.run().destinations().get(0).copied()).isEqualTo(1);
        java.nio.file.Path copy = two.dataDir().resolve(far).resolve("skew").resolve("k.txt");
        java.nio.file.Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofMinutes(10))));
        assertThat(two.client().headObject(b -> b.bucket(far).key("skew/k.txt")).lastModified())
                .isBefore(one.client().headObject(b -> b.bucket(src).key("skew/k.txt")).lastModified());

        assertThat(sync.verify().complete()).isTrue();
        FullSyncResult again = sync.run();

        assertThat(again.destinations().get(0).copied()).isZero();
        assertThat(again.destinations().get(0).unchanged()).isEqualTo(1);
    }

    @Test
    void aChangeOfMetadataInPlaceIsCopiedOnTheServerAndAcrossAccountsThoughTheContentIsTheSame() throws Exception {
        one.client().putObject(b -> b.bucket(src).key("m/k.txt").contentType("text/plain")
                .metadata(java.util.Map.of("color", "blue")), RequestBody.fromString("same bytes"));
        FullSync sync = sync("m/", List.of(onOne(dst, "n/"), onTwo(far, "n/")), false, new InMemoryRecords());
        assertThat(sync.run().destinations()).allSatisfy(d -> assertThat(d.copied()).isEqualTo(1));
        java.time.Instant onOne = one.client().headObject(b -> b.bucket(dst).key("n/k.txt")).lastModified();
        java.time.Instant onTwo = two.client().headObject(b -> b.bucket(far).key("n/k.txt")).lastModified();
        java.time.Instant copied = onOne.isAfter(onTwo) ? onOne : onTwo; // the later of the two copies
        // listing times count whole seconds: the change comes in a later second than the copies
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> java.time.Instant.now().getEpochSecond() > copied.getEpochSecond());
        one.client().copyObject(b -> b.sourceBucket(src).sourceKey("m/k.txt").destinationBucket(src)
                .destinationKey("m/k.txt").metadataDirective(software.amazon.awssdk.services.s3.model
                        .MetadataDirective.REPLACE).contentType("text/html").metadata(java.util.Map.of("color", "red")));

        assertThat(sync.verify().destinations()).allSatisfy(d -> assertThat(d.failures()).singleElement().asString()
                .startsWith("differs (the source was written again after its copy"));
        assertThat(sync.run().destinations()).allSatisfy(d -> assertThat(d.copied()).isEqualTo(1));

        var onServer = one.client().headObject(b -> b.bucket(dst).key("n/k.txt"));
        var acrossAccounts = two.client().headObject(b -> b.bucket(far).key("n/k.txt"));
        for (var head : List.of(onServer, acrossAccounts)) {
            assertThat(head.contentType()).isEqualTo("text/html");
            assertThat(head.metadata()).containsEntry("color", "red");
        }
        assertThat(sync.verify().complete()).isTrue();
        assertThat(sync.run().destinations()).allSatisfy(d -> assertThat(d.copied()).isZero());
    }

    @Test
    void aKeyTheDestinationPrefixMakesTooLongIsAFailureWithItsReasonNotRetried() throws Exception {
        // 1024 bytes at the source, 1026 under "sss/"; in folders, as the test server stores keys as files
        String name = ("x".repeat(199) + "/").repeat(5) + "x".repeat(1024 - "s/".length() - 1000);
        put(one.client(), src, "s/" + name, "long");
        put(one.client(), src, "s/short.txt", "short");

        FullSyncResult r = sync("s/", List.of(onOne(dst, "sss/")), false, new InMemoryRecords()).run();

        assertThat(r.complete()).isFalse();
        assertThat(r.destinations().get(0).copied()).isEqualTo(1);
        assertThat(r.destinations().get(0).failures()).singleElement().asString()
                .contains("not copied after 1 attempt").contains("key too long: 1026 bytes in UTF-8, S3 allows at "
                        + "most 1024");
        assertThat(sleeps).as("a key S3 refuses is not tried again").hasValue(0);
        assertThat(one.listKeys(dst)).containsExactly("sss/short.txt");
    }

    @Test
    void verifyListsEveryDifferenceAndWritesNothing() throws Exception {
        put(one.client(), src, "v/a.txt", "a");
        put(one.client(), src, "v/b.txt", "b");
        put(one.client(), dst, "w/b.txt", "B");
        put(one.client(), dst, "w/extra.txt", "x");

        FullSync sync = sync("v/", List.of(onOne(dst, "w/")), true, new InMemoryRecords());
        FullSyncResult r = sync.verify();

        assertThat(r.complete()).isFalse();
        assertThat(r.destinations().get(0).failures()).containsExactly("missing: s3://" + dst + "/w/a.txt",
                "differs (content): s3://" + dst + "/w/b.txt",
                "extra (delete: true would delete it): s3://" + dst + "/w/extra.txt");
        assertThat(one.listKeys(dst)).containsExactlyInAnyOrder("w/b.txt", "w/extra.txt");
        assertThat(one.readObject(dst, "w/b.txt")).hasValue("B");

        put(one.client(), dst, "w/extra2.txt", "y");
        FullSync guarded = sync("v/", List.of(onOne(dst, "w/")), true, 1, new InMemoryRecords());
        assertThat(guarded.verify().destinations().get(0).failures()).as("what the guard would refuse")
                .anySatisfy(l -> assertThat(l).startsWith("extra (delete: true would delete it, but the guard refuses "
                        + "these deletions: would delete 2 objects, more than max_delete 1").endsWith("): s3://" + dst
                        + "/w/extra.txt"));
        assertThat(guarded.run().destinations().get(0).deleted()).isZero();
    }

    /** A two-part object (ETag md5-of-parts-2). */
    private static void multipart(S3Client c, String bucket, String key) {
        byte[] part = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(part);
        String id = c.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String e1 = c.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(part))
                .eTag();
        String e2 = c.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(2),
                RequestBody.fromBytes(new byte[] {1, 2, 3})).eTag();
        c.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                CompletedPart.builder().partNumber(2).eTag(e2).build())));
    }
}
