package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.core.FailureKind;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.Checksums;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Storage classes, server-side encryption, small objects from memory and the SDK checksum mode against a real
 * S3Proxy process, through a proxy that records the request headers that went over the wire.
 */
class S3UploadOptionsIT {
    private static final String BUCKET = "ferry-options";
    private static final long MIB = 1024 * 1024;
    private static S3ProxyServer server;
    private static CountingProxy proxy;
    private static S3ObjectStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        proxy = CountingProxy.start(server.port());
        server.createBucket(BUCKET);
        store = S3ObjectStore.create(S3ObjectStoreIT.settings(server).endpoint(proxy.endpoint())
                .multipartThreshold(5 * MIB).partSize(5 * MIB).build());
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static UploadOptions storageClass(String name) {
        return new UploadOptions(Optional.of(name), Optional.empty(), Optional.empty());
    }

    /**
     * S3Proxy 4.1.0 keeps the storage class of a PutObject and reports it on HEAD and LIST, but a multipart
     * object comes out STANDARD whatever CreateMultipartUpload asked for: there only the header is checked.
     */
    @Test
    void storageClassOfSingleAndMultipartUploadsShowsOnHeadAndList() throws IOException {
        Path small = write("small.txt", "cold".getBytes(StandardCharsets.UTF_8));
        Path big = write("big.bin", S3ObjectStoreIT.random(6 * MIB, 1));

        store.put(new PutRequest(BUCKET, "sc/small.txt", new LocalFileContent(small), 4, 0, storageClass("STANDARD_IA")));
        store.put(new PutRequest(BUCKET, "sc/big.bin", new LocalFileContent(big), 6 * MIB, 0, storageClass("glacier")));
        store.put(new PutRequest(BUCKET, "sc/plain.txt", new LocalFileContent(small), 4, 0));

        assertThat(store.head(BUCKET, "sc/small.txt").orElseThrow().storageClass()).isEqualTo("STANDARD_IA");
        assertThat(store.head(BUCKET, "sc/big.bin").orElseThrow().storageClass()).as("S3Proxy drops it")
                .isEqualTo("STANDARD");
        assertThat(store.head(BUCKET, "sc/plain.txt").orElseThrow().storageClass()).isEqualTo("STANDARD");
        assertThat(store.list(BUCKET, "sc/").toList()).extracting(RemoteEntry::key, RemoteEntry::storageClass)
                .containsExactly(tuple("sc/big.bin", "STANDARD"),
                        tuple("sc/plain.txt", "STANDARD"),
                        tuple("sc/small.txt", "STANDARD_IA"));
        assertThat(headOf("PUT /" + BUCKET + "/sc/small.txt")).contains("\r\nx-amz-storage-class: STANDARD_IA\r\n");
        assertThat(headOf("POST /" + BUCKET + "/sc/big.bin?uploads")).contains("\r\nx-amz-storage-class: GLACIER\r\n");
        assertThat(headOf("PUT /" + BUCKET + "/sc/plain.txt")).doesNotContain("x-amz-storage-class");
    }

