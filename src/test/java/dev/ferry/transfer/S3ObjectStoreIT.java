package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FailureKind;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Uploads and heads against a real S3Proxy process. Failure cases live in {@link S3ObjectStoreFailuresIT}. */
class S3ObjectStoreIT {
    private static final String BUCKET = "ferry-it";
    private static final long MIB = 1024 * 1024;
    private static S3ProxyServer server;
    private static S3ObjectStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        store = S3ObjectStore.create(settings(server).build());
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static S3Settings.Builder settings(S3ProxyServer s3) {
        return S3Settings.builder().endpoint(s3.endpoint()).region(s3.region()).pathStyle(true)
                .credentials(s3.accessKey(), s3.secretKey());
    }

    @Test
    void smallPutStoresContentChecksumMtimeAndContentType() throws IOException {
        Path file = write("photo.jpg", "not really a jpeg".getBytes(StandardCharsets.UTF_8));
        long mtime = 1_700_000_000_123L;

        PutResult result = store.put(new PutRequest(BUCKET, "small/photo.jpg", new LocalFileContent(file), Files.size(file), mtime));

        String md5 = LocalFiles.hex(LocalFiles.md5(Files.readAllBytes(file), (int) Files.size(file)));
        assertThat(result).isEqualTo(new PutResult(md5, md5, Files.size(file), false));
        assertThat(server.readObject(BUCKET, "small/photo.jpg")).contains("not really a jpeg");
        HeadObjectResponse raw = server.client().headObject(b -> b.bucket(BUCKET).key("small/photo.jpg"));
        assertThat(raw.contentType()).isEqualTo("image/jpeg");
        assertThat(raw.metadata()).containsEntry("mtime", "1700000000.123");

        RemoteObject head = store.head(BUCKET, "small/photo.jpg").orElseThrow();
        assertThat(head.size()).isEqualTo(Files.size(file));
        assertThat(head.etag()).isEqualTo(md5);
        assertThat(head.md5Hex()).contains(md5);
        assertThat(head.mtimeMillis()).contains(mtime);
        assertThat(head.storageClass()).isEqualTo("STANDARD");
        assertThat(head.metadata()).containsEntry("mtime", "1700000000.123");
    }

    @Test
    void singlePutStreamsFilesAboveOneMebibyteFromDisk() throws IOException {
        byte[] content = random(3 * MIB + 17, 7);
        Path file = write("three.bin", content);

        PutResult result = store.put(new PutRequest(BUCKET, "streamed/three.bin", new LocalFileContent(file), content.length, 0));

        assertThat(result.multipart()).isFalse();
        assertThat(result.etag()).isEqualTo(result.md5Hex());
        assertThat(server.readObjectBytes(BUCKET, "streamed/three.bin")).hasValueSatisfying(
                bytes -> assertThat(bytes).isEqualTo(content));
        assertThat(store.head(BUCKET, "streamed/three.bin").orElseThrow().mtimeMillis()).contains(0L);
    }

