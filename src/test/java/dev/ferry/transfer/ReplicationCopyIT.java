package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.testing.S3ProxyServer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Replication's copies against real S3Proxy processes: a server-side copy (CopyObject, and UploadPartCopy for
 * the parts of a large object) inside one server, and a streaming copy across two servers with different
 * credentials (two accounts) under a small buffer budget. S3Proxy 4.1.0 does not implement object tagging (a PUT
 * with {@code x-amz-tagging} is refused with 501), so tags are not checked here: {@code TagsTest} checks the header.
 */
class ReplicationCopyIT {
    private static final long MIB = 1024 * 1024;
    private static final Map<String, String> ADDED = Map.of("ferry-source-etag", "abc", "ferry-source-md5", "def");

    private static final java.time.Instant EXPIRES = java.time.Instant.parse("2030-01-01T00:00:00Z");

    static S3ProxyServer one;
    static S3ProxyServer two;

    @BeforeAll
    static void servers() {
        // as S3Proxy runs by default: a header it does not know fails the request (501), so a copy that sends one
        // fails here as it would for its users
        one = S3ProxyServer.start(Map.of("s3proxy.ignore-unknown-headers", "false"));
        two = S3ProxyServer.start(Map.of("s3proxy.identity", "second-account", "s3proxy.credential",
                "second-account-credential-not-a-secret", "s3proxy.ignore-unknown-headers", "false"));
        one.createBucket("src");
        one.createBucket("dst");
        two.createBucket("far");
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

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void put(S3Client c, String bucket, String key, byte[] content) {
        c.putObject(b -> b.bucket(bucket).key(key).contentType("image/jpeg").cacheControl("max-age=60")
                .contentDisposition("inline").expires(EXPIRES).metadata(Map.of("owner", "alice", "mtime", "1700000000.5")),
                RequestBody.fromBytes(content));
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /** What travels with a copy; S3Proxy 4.1.0 keeps the Expires of a PutObject only, not of a copy or a multipart upload. */
    private static void assertTravelled(HeadObjectResponse h) {
        assertTravelled(h, false);
    }

    private static void assertTravelled(HeadObjectResponse h, boolean onePut) {
        assertThat(h.contentType()).isEqualTo("image/jpeg");
        assertThat(h.cacheControl()).isEqualTo("max-age=60");
        assertThat(h.contentDisposition()).isEqualTo("inline");
        if (onePut) {
            assertThat(h.expires()).isEqualTo(EXPIRES);
        }
        assertThat(h.metadata()).containsEntry("owner", "alice").containsEntry("mtime", "1700000000.5")
                .containsAllEntriesOf(ADDED);
    }

    @Test
    void aServerSideCopyKeepsHeadersAndMetadataAndAddsFerrysCopyMetadata() throws Exception {
        byte[] content = random(300_000, 1);
        put(one.client(), "src", "photos/a b+c.jpg", content);

        try (ServerSideCopier copier = ServerSideCopier.create(S3ObjectStoreIT.settings(one).build())) {
            CopyResult r = copier.copy(new CopyRequest("src", "photos/a b+c.jpg", "dst", "copies/a b+c.jpg", ADDED,
                    UploadOptions.NONE));

            assertThat(r.serverSide()).isTrue();
            assertThat(r.parts()).isEqualTo(1);
            assertThat(r.sourceEtag()).isEqualTo(md5(content));
        }
        assertThat(one.readObjectBytes("dst", "copies/a b+c.jpg")).hasValue(content);
        assertTravelled(one.client().headObject(b -> b.bucket("dst").key("copies/a b+c.jpg")));
    }

    @Test
    void aNamedVersionWithNoMetadataToAddIsOneCopyObjectThatKeepsEverythingAsItIs() throws Exception {
        byte[] content = random(70_000, 7);
        put(one.client(), "src", "plain/a.jpg", content);
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServerSideCopier copier = new ServerSideCopier(counted(one.client(), calls), false, new Failures(List.of()),
                CopyPartPlan.MAX_SINGLE_COPY, 5 * MIB);
        CopyRequest.Version named = new CopyRequest.Version(md5(content), content.length);

        CopyResult r = copier.copy(new CopyRequest("src", "plain/a.jpg", "dst", "plain/a.jpg", Map.of(),
                UploadOptions.NONE, java.util.Optional.of(named)));

        assertThat(calls).as("no HEAD of the source first").containsExactly("copyObject");
        assertThat(r.etag()).isEqualTo(md5(content));
        assertThat(r.bytes()).isEqualTo(content.length);
        assertThat(one.readObjectBytes("dst", "plain/a.jpg")).hasValue(content);
        HeadObjectResponse h = one.client().headObject(b -> b.bucket("dst").key("plain/a.jpg"));
        assertThat(h.contentType()).isEqualTo("image/jpeg");
        assertThat(h.cacheControl()).isEqualTo("max-age=60");
        assertThat(h.metadata()).containsEntry("owner", "alice").doesNotContainKeys(ADDED.keySet().toArray(String[]::new));

        // another version there now: refused, nothing written
        put(one.client(), "src", "plain/a.jpg", random(70_000, 8));
        assertThatThrownBy(() -> copier.copy(new CopyRequest("src", "plain/a.jpg", "dst", "plain/b.jpg", Map.of(),
                UploadOptions.NONE, java.util.Optional.of(named)))).isInstanceOf(SourceChangedException.class);
        assertThat(one.readObjectBytes("dst", "plain/b.jpg")).isEmpty();
    }

    @Test
    void aSmallNamedVersionIsStreamedWithOneGetAndOnePut() throws Exception {
        byte[] content = random(90_000, 9);
        put(one.client(), "src", "named/a.jpg", content);
        List<String> read = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        StreamingCopier copier = new StreamingCopier(counted(one.client(), read), counted(two.client(), written), false,
                new Failures(List.of()), 8 * MIB, 8 * MIB, (int) (32 * MIB));
        CopyRequest.Version named = new CopyRequest.Version(md5(content), content.length);

        CopyResult r = copier.copy(new CopyRequest("src", "named/a.jpg", "far", "named/a.jpg", ADDED,
                UploadOptions.NONE, java.util.Optional.of(named)));

        assertThat(read).as("no HEAD, and no tags asked for an object the GET says has none")
                .containsExactly("getObject");
        assertThat(written).containsExactly("putObject");
        assertThat(r.etag()).isEqualTo(md5(content));
        assertThat(two.readObjectBytes("far", "named/a.jpg")).hasValue(content);
        assertTravelled(two.client().headObject(b -> b.bucket("far").key("named/a.jpg")), true);
        assertThat(copier.freeBufferBytes()).isEqualTo(32 * MIB);

        put(one.client(), "src", "named/a.jpg", random(90_000, 10)); // another version there now: nothing written
        assertThatThrownBy(() -> copier.copy(new CopyRequest("src", "named/a.jpg", "far", "named/b.jpg", ADDED,
                UploadOptions.NONE, java.util.Optional.of(named)))).isInstanceOf(SourceChangedException.class);
        assertThat(two.readObjectBytes("far", "named/b.jpg")).isEmpty();
        assertThat(copier.freeBufferBytes()).isEqualTo(32 * MIB);
    }

    /** {@code client}, each call's method name added to {@code calls}. */
    private static S3Client counted(S3Client client, List<String> calls) {
        return (S3Client) java.lang.reflect.Proxy.newProxyInstance(S3Client.class.getClassLoader(),
                new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(client, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** After the first, copies as they are go without the SDK's pipeline: the same objects, odd keys included. */
    @Test
    void namedVersionsAreCopiedAsTheyAreDirectlyAfterTheFirst() throws Exception {
        List<String> keys = List.of("direct/a.jpg", "direct/b b+c%d&e=f#g?.jpg", "direct/ünï/名前 😀.jpg", "direct/x y/~z");
        for (int i = 0; i < keys.size(); i++) {
            put(one.client(), "src", keys.get(i), random(1000 + i, 20 + i));
        }
        try (ServerSideCopier copier = ServerSideCopier.create(S3ObjectStoreIT.settings(one).build())) {
            for (String key : keys) {
                String etag = one.client().headObject(b -> b.bucket("src").key(key)).eTag();
                CopyResult r = copier.copy(new CopyRequest("src", key, "dst", "copied/" + key, Map.of(),
                        UploadOptions.NONE, Optional.of(new CopyRequest.Version(S3ObjectStore.unquote(etag),
                                1000 + keys.indexOf(key)))));
                assertThat(r.etag()).isEqualTo(S3ObjectStore.unquote(etag));
            }
            assertThat(copier.directCopies()).isEqualTo(keys.size() - 1);
        }
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            assertThat(one.readObjectBytes("dst", "copied/" + key)).as(key).hasValue(random(1000 + i, 20 + i));
            HeadObjectResponse h = one.client().headObject(b -> b.bucket("dst").key("copied/" + key));
            assertThat(h.contentType()).isEqualTo("image/jpeg");
            assertThat(h.metadata()).containsEntry("owner", "alice");
        }
    }

    /** A direct copy whose source changed since it was listed fails as the SDK's does (412: changed). */
    @Test
    void aDirectCopyOfAVersionTheSourceNoLongerHoldsSaysTheSourceChanged() {
        put(one.client(), "src", "gone/a.txt", random(10, 1));
        put(one.client(), "src", "gone/b.txt", random(10, 2));
        try (ServerSideCopier copier = ServerSideCopier.create(S3ObjectStoreIT.settings(one).build())) {
            copier.copy(new CopyRequest("src", "gone/a.txt", "dst", "gone/a.txt", Map.of(), UploadOptions.NONE,
                    Optional.of(new CopyRequest.Version(S3ObjectStore.unquote(one.client().headObject(
                            b -> b.bucket("src").key("gone/a.txt")).eTag()), 10))));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> copier.copy(new CopyRequest("src", "gone/b.txt",
                    "dst", "gone/b.txt", Map.of(), UploadOptions.NONE,
                    Optional.of(new CopyRequest.Version("0cc175b9c0f1b6a831c399e269772661", 10)))))
                    .isInstanceOf(SourceChangedException.class).hasMessageContaining("HTTP 412");
            assertThat(copier.directCopies()).isZero();
        }
    }

    @Test
    void aLargeObjectIsCopiedOnTheServerInPartsWithUploadPartCopy() throws Exception {
        byte[] content = random((int) (12 * MIB + 3), 2);
        put(one.client(), "src", "big.bin", content);
        S3Settings settings = S3ObjectStoreIT.settings(one).partSize(5 * MIB).build();

        try (ServerSideCopier copier = new ServerSideCopier(S3Clients.build(settings), true,
                new Failures(List.of(one.secretKey())), 6 * MIB, settings.partSize())) {
            CopyResult r = copier.copy(new CopyRequest("src", "big.bin", "dst", "big.bin", ADDED, UploadOptions.NONE));

            assertThat(r.parts()).isEqualTo(3);
            assertThat(r.etag()).endsWith("-3");
        }
        assertThat(md5(one.readObjectBytes("dst", "big.bin").orElseThrow())).isEqualTo(md5(content));
        assertTravelled(one.client().headObject(b -> b.bucket("dst").key("big.bin")));
    }

    @Test
    void theDestinationsStorageClassAppliesToAStreamedCopy() {
        one.client().putObject(b -> b.bucket("src").key("cold.txt"), RequestBody.fromString("cold"));
        UploadOptions ia = new UploadOptions(java.util.Optional.of("STANDARD_IA"), java.util.Optional.empty(),
                java.util.Optional.empty());

        try (ServerSideCopier server = ServerSideCopier.create(S3ObjectStoreIT.settings(one).build());
                StreamingCopier streaming = StreamingCopier.create(S3ObjectStoreIT.settings(one).build(),
                        S3ObjectStoreIT.settings(two).build())) {
            server.copy(new CopyRequest("src", "cold.txt", "dst", "cold.txt", ADDED, ia));
            streaming.copy(new CopyRequest("src", "cold.txt", "far", "cold.txt", ADDED, ia));
        }
        // S3Proxy 4.1.0 keeps the storage class of a PutObject but not of a CopyObject (nor of a multipart upload):
        // only the streamed copy can show it here
        assertThat(one.readObject("dst", "cold.txt")).hasValue("cold");
        assertThat(two.client().headObject(b -> b.bucket("far").key("cold.txt")).storageClassAsString())
                .isEqualTo("STANDARD_IA");
    }

    @Test
    void aCopyOfAMissingSourceFailsAsATransferFailure() {
        try (ServerSideCopier copier = ServerSideCopier.create(S3ObjectStoreIT.settings(one).build())) {
            assertThatThrownBy(() -> copier.copy(new CopyRequest("src", "nope", "dst", "nope", ADDED, UploadOptions.NONE)))
                    .isInstanceOf(TransferException.class).hasMessageContaining("s3://src/nope -> s3://dst/nope");
        }
    }

    @Test
    void sixtyFourMebibytesStreamAcrossTwoAccountsUnderABoundedBudget() throws Exception {
        byte[] content = random((int) (64 * MIB), 3);
        put(one.client(), "src", "video/clip.mp4", content);
        content = null; // only its digest is kept: the copy must not need the whole object in memory
        String expected = md5(one.readObjectBytes("src", "video/clip.mp4").orElseThrow());
        S3Settings from = S3ObjectStoreIT.settings(one).build();
        S3Settings to = S3ObjectStoreIT.settings(two).multipartThreshold(8 * MIB).partSize(5 * MIB).build();
        int budget = (int) (10 * MIB);
        assertThatThrownBy(() -> two.client().headBucket(b -> b.bucket("src"))).as("two accounts, not one").isNotNull();

        try (StreamingCopier copier = new StreamingCopier(S3Clients.build(from), S3Clients.build(to), true,
                new Failures(List.of(one.secretKey(), two.secretKey())), to.multipartThreshold(), to.partSize(), budget)) {
            CopyResult r = copier.copy(new CopyRequest("src", "video/clip.mp4", "far", "mirror/clip.mp4", ADDED,
                    UploadOptions.NONE));

            assertThat(r.serverSide()).isFalse();
            assertThat(r.parts()).isEqualTo(13); // 64 MiB in 5 MiB parts
            assertThat(r.bytes()).isEqualTo(64 * MIB);
            assertThat(copier.freeBufferBytes()).as("every part buffer returned").isEqualTo(budget);
        }
        assertThat(md5(two.readObjectBytes("far", "mirror/clip.mp4").orElseThrow())).isEqualTo(expected);
        assertTravelled(two.client().headObject(b -> b.bucket("far").key("mirror/clip.mp4")));
    }

    /**
     * bwlimit holds streamed copies too: their PUT bodies draw from the daemon's limiter, as uploads do (measured on the
     * limiter's own clock, which its sleeper moves: no test time is spent waiting).
     */
    @Test
    void aStreamedCopyDrawsItsBytesFromTheBandwidthLimit() throws Exception {
        byte[] small = random((int) (2 * MIB), 11);
        byte[] large = random((int) (12 * MIB), 12);
        put(one.client(), "src", "limited/small.bin", small);
        put(one.client(), "src", "limited/large.bin", large);
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        long rate = MIB;
        BandwidthLimiter limit = BandwidthLimiter.create(rate, 64 * 1024, nanos::get, nanos::addAndGet);
        S3Settings to = S3ObjectStoreIT.settings(two).multipartThreshold(8 * MIB).partSize(5 * MIB)
                .bandwidthLimiter(limit).build();

        try (StreamingCopier copier = StreamingCopier.create(S3ObjectStoreIT.settings(one).build(), to)) {
            copier.copy(new CopyRequest("src", "limited/small.bin", "far", "limited/small.bin", ADDED,
                    UploadOptions.NONE));
            CopyResult r = copier.copy(new CopyRequest("src", "limited/large.bin", "far", "limited/large.bin", ADDED,
                    UploadOptions.NONE));
            assertThat(r.parts()).isEqualTo(3);
        }
        double seconds = nanos.get() / 1e9;
        assertThat(seconds).as("14 MiB at 1 MiB/s, less the burst").isBetween(13.9, 14.5);
        assertThat(md5(two.readObjectBytes("far", "limited/large.bin").orElseThrow())).isEqualTo(md5(large));
        assertTravelled(two.client().headObject(b -> b.bucket("far").key("limited/small.bin")), true);
    }

    @Test
    void aSmallObjectStreamsInOneRequestWithItsChecksum() throws Exception {
        byte[] content = random(1000, 4);
        put(one.client(), "src", "small.txt", content);
        put(one.client(), "src", "empty.txt", new byte[0]);

        try (StreamingCopier copier = StreamingCopier.create(S3ObjectStoreIT.settings(one).build(),
                S3ObjectStoreIT.settings(two).build())) {
            CopyResult r = copier.copy(new CopyRequest("src", "small.txt", "far", "small.txt", ADDED, UploadOptions.NONE));
            CopyResult empty = copier.copy(new CopyRequest("src", "empty.txt", "far", "empty.txt", ADDED,
                    UploadOptions.NONE));

            assertThat(r.parts()).isEqualTo(1);
            assertThat(r.etag()).isEqualTo(md5(content));
            assertThat(empty.bytes()).isZero();
        }
        assertThat(two.readObjectBytes("far", "small.txt")).hasValue(content);
        assertThat(two.readObjectBytes("far", "empty.txt")).hasValue(new byte[0]);
        assertTravelled(two.client().headObject(b -> b.bucket("far").key("small.txt")), true);
    }

    /**
     * Small streamed copies after the first go as direct PUTs (the first resolves the bucket's endpoint through the
     * SDK): odd keys, every header and the metadata arrive as through the SDK (tags: DirectPutTest, since S3Proxy
     * does not implement them).
     */
    @Test
    void smallStreamedCopiesGoAsDirectPutsWithEverythingThatTravels() throws Exception {
        List<String> keys = List.of("first.txt", "a b+c%d&e=f.jpg", "ünï/名前.txt", "~(p)/[b]/{c}/*!$'@,;:", "empty.txt");
        java.util.Map<String, byte[]> contents = new java.util.HashMap<>();
        for (String key : keys) {
            byte[] content = key.equals("empty.txt") ? new byte[0] : random(2000, key.length());
            contents.put(key, content);
            put(one.client(), "src", "direct/" + key, content);
        }

        try (StreamingCopier copier = StreamingCopier.create(S3ObjectStoreIT.settings(one).build(),
                S3ObjectStoreIT.settings(two).build())) {
            for (String key : keys) {
                CopyResult r = copier.copy(new CopyRequest("src", "direct/" + key, "far", "mirror/" + key, ADDED,
                        UploadOptions.NONE));
                assertThat(r.etag()).as(key).isEqualTo(md5(contents.get(key)));
            }
            assertThat(copier.directPuts()).as("every copy after the first").isEqualTo(keys.size() - 1);
        }
        for (String key : keys) {
            assertThat(two.readObjectBytes("far", "mirror/" + key)).as(key).hasValue(contents.get(key));
            assertTravelled(two.client().headObject(b -> b.bucket("far").key("mirror/" + key)), true);
        }
    }

    @Test
    void aStreamedMultipartCopyInterruptedByAStopIsAbortedNotLeftBehind() throws Exception {
        // every UploadPart takes 1 s at the destination: once the first part is stored, the copy is interrupted,
        // as stopping the daemon interrupts a full sync; the abort must still reach the server
        byte[] content = random((int) (20 * MIB), 7);
        put(one.client(), "src", "stop/streamed.bin", content);
        try (S3ProxyServer slow = S3ProxyServer.start(Map.of("s3proxy.latency-blobstore.upload-part.latency", "1000"));
                StreamingCopier copier = StreamingCopier.create(S3ObjectStoreIT.settings(one).build(),
                        S3ObjectStoreIT.settings(slow).multipartThreshold(5 * MIB).partSize(5 * MIB).build())) {
            slow.createBucket("slow");

            Throwable thrown = interruptOnceAPartIsStored(slow, "slow", () -> copier.copy(new CopyRequest("src",
                    "stop/streamed.bin", "slow", "streamed.bin", ADDED, UploadOptions.NONE)));

            assertThat(thrown).isInstanceOf(TransferException.class);
            S3ObjectStoreIT.assertNothingLeftBehind(slow, "slow", "streamed.bin");
        }
    }

    @Test
    void aServerSideMultipartCopyInterruptedByAStopIsAbortedNotLeftBehind() throws Exception {
        try (S3ProxyServer slow = S3ProxyServer.start(Map.of("s3proxy.latency-blobstore.upload-part.latency", "1000"));
                ServerSideCopier copier = new ServerSideCopier(S3Clients.build(S3ObjectStoreIT.settings(slow).build()),
                        true, new Failures(List.of(slow.secretKey())), 5 * MIB, 5 * MIB)) {
            slow.createBucket("from");
            slow.createBucket("into");
            put(slow.client(), "from", "large.bin", random((int) (20 * MIB), 8));

            Throwable thrown = interruptOnceAPartIsStored(slow, "into", () -> copier.copy(new CopyRequest("from",
                    "large.bin", "into", "large.bin", ADDED, UploadOptions.NONE)));

            assertThat(thrown).isInstanceOf(TransferException.class);
            S3ObjectStoreIT.assertNothingLeftBehind(slow, "into", "large.bin");
        }
    }

    /**
     * Runs {@code copy} on a thread of its own, interrupts it once the bucket's multipart upload holds a part, and
     * answers what the copy threw.
     */
    private static Throwable interruptOnceAPartIsStored(S3ProxyServer s3, String bucket, Runnable copy)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread copier = new Thread(() -> {
            try {
                copy.run();
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        copier.start();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!S3ObjectStoreIT.partStored(s3, bucket)) {
            assertThat(System.nanoTime()).as("first part stored").isLessThan(deadline);
            assertThat(copier.isAlive()).as("copy still under way").isTrue();
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
        copier.interrupt();
        copier.join(java.time.Duration.ofSeconds(30).toMillis());
        assertThat(copier.isAlive()).isFalse();
        return thrown.get();
    }
}