    @Test
    void s3ProxyRefusesServerSideEncryptionAndTheHeadersWentOut() throws IOException {
        Path small = write("secret.txt", "secret".getBytes(StandardCharsets.UTF_8));
        Path big = write("secret.bin", S3ObjectStoreIT.random(6 * MIB, 2));
        UploadOptions aes = new UploadOptions(Optional.empty(), Optional.of("AES256"), Optional.empty());
        UploadOptions kms = new UploadOptions(Optional.empty(), Optional.of("aws:kms"), Optional.of("alias/ferry"));

        TransferException single = failure(() -> store.put(new PutRequest(BUCKET, "sse/s.txt", new LocalFileContent(small), 6, 0, aes)));
        TransferException multi = failure(() -> store.put(new PutRequest(BUCKET, "sse/b.bin", new LocalFileContent(big), 6 * MIB, 0, kms)));

        // S3Proxy 4.1.0 answers 501 NotImplemented "Server-side encryption is not supported"
        assertThat(single.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(single.getMessage()).startsWith(BUCKET + "/sse/s.txt: upload failed: the server does not "
                + "implement this request (HTTP 501").contains("such as sse");
        assertThat(multi.getMessage()).startsWith(BUCKET + "/sse/b.bin: cannot start multipart upload: the server does "
                + "not implement this request");
        assertThat(headOf("PUT /" + BUCKET + "/sse/s.txt")).contains("\r\nx-amz-server-side-encryption: AES256\r\n")
                .doesNotContain("kms-key-id");
        assertThat(headOf("POST /" + BUCKET + "/sse/b.bin?uploads"))
                .contains("\r\nx-amz-server-side-encryption: aws:kms\r\n")
                .contains("\r\nx-amz-server-side-encryption-aws-kms-key-id: alias/ferry\r\n");
        assertThat(server.readObject(BUCKET, "sse/s.txt")).isEmpty();
    }

    @Test
    void putBytesStoresASmallObjectWithContentMd5AndNoMtime() {
        byte[] marker = "Synced at: 2024-05-06T07:08:09Z\n".getBytes(StandardCharsets.UTF_8);

        PutResult result = store.putBytes(BUCKET, "photos/2024/syncd.txt", marker, "text/plain; charset=utf-8",
                storageClass("ONEZONE_IA"));

        String md5 = LocalFiles.hex(LocalFiles.md5(marker, marker.length));
        assertThat(result).isEqualTo(new PutResult(md5, md5, marker.length, false));
        assertThat(server.readObjectBytes(BUCKET, "photos/2024/syncd.txt")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(marker));
        HeadObjectResponse raw = server.client().headObject(b -> b.bucket(BUCKET).key("photos/2024/syncd.txt"));
        assertThat(raw.contentType()).isIn("text/plain; charset=utf-8", "text/plain;charset=utf-8");
        assertThat(raw.metadata()).doesNotContainKey("mtime");
        assertThat(raw.storageClassAsString()).isEqualTo("ONEZONE_IA");
        assertThat(headOf("PUT /" + BUCKET + "/photos/2024/syncd.txt"))
                .contains("\r\nContent-MD5: " + LocalFiles.base64(LocalFiles.md5(marker, marker.length)) + "\r\n");
    }

    @Test
    void putBytesOfNothingAndIntoAMissingBucket() {
        assertThat(store.putBytes(BUCKET, "empty-marker", new byte[0], "text/plain", UploadOptions.NONE).md5Hex())
                .isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThatThrownBy(() -> store.putBytes("no-such-bucket-bytes", "m", new byte[1], "text/plain",
                UploadOptions.NONE)).isInstanceOfSatisfying(TransferException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET));
    }

    @Test
    void multipartEtagMatchesWhatS3ProxyComputesForFiveMebibyteParts() throws IOException {
        Path file = write("three-parts.bin", S3ObjectStoreIT.random(12 * MIB + 5, 3));

        PutResult result = store.put(new PutRequest(BUCKET, "etag/three-parts.bin", new LocalFileContent(file), 12 * MIB + 5, 0));

        String expected = Checksums.multipartEtag(file, 5 * MIB);
        assertThat(expected).endsWith("-3");
        assertThat(result.multipart()).isTrue();
        assertThat(result.etag()).isEqualTo(expected);
        assertThat(store.head(BUCKET, "etag/three-parts.bin").orElseThrow().etag()).isEqualTo(expected);
        assertThat(store.list(BUCKET, "etag/three").findFirst().orElseThrow().etag()).isEqualTo(expected);
        assertThat(store.head(BUCKET, "etag/three-parts.bin").orElseThrow().md5Hex()).contains(Checksums.md5Hex(file));
    }