    @Test
    void emptyFile() throws IOException {
        Path file = write("empty.txt", new byte[0]);

        PutResult result = store.put(new PutRequest(BUCKET, "empty.txt", new LocalFileContent(file), 0, 1_000));

        assertThat(result.md5Hex()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(result.bytes()).isZero();
        assertThat(server.readObjectBytes(BUCKET, "empty.txt")).hasValueSatisfying(b -> assertThat(b).isEmpty());
        assertThat(store.head(BUCKET, "empty.txt").orElseThrow().size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unicode/Ünïcødé 日本語 😀.txt", "spaces/a b  c.txt", "plus/a+b+c.txt",
            "percent/100%25 %.txt", "hash/#1 #2.txt", "question/what?.txt", "mixed/a+b %2B #x ?y=z&w.txt"})
    void keysWithSpecialCharacters(String key) throws IOException {
        Path file = write("special.txt", key.getBytes(StandardCharsets.UTF_8));
        store.head(BUCKET, "any"); // the SDK has reached the bucket: a small file goes up as a direct PUT
        long direct = store.directPuts();

        store.put(new PutRequest(BUCKET, key, new LocalFileContent(file), Files.size(file), 1_700_000_000_000L));

        assertThat(store.directPuts()).isEqualTo(direct + 1);
        assertThat(server.readObject(BUCKET, key)).contains(key);
        assertThat(server.listKeys(BUCKET)).contains(key);
        assertThat(store.head(BUCKET, key).orElseThrow().mtimeMillis()).contains(1_700_000_000_000L);
    }

    @Test
    void largeFileGoesUpInParallelPartsWithRcloneChecksum() throws IOException {
        byte[] content = random(40 * MIB + 12_345, 42);
        Path file = write("big.mp4", content);
        S3Settings small = settings(server).multipartThreshold(5 * MIB).partSize(5 * MIB).partConcurrency(4).build();
        String md5 = LocalFiles.hex(LocalFiles.md5(content, content.length));

        PutResult result;
        try (S3ObjectStore multipartStore = S3ObjectStore.create(small)) {
            result = multipartStore.put(new PutRequest(BUCKET, "big/big.mp4", new LocalFileContent(file), content.length, 1_234_567L));
            assertThat(multipartStore.head(BUCKET, "big/big.mp4").orElseThrow().md5Hex()).contains(md5);
        }

        assertThat(result.multipart()).isTrue();
        assertThat(result.md5Hex()).isEqualTo(md5);
        assertThat(result.bytes()).isEqualTo(content.length);
        assertThat(result.etag()).isNotBlank().doesNotContain("\"");
        assertThat(server.readObjectBytes(BUCKET, "big/big.mp4")).hasValueSatisfying(
                bytes -> assertThat(bytes).isEqualTo(content));
        HeadObjectResponse raw = server.client().headObject(b -> b.bucket(BUCKET).key("big/big.mp4"));
        assertThat(raw.metadata()).containsEntry("md5chksum", LocalFiles.base64(LocalFiles.md5(content, content.length)))
                .containsEntry("mtime", "1234.567");
        assertThat(raw.contentType()).isEqualTo("video/mp4");
        assertThat(server.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }

    @Test
    void partsOfOneFileGoUpConcurrently() throws IOException {
        // every UploadPart takes 1 s on this server, so parallel parts overlap; the proxy counts connections
        try (S3ProxyServer slow = S3ProxyServer.start(Map.of("s3proxy.latency-blobstore.upload-part.latency", "1000"));
                CountingProxy proxy = CountingProxy.start(slow.port());
                S3ObjectStore parallel = S3ObjectStore.create(settings(slow).endpoint(proxy.endpoint())
                        .multipartThreshold(5 * MIB).partSize(5 * MIB).partConcurrency(5).build())) {
            slow.createBucket("slow");
            byte[] content = random(20 * MIB + 1, 5);
            Path file = write("five-parts.bin", content);

            PutResult result = parallel.put(new PutRequest("slow", "five-parts.bin", new LocalFileContent(file), content.length, 0));

            assertThat(result.multipart()).isTrue();
            assertThat(proxy.maxConcurrentConnections()).as("parts in flight at once").isGreaterThanOrEqualTo(3);
            assertThat(parallel.freePartBufferBytes()).isEqualTo(2 * 5 * 5 * (int) MIB);
            assertThat(slow.readObjectBytes("slow", "five-parts.bin")).hasValueSatisfying(
                    bytes -> assertThat(bytes).isEqualTo(content));
        }
    }

    @Test
    void aMultipartUploadInterruptedByShutdownIsAbortedNotLeftBehind() throws Exception {
        // every UploadPart takes 1 s: once the first part is stored, others are in flight when the thread is
        // interrupted, as the engine does when the shutdown grace runs out; the abort must still reach the server
        try (S3ProxyServer slow = S3ProxyServer.start(Map.of("s3proxy.latency-blobstore.upload-part.latency", "1000"));
                S3ObjectStore interrupted = S3ObjectStore.create(settings(slow)
                        .multipartThreshold(5 * MIB).partSize(5 * MIB).partConcurrency(2).build())) {
            slow.createBucket("stop");
            byte[] content = random(30 * MIB, 6);
            Path file = write("six-parts.bin", content);
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread uploader = new Thread(() -> {
                try {
                    interrupted.put(new PutRequest("stop", "six-parts.bin", new LocalFileContent(file), content.length, 0));
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
            });
            uploader.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!partStored(slow, "stop")) {
                assertThat(System.nanoTime()).as("first part stored").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }

            uploader.interrupt();
            uploader.join(Duration.ofSeconds(30).toMillis());

            assertThat(uploader.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(TransferException.class).hasMessageContaining("interrupted");
            assertNothingLeftBehind(slow, "stop", "six-parts.bin");
        }
    }

    /** True once the bucket's one multipart upload holds a part: the upload is past its start, parts in flight. */
    /** After an interrupted multipart write: no upload is left open in the bucket, and no object was made. */
    static void assertNothingLeftBehind(S3ProxyServer s3, String bucket, String key) {
        assertThat(s3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads())
                .as("uploads left behind after the interrupt").isEmpty();
        assertThat(s3.listKeys(bucket)).doesNotContain(key);
    }

    static boolean partStored(S3ProxyServer s3, String bucket) {
        var uploads = s3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads();
        return !uploads.isEmpty() && !s3.client().listParts(b -> b.bucket(bucket).key(uploads.get(0).key())
                .uploadId(uploads.get(0).uploadId())).parts().isEmpty();
    }

    @Test
    void headOfAMissingKeyIsEmpty() {
        assertThat(store.head(BUCKET, "no/such/key-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void ensureBucketCreatesAMissingBucketOrRefuses() {
        assertThatThrownBy(() -> store.ensureBucket("not-allowed-to-create", false))
                .isInstanceOfSatisfying(TransferException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT))
                .hasMessage("bucket not-allowed-to-create does not exist and create_buckets is off");

        store.ensureBucket("created-on-demand", true);
        store.ensureBucket("created-on-demand", true);
        store.ensureBucket(BUCKET, false);

        assertThat(server.client().listBuckets().buckets()).extracting(b -> b.name())
                .contains("created-on-demand", BUCKET).doesNotContain("not-allowed-to-create");
    }

    @Test
    void putIntoAMissingBucketSaysSo() throws IOException {
        Path file = write("a.txt", "a".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.put(new PutRequest("no-such-bucket-here", "a.txt", new LocalFileContent(file), 1, 0)))
                .isInstanceOfSatisfying(TransferException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET))
                .hasMessageStartingWith("no-such-bucket-here/a.txt: ");
    }

    @Test
    void overwritesWithNewContent() throws IOException {
        Path file = write("v.txt", "version 1".getBytes(StandardCharsets.UTF_8));
        store.put(new PutRequest(BUCKET, "v.txt", new LocalFileContent(file), Files.size(file), 1_000));
        Files.writeString(file, "version 2, longer");
        Files.setLastModifiedTime(file, FileTime.fromMillis(2_000));

        store.put(new PutRequest(BUCKET, "v.txt", new LocalFileContent(file), Files.size(file), 2_000));

        assertThat(server.readObject(BUCKET, "v.txt")).contains("version 2, longer");
        assertThat(store.head(BUCKET, "v.txt").orElseThrow().mtimeMillis()).contains(2_000L);
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(UUID.randomUUID().toString()).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    static byte[] random(long size, long seed) {
        byte[] bytes = new byte[(int) size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * An abort of an upload that completed after all (its answer lost) finds it no longer open: nothing lingers, so
     * nothing is warned of.
     */
    @Test
    void abortingAnUploadThatCompletedWarnsOfNoLingeringParts() {
        var client = server.client();
        String id = client.createMultipartUpload(b -> b.bucket(BUCKET).key("abort/done.bin")).uploadId();
        String etag = client.uploadPart(b -> b.bucket(BUCKET).key("abort/done.bin").uploadId(id).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromString("part")).eTag();
        client.completeMultipartUpload(b -> b.bucket(BUCKET).key("abort/done.bin").uploadId(id)
                .multipartUpload(m -> m.parts(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                        .partNumber(1).eTag(etag).build())));

        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                MultipartAbort.class);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (dev.ferry.testing.LogCapture logs = dev.ferry.testing.LogCapture.of(MultipartAbort.class.getName())) {
            MultipartAbort.abort(client, BUCKET, "abort/done.bin", id, "abort/done.bin", new Failures(java.util.List.of()));
            MultipartAbort.abort(client, BUCKET, "abort/never.bin", "no-such-upload", "abort/never.bin",
                    new Failures(java.util.List.of()));

            assertThat(logs.lines()).hasSize(2).allMatch(l -> l.startsWith("DEBUG") && l.contains("no longer open"));
        } finally {
            logger.setLevel(level);
        }
        assertThat(server.readObject(BUCKET, "abort/done.bin")).hasValue("part");
    }
}
