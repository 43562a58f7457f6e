package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.config.Secret;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.RemoteObject;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.CopyRequest;
import dev.ferry.transfer.CopyResult;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.ServerSideCopier;
import dev.ferry.transfer.StreamingCopier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Two writers of one key, as two daemons on one queue (or a full sync beside event mode) are: whichever copy lands
 * last, the destination ends with the source's current state. One writer's copy is made slow by hand: it has read
 * the source's old bytes, and writes them only after the other writer has finished with the new ones, which is
 * what a streamed copy that started before a rewrite does. Against S3Proxy over a socket; the copies themselves are
 * the real copiers.
 */
class ConfirmedCopyIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static S3ProxyServer s3;
    static final AtomicInteger N = new AtomicInteger();

    String src;
    String dst;
    S3ObjectStore store;
    ServerSideCopier copier;
    BucketSource source;
    InMemoryRecords records;

    @BeforeAll
    static void server() {
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void setUp() {
        int n = N.incrementAndGet();
        src = "csrc" + n;
        dst = "cdst" + n;
        s3.createBucket(src);
        s3.createBucket(dst);
        store = S3ObjectStore.create(BucketSourceIT.settings(s3));
        copier = ServerSideCopier.create(BucketSourceIT.settings(s3));
        source = new BucketSource(src, "in/", Optional.of(s3.endpoint()), store, store::openRange);
        records = new InMemoryRecords();
    }

    @AfterEach
    void tearDown() {
        copier.close();
        store.close();
    }

    /**
     * A copier that, on its first copy, has read the source as it is now and then waits for {@code go} before
     * writing those bytes (with the metadata it was asked to write), as a slow streamed copy would; later copies are
     * the real server-side copier's.
     */
    private final class SlowFirstCopy implements Copier {
        final CountDownLatch read = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CopyResult copy(CopyRequest r) {
            if (calls.incrementAndGet() > 1) {
                return copier.copy(r);
            }
            byte[] bytes = s3.readObjectBytes(r.sourceBucket(), r.sourceKey()).orElseThrow();
            String etag = store.head(r.sourceBucket(), r.sourceKey()).orElseThrow().etag();
            read.countDown();
            try {
                assertThat(go.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            String written = s3.client().putObject(b -> b.bucket(r.destinationBucket()).key(r.destinationKey())
                    .metadata(r.addedMetadata()), RequestBody.fromBytes(bytes)).eTag();
            return new CopyResult(etag, written, bytes.length, 1, false);
        }
    }

    private Replica replica(Copier c) {
        return replica(c, true);
    }

    private Replica replica(Copier c, boolean serverSide) {
        return replica(c, serverSide, "out/");
    }

    private Replica replica(Copier c, boolean serverSide, String prefix) {
        BucketLocation to = new BucketLocation(dst, prefix, Optional.of(s3.region()), Optional.of(s3.endpoint()), true,
                Optional.of(s3.accessKey()), Optional.of(new Secret(s3.secretKey())));
        return new Replica(new ReplicaDestination(to, Optional.empty(), Optional.empty(), Optional.empty()), store, c,
                serverSide);
    }

    private EventApplier applier(Copier c, boolean delete) {
        return new EventApplier("photos", source, List.of(replica(c)), delete, 100,
                Optional.of(records), Clock.systemUTC(), new JobStats("s3://" + src + "/in/"),
                new EventStats("queue"));
    }

    /** The real server-side copier, counting its copies in {@code copies}. */
    private Copier counting(AtomicInteger copies) {
        return r -> {
            copies.incrementAndGet();
            return copier.copy(r);
        };
    }

    private S3Event created(String sequencer) {
        return new S3Event(S3Event.Kind.CREATED, "ObjectCreated:Put", src, "in/k.txt", OptionalLong.empty(),
                Optional.empty(), Optional.of(sequencer));
    }

    private S3Event removed(String sequencer) {
        return new S3Event(S3Event.Kind.REMOVED, "ObjectRemoved:Delete", src, "in/k.txt", OptionalLong.empty(),
                Optional.empty(), Optional.of(sequencer));
    }

    private void put(String content) {
        s3.client().putObject(b -> b.bucket(src).key("in/k.txt"), RequestBody.fromString(content));
    }

    private Optional<String> held() {
        return s3.readObject(dst, "out/k.txt");
    }

    @Test
    void anOlderCopyLandingAfterANewerOneIsCopiedAgain() throws Exception {
        put("first version");
        SlowFirstCopy slow = new SlowFirstCopy();
        EventApplier first = applier(slow, false);
        EventApplier second = applier(copier::copy, false);
        CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> first.apply("m1", created("0A")));
        assertThat(slow.read.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the slow copy read the first").isTrue();

        put("second version, rewritten");
        assertThat(second.apply("m2", created("0B"))).isTrue();
        assertThat(held()).as("the newer event's copy").contains("second version, rewritten");

        slow.go.countDown(); // the old bytes land last
        assertThat(a.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(held()).as("the last writer confirmed against the source and copied again")
                .contains("second version, rewritten");
        assertThat(slow.calls).as("the slow copy, then its repair").hasValue(2);
        RemoteObject copy = store.head(dst, "out/k.txt").orElseThrow();
        String current = store.head(src, "in/k.txt").orElseThrow().etag();
        assertThat(copy.metadata()).as("the copy names the version it holds")
                .containsEntry(CopyMetadata.SOURCE_ETAG, current);
        assertThat(records.get(new RecordId(source.id(), "in/k.txt", dst))).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
            assertThat(r.size()).isEqualTo("second version, rewritten".length());
        });
    }

    @Test
    void aCopyLandingAfterItsSourceWasDeletedIsDeletedAgain() throws Exception {
        put("soon deleted");
        SlowFirstCopy slow = new SlowFirstCopy();
        EventApplier first = applier(slow, true);
        EventApplier second = applier(copier::copy, true);
        CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> first.apply("m1", created("0A")));
        assertThat(slow.read.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        s3.client().deleteObject(b -> b.bucket(src).key("in/k.txt"));
        assertThat(second.apply("m2", removed("0B"))).as("nothing to delete yet").isTrue();
        slow.go.countDown();
        assertThat(a.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(held()).as("the copy that landed after the deletion was deleted again").isEmpty();
    }

    @Test
    void maxDeleteHoldsForEachDestinationOfAJobNotForAllTogether() {
        put("on two destinations");
        EventApplier twoDestinations = new EventApplier("photos", source,
                List.of(replica(copier::copy, true, "out/"), replica(copier::copy, true, "copy/")), true, 1,
                Optional.of(records), Clock.systemUTC(), new JobStats("s3://" + src + "/in/"), new EventStats("queue"));
        assertThat(twoDestinations.apply("m1", created("0A"))).isTrue();
        assertThat(s3.readObject(dst, "copy/k.txt")).contains("on two destinations");

        s3.client().deleteObject(b -> b.bucket(src).key("in/k.txt"));
        assertThat(twoDestinations.apply("m2", removed("0B"))).as("one removal, one deletion per destination")
                .isTrue();

        assertThat(held()).isEmpty();
        assertThat(s3.readObject(dst, "copy/k.txt")).isEmpty();
    }

    @Test
    void aCopyLandingAfterItsSourceWasDeletedStaysWithoutDelete() throws Exception {
        put("kept, deletions are not mirrored");
        SlowFirstCopy slow = new SlowFirstCopy();
        CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> applier(slow, false).apply("m1",
                created("0A")));
        assertThat(slow.read.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        s3.client().deleteObject(b -> b.bucket(src).key("in/k.txt"));
        slow.go.countDown();
        assertThat(a.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(held()).contains("kept, deletions are not mirrored");
    }

    @Test
    void anEventsOwnETagSavesAHeadAndAnOlderOneStillBringsTheCurrentVersion() {
        String first = s3.client().putObject(b -> b.bucket(src).key("in/k.txt"), RequestBody.fromString("one"))
                .eTag().replace("\"", "");
        put("two, written after the first event");
        AtomicInteger copies = new AtomicInteger();
        EventApplier applier = applier(counting(copies), false);
        S3Event stale = new S3Event(S3Event.Kind.CREATED, "ObjectCreated:Put", src, "in/k.txt", OptionalLong.of(3),
                Optional.of(first), Optional.of("0A"));

        assertThat(applier.apply("m1", stale)).isTrue();
        assertThat(held()).as("the version there now, not the event's").contains("two, written after the first event");

        String current = store.head(src, "in/k.txt").orElseThrow().etag();
        S3Event again = new S3Event(S3Event.Kind.CREATED, "ObjectCreated:Put", src, "in/k.txt",
                OptionalLong.of("two, written after the first event".length()), Optional.of(current),
                Optional.of("0B"));
        int before = copies.get();
        assertThat(applier.apply("m2", again)).isTrue();
        assertThat(copies.get()).as("the destination holds the announced version: a duplicate, not copied")
                .isEqualTo(before);
    }

    @Test
    void aVersionRewrittenSinceItWasListedIsCopiedAsItIsNow() {
        put("listed");
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        put("rewritten since the listing");
        StreamingCopier streaming = StreamingCopier.create(BucketSourceIT.settings(s3), BucketSourceIT.settings(s3));
        try (streaming) {
            for (Replica r : List.of(replica(copier::copy), replica(streaming::copy, false))) {
                ConfirmedCopy.Outcome out = new ConfirmedCopy(source, true).copy("in/k.txt", listed, r, "out/k.txt",
                        java.util.Map.of());
                assertThat(out).isInstanceOfSatisfying(ConfirmedCopy.Outcome.Copied.class, done -> {
                    assertThat(done.rounds()).as("the listed ETag was refused, then the current one copied")
                            .isEqualTo(2);
                    assertThat(done.version().etag()).isNotEqualTo(listed.etag());
                });
                assertThat(held()).contains("rewritten since the listing");
                RemoteObject copy = store.head(dst, "out/k.txt").orElseThrow();
                assertThat(CopyMetadata.sameContent(store.head(src, "in/k.txt").orElseThrow().etag(), copy.etag(),
                        Optional.of(copy))).as("the copy says it holds the current version").isTrue();
                if (!r.serverSide()) {
                    assertThat(copy.metadata()).containsEntry(CopyMetadata.SOURCE_ETAG,
                            store.head(src, "in/k.txt").orElseThrow().etag());
                }
                s3.client().deleteObject(b -> b.bucket(dst).key("out/k.txt"));
            }
        }
    }

    @Test
    void withoutAQueueACopyIsNotConfirmedAndASinglePartObjectGoesWithoutMetadata() {
        put("plain");
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        List<CopyRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        Copier rewritesAfter = r -> { // the source changes right after the copy: only a confirmation would see it
            asked.add(r);
            CopyResult done = copier.copy(r);
            put("changed after the copy");
            return done;
        };

        ConfirmedCopy.Outcome out = new ConfirmedCopy(source, false).copy("in/k.txt", listed, replica(rewritesAfter),
                "out/k.txt", java.util.Map.of());

        assertThat(out).isInstanceOfSatisfying(ConfirmedCopy.Outcome.Copied.class,
                done -> assertThat(done.rounds()).isEqualTo(1));
        assertThat(held()).as("not confirmed: the next full sync copies the change").contains("plain");
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.addedMetadata()).as("the copy's ETag, the source's MD5, says it").isEmpty();
            assertThat(r.version()).hasValue(new CopyRequest.Version(listed.etag(), listed.size()));
        });
        assertThat(store.head(dst, "out/k.txt").orElseThrow().etag()).isEqualTo(listed.etag());
    }

    @Test
    void aSourceThatIsItselfACopyPassesOnNoneOfItsCopyRecordSoNewerEventsStillCopy() {
        // the source object was copied into this bucket by an upstream job, whose events had higher sequencers
        s3.client().putObject(b -> b.bucket(src).key("in/k.txt").metadata(java.util.Map.of(
                CopyMetadata.SOURCE_SEQUENCER, "0055AED6DCD90281E5", CopyMetadata.SOURCE_ETAG, "upstream-etag",
                "owner", "bob")), RequestBody.fromString("old content"));
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        new ConfirmedCopy(source, true).copy("in/k.txt", listed, replica(copier::copy), "out/k.txt",
                java.util.Map.of()); // a full sync of a job with a queue

        java.util.Map<String, String> meta = store.head(dst, "out/k.txt").orElseThrow().metadata();
        assertThat(meta).doesNotContainKey(CopyMetadata.SOURCE_SEQUENCER).containsEntry("owner", "bob")
                .containsEntry(CopyMetadata.SOURCE_ETAG, listed.etag());

        put("new content"); // this bucket's own event, with a sequencer lower than the upstream one
        assertThat(applier(copier::copy, false).apply("m1", created("0000000000000A0001"))).isTrue();
        assertThat(held()).hasValue("new content");
    }

    @Test
    void aNewerEventForTheSameContentCarriesAChangeOfMetadataOverButItsRedeliveryCopiesNothing() {
        s3.client().putObject(b -> b.bucket(src).key("in/k.txt").contentType("text/plain"),
                RequestBody.fromString("same bytes"));
        AtomicInteger copies = new AtomicInteger();
        EventApplier applier = applier(counting(copies), false);
        assertThat(applier.apply("m1", created("0A"))).isTrue();
        assertThat(copies).hasValue(1);
        java.time.Instant copied = s3.client().headObject(b -> b.bucket(dst).key("out/k.txt")).lastModified();
        // S3 dates count whole seconds: the change comes in a later second than the copy
        org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> java.time.Instant.now().getEpochSecond() > copied.getEpochSecond());

        s3.client().copyObject(b -> b.sourceBucket(src).sourceKey("in/k.txt").destinationBucket(src)
                .destinationKey("in/k.txt").metadataDirective(software.amazon.awssdk.services.s3.model
                        .MetadataDirective.REPLACE).contentType("text/html"));
        assertThat(applier.apply("m2", created("0B"))).isTrue(); // S3's ObjectCreated:Copy of that change

        assertThat(copies).hasValue(2);
        assertThat(s3.client().headObject(b -> b.bucket(dst).key("out/k.txt")).contentType()).isEqualTo("text/html");
        assertThat(applier.apply("m2", created("0B"))).isTrue(); // delivered twice
        assertThat(applier.apply("m1", created("0A"))).isTrue(); // and the older one late
        assertThat(copies).hasValue(2);
    }

    @Test
    void anEventForAnObjectAFullSyncCopiedWithoutMetadataIsADuplicate() {
        put("copied by a full sync");
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        new ConfirmedCopy(source, false).copy("in/k.txt", listed, replica(copier::copy), "out/k.txt",
                java.util.Map.of());
        assertThat(store.head(dst, "out/k.txt").orElseThrow().metadata()).doesNotContainKey(CopyMetadata.SOURCE_ETAG);
        AtomicInteger copies = new AtomicInteger();
        EventApplier applier = applier(counting(copies), false);

        assertThat(applier.apply("m1", created("0A"))).isTrue();

        assertThat(copies).as("the copy's ETag is the source's: the same content").hasValue(0);
    }

    @Test
    void aReplicaWhoseCopiesGetOtherETagsGetsTheMetadataFromItsFirstSuchCopyOn() {
        put("plain");
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        List<CopyRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        Copier encrypting = r -> { // as a bucket encrypting with KMS: the copy's ETag is no MD5 of its content
            asked.add(r);
            CopyResult done = copier.copy(r);
            return new CopyResult(done.sourceEtag(), "0123456789abcdef0123456789abcdef", done.bytes(), 1, true);
        };
        Replica kms = replica(encrypting);
        ConfirmedCopy copies = new ConfirmedCopy(source, false);

        copies.copy("in/k.txt", listed, kms, "out/k.txt", java.util.Map.of());
        assertThat(asked).extracting(r -> r.addedMetadata().containsKey(CopyMetadata.SOURCE_ETAG))
                .as("bare, then again with the metadata").containsExactly(false, true);
        assertThat(store.head(dst, "out/k.txt").orElseThrow().metadata())
                .containsEntry(CopyMetadata.SOURCE_ETAG, listed.etag());

        asked.clear();
        copies.copy("in/k.txt", listed, kms, "out/k.txt", java.util.Map.of());
        assertThat(asked).extracting(r -> r.addedMetadata().containsKey(CopyMetadata.SOURCE_ETAG))
                .as("with the metadata at once from then on").containsExactly(true);
    }

    @Test
    void aKeyDeletedSinceItWasListedIsNotAFailure() {
        put("listed, then deleted");
        ConfirmedCopy.Version listed = ConfirmedCopy.Version.of(store.head(src, "in/k.txt").orElseThrow());
        s3.client().deleteObject(b -> b.bucket(src).key("in/k.txt"));
        ConfirmedCopy.Outcome out = new ConfirmedCopy(source, true).copy("in/k.txt", listed, replica(copier::copy),
                "out/k.txt", java.util.Map.of());
        assertThat(out).isEqualTo(new ConfirmedCopy.Outcome.SourceGone(true));
        assertThat(held()).isEmpty();
    }
}