    /**
     * Parts carry the Content-MD5 of the checksum pass, so a file rewritten between that pass and the reading of
     * its parts (here: while CreateMultipartUpload is on its way) is refused by S3, retried, and never lands
     * half old, half new; the next attempt uploads the new content.
     */
    @Test
    void aMultipartFileRewrittenAfterItsChecksumPassIsRefusedAndTheRetryCarriesTheNewContent() throws IOException {
        byte[] original = S3ObjectStoreIT.random(12 * MIB, 8);
        byte[] rewritten = original.clone();
        rewritten[(int) (7 * MIB)] ^= 1;
        Path file = write("rewritten.bin", original);
        proxy.beforeForwarding(head -> {
            if (head.startsWith("POST /" + BUCKET + "/rewrite/file.bin?uploads")) {
                try {
                    Files.write(file, rewritten);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        TransferException refused;
        try {
            refused = failure(() -> store.put(new PutRequest(BUCKET, "rewrite/file.bin", new LocalFileContent(file), 12 * MIB, 0)));
        } finally {
            proxy.beforeForwarding(head -> { });
        }

        assertThat(refused.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(refused.getMessage()).contains("changed while uploading").contains("BadDigest");
        assertThat(server.readObjectBytes(BUCKET, "rewrite/file.bin")).isEmpty();

        PutResult retried = store.put(new PutRequest(BUCKET, "rewrite/file.bin", new LocalFileContent(file), 12 * MIB, 0));
        assertThat(retried.md5Hex()).isEqualTo(Checksums.md5Hex(file));
        assertThat(server.readObjectBytes(BUCKET, "rewrite/file.bin")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(rewritten));
    }

    @Test
    void singlePartEtagIsTheMd5() throws IOException {
        Path file = write("one.bin", S3ObjectStoreIT.random(100_000, 4));

        PutResult result = store.put(new PutRequest(BUCKET, "etag/one.bin", new LocalFileContent(file), 100_000, 0));

        assertThat(result.etag()).isEqualTo(Checksums.md5Hex(file));
    }

    @Test
    void sdkDefaultChecksumsWorkAgainstS3ProxyAndAreSentOnlyWhenAsked() throws IOException {
        Path small = write("crc.txt", "crc".getBytes(StandardCharsets.UTF_8));
        Path big = write("crc.bin", S3ObjectStoreIT.random(6 * MIB, 5));
        try (S3ObjectStore crc = S3ObjectStore.create(S3ObjectStoreIT.settings(server).endpoint(proxy.endpoint())
                .multipartThreshold(5 * MIB).partSize(5 * MIB).sdkDefaultChecksums(true).build())) {
            crc.put(new PutRequest(BUCKET, "crc/crc.txt", new LocalFileContent(small), 3, 0));
            crc.put(new PutRequest(BUCKET, "crc/crc.bin", new LocalFileContent(big), 6 * MIB, 0));
            assertThat(crc.delete(BUCKET, List.of("crc/crc.txt"))).isEmpty();
            assertThat(crc.list(BUCKET, "crc/").map(RemoteEntry::key).toList()).containsExactly("crc/crc.bin");
        }
        store.put(new PutRequest(BUCKET, "crc/plain.txt", new LocalFileContent(small), 3, 0));

        assertThat(headOf("PUT /" + BUCKET + "/crc/crc.txt").toLowerCase(Locale.ROOT)).contains("x-amz-checksum-crc32");
        assertThat(headOf("PUT /" + BUCKET + "/crc/plain.txt").toLowerCase(Locale.ROOT))
                .doesNotContain("x-amz-checksum").doesNotContain("x-amz-trailer").contains("content-md5: ");
    }

    /**
     * Over plain HTTP the SDK would hash every body into the signature; Ferry's bodies carry a signed Content-MD5
     * instead and go as UNSIGNED-PAYLOAD: from memory, streamed from disk, as multipart parts, over the old 16 MiB
     * limit of whole-body signing, and with a bandwidth limit. S3Proxy checks the signature and the MD5 (content
     * intact). The SDK's own checksums (aws-chunked trailers) keep the SDK's signing.
     */
    @Test
    void bodiesGoUnsignedGuardedByTheirSignedContentMd5() throws Exception {
        byte[] smallContent = "guarded by md5".getBytes(StandardCharsets.UTF_8);
        byte[] streamedContent = S3ObjectStoreIT.random(2 * MIB + 7, 6);
        Path small = write("unsigned.txt", smallContent);
        Path streamed = write("unsigned.bin", streamedContent);
        Path parts = write("parts.bin", S3ObjectStoreIT.random(6 * MIB, 7));
        byte[] largeContent = S3ObjectStoreIT.random(17 * MIB + 3, 9);
        Path large = write("large.bin", largeContent);

        store.put(new PutRequest(BUCKET, "signing/unsigned.txt", new LocalFileContent(small), smallContent.length, 0));
        store.put(new PutRequest(BUCKET, "signing/unsigned.bin", new LocalFileContent(streamed), streamedContent.length, 0));
        store.put(new PutRequest(BUCKET, "signing/parts.bin", new LocalFileContent(parts), 6 * MIB, 0));
        try (S3ObjectStore limited = S3ObjectStore.create(S3ObjectStoreIT.settings(server).endpoint(proxy.endpoint())
                .bandwidthLimiter(BandwidthLimiter.of(100 * MIB)).build());
                S3ObjectStore singleLarge = S3ObjectStore.create(S3ObjectStoreIT.settings(server)
                        .endpoint(proxy.endpoint()).multipartThreshold(64 * MIB).build())) {
            limited.put(new PutRequest(BUCKET, "signing/limited.txt", new LocalFileContent(small), smallContent.length, 0));
            singleLarge.put(new PutRequest(BUCKET, "signing/large.bin", new LocalFileContent(large), largeContent.length, 0));
        }

        for (String put : List.of("unsigned.txt", "unsigned.bin", "parts.bin?", "limited.txt", "large.bin")) {
            assertThat(headOf("PUT /" + BUCKET + "/signing/" + put).toLowerCase(Locale.ROOT)).as(put)
                    .contains("\r\nx-amz-content-sha256: unsigned-payload\r\n")
                    .containsPattern("\r\ncontent-md5: [A-Za-z0-9+/=]{24}\r\n")
                    .contains("signedheaders=")
                    .containsPattern("signedheaders=[^,\r]*content-md5")
                    .doesNotContain("aws-chunked");
        }
        assertThat(headOf("PUT /" + BUCKET + "/signing/unsigned.bin").toLowerCase(Locale.ROOT))
                .contains("\r\ncontent-length: " + streamedContent.length + "\r\n");
        assertThat(server.readObjectBytes(BUCKET, "signing/unsigned.bin")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(streamedContent));
        assertThat(server.readObjectBytes(BUCKET, "signing/large.bin")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(largeContent));
        assertThat(server.readObjectBytes(BUCKET, "signing/limited.txt")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(smallContent));
        // a request without Content-MD5 keeps its body in the signature
        assertThat(headOf("POST /" + BUCKET + "/signing/parts.bin?uploadId").toLowerCase(Locale.ROOT))
                .containsPattern("\r\nx-amz-content-sha256: [0-9a-f]{64}\r\n");
    }

    /**
     * What makes an unsigned body safe: its Content-MD5 is signed, so a body altered on the way is refused by the
     * server (here one bit flipped by the proxy, in a single PUT and in a part), the upload fails as retryable and
     * nothing is stored; once the link is sound again the same file goes up intact.
     */
    @Test
    void anUnsignedBodyAlteredOnTheWayIsRefusedAndNothingIsStored() throws IOException {
        byte[] content = S3ObjectStoreIT.random(20_000, 11);
        byte[] partsContent = S3ObjectStoreIT.random(6 * MIB, 12);
        Path file = write("tampered.bin", content);
        Path parts = write("tampered-parts.bin", partsContent);
        proxy.tamperWithBodies(head -> head.startsWith("PUT /" + BUCKET + "/tamper/"));
        TransferException single;
        TransferException part;
        try {
            single = failure(() -> store.put(new PutRequest(BUCKET, "tamper/one.bin", new LocalFileContent(file), content.length, 0)));
            part = failure(() -> store.put(new PutRequest(BUCKET, "tamper/parts.bin", new LocalFileContent(parts), 6 * MIB, 0)));
        } finally {
            proxy.tamperWithBodies(head -> false);
        }

        for (TransferException refused : List.of(single, part)) {
            assertThat(refused.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(refused.getMessage()).contains("BadDigest");
        }
        assertThat(server.readObjectBytes(BUCKET, "tamper/one.bin")).isEmpty();
        assertThat(server.readObjectBytes(BUCKET, "tamper/parts.bin")).isEmpty();

        store.put(new PutRequest(BUCKET, "tamper/one.bin", new LocalFileContent(file), content.length, 0));
        assertThat(server.readObjectBytes(BUCKET, "tamper/one.bin")).hasValueSatisfying(
                b -> assertThat(b).isEqualTo(content));
    }

    /** The last request head sent that starts with this request line prefix. */
    private static String headOf(String requestLinePrefix) {
        List<String> heads = proxy.requestHeads().stream().filter(h -> h.startsWith(requestLinePrefix)).toList();
        assertThat(heads).as("requests starting with " + requestLinePrefix).isNotEmpty();
        return heads.get(heads.size() - 1);
    }

    private static TransferException failure(Runnable action) {
        try {
            action.run();
        } catch (TransferException e) {
            return e;
        }
        throw new AssertionError("expected a TransferException");
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(UUID.randomUUID().toString()).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }
}
