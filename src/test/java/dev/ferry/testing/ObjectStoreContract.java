package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.core.Checksums;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.source.local.LocalFileContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ObjectStore} must do, stated as the engine relies on it: the uploader trusts a HEAD's size and
 * {@code mtime} metadata to confirm an interrupted upload and its MD5 to compare content; the reconciliation merges a
 * listing in {@link RemoteEntry#KEY_ORDER} with the local tree and deletes through batch deletes; the bucket gate
 * creates a bucket again after a put said it is missing; the outage logic tells an unreachable endpoint from every
 * other failure by {@link FailureKind}. A subclass supplies the store and a few ways to act behind its back.
 *
 * <p>Where a server is known to differ from AWS S3, the subclass declares it with a quirk method (default: none)
 * and the contract asserts the server's actual behaviour in that case, so the difference stays written down and a
 * fixed server shows up as a failing test, instead of the contract being weakened for every store.
 *
 * <p>Each test works in a bucket of its own, created through {@link ObjectStore#ensureBucket}.
 */
public abstract class ObjectStoreContract {
    protected static final long MIB = 1024 * 1024;
    /** Stores under test send files of this size or larger as multipart uploads, in parts of this size. */
    protected static final long MULTIPART = 5 * MIB;
    private static final long MTIME = 1_714_979_289_123L;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    protected ObjectStore store;
    protected String bucket;

    @TempDir
    protected Path dir;

    /** A new store that uploads files of {@link #MULTIPART} bytes or more in parts of {@link #MULTIPART} bytes. */
    protected abstract ObjectStore openStore();

    /** The object's bytes, read behind the store's back; empty when there is no such object. */
    protected abstract Optional<byte[]> storedBytes(String bucket, String key);

    /** Removes a bucket and everything in it behind the store's back, as another client could. */
    protected abstract void dropBucket(String bucket);

    /** While on, the store's endpoint refuses connections. */
    protected abstract void unreachable(boolean on);

    /**
     * Runs {@code action} once, when a multipart put of {@code key} has made its checksum pass over the file and
     * before it reads the parts it sends.
     */
    protected abstract void afterChecksumPass(String bucket, String key, Runnable action);

    /** While on, every body sent for {@code key} is altered on its way to the server (one byte flipped). */
    protected abstract void alterBodies(String bucket, String key, boolean on);

    /** {@link ObjectStore#list} fetching {@code pageSize} keys per request. */
    protected abstract Stream<RemoteEntry> listInPages(String bucket, String prefix, int pageSize);

    /**
     * Quirk: the server lists keys in the order of Java strings (UTF-16 code units) instead of AWS's UTF-8 byte
     * order; the two differ where a key holds a character above U+FFFF and another one between U+E000 and U+FFFF.
     */
    protected boolean listsInUtf16Order() {
        return false;
    }

    /** Quirk: a multipart object comes out STANDARD whatever storage class the upload asked for. */
    protected boolean multipartDropsStorageClass() {
        return false;
    }

    /** Quirk: a batch delete in a bucket that does not exist succeeds, where S3 answers 404 NoSuchBucket. */
    protected boolean deletesInAMissingBucketQuietly() {
        return false;
    }

    @BeforeEach
    void openTheStore() {
        store = openStore();
        bucket = "contract-" + BUCKETS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        store.ensureBucket(bucket, true);
    }

    @AfterEach
    void closeTheStore() {
        unreachable(false);
        store.close();
    }

    // ---- put and head ----

    @Test
    void aPutFileReadsBackWithItsSizeMtimeMd5AndEtag() throws IOException {
        byte[] content = random(100_000, 1);
        Path file = write("photo.jpg", content);
        String md5 = Checksums.md5Hex(file);

        PutResult result = store.put(new PutRequest(bucket, "photos/photo.jpg", new LocalFileContent(file), content.length, MTIME));

        assertThat(result).isEqualTo(new PutResult(md5, md5, content.length, false));
        RemoteObject head = store.head(bucket, "photos/photo.jpg").orElseThrow();
        assertThat(head.bucket()).isEqualTo(bucket);
        assertThat(head.key()).isEqualTo("photos/photo.jpg");
        assertThat(head.size()).isEqualTo(content.length);
        assertThat(head.etag()).isEqualTo(md5);
        assertThat(head.md5Hex()).contains(md5);
        assertThat(head.mtimeMillis()).as("the file's mtime, to the millisecond").contains(MTIME);
        assertThat(head.metadata()).containsKey("mtime");
        assertThat(head.storageClass()).isEqualTo("STANDARD");
        assertThat(storedBytes(bucket, "photos/photo.jpg")).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(store.list(bucket, "photos/").toList()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("photos/photo.jpg");
            assertThat(e.size()).isEqualTo(content.length);
            assertThat(e.etag()).isEqualTo(md5);
            assertThat(e.storageClass()).isEqualTo("STANDARD");
        });
    }

    @Test
    void anEmptyFileIsAnObjectOfNoBytes() throws IOException {
        Path file = write("empty", new byte[0]);

        PutResult result = store.put(new PutRequest(bucket, "empty", new LocalFileContent(file), 0, MTIME));

        assertThat(result.md5Hex()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        RemoteObject head = store.head(bucket, "empty").orElseThrow();
        assertThat(head.size()).isZero();
        assertThat(head.md5Hex()).contains("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(head.mtimeMillis()).contains(MTIME);
        assertThat(store.list(bucket, "").map(RemoteEntry::key).toList()).containsExactly("empty");
    }

    @Test
    void aMultipartPutReadsBackWithItsMd5InMetadataAndAnEtagOfItsParts() throws IOException {
        byte[] content = random((int) (2 * MULTIPART + 5), 2);
        Path file = write("big.bin", content);

        PutResult result = store.put(new PutRequest(bucket, "big/big.bin", new LocalFileContent(file), content.length, MTIME));

        String etag = Checksums.multipartEtag(file, MULTIPART);
        assertThat(etag).endsWith("-3");
        assertThat(result).isEqualTo(new PutResult(etag, Checksums.md5Hex(file), content.length, true));
        RemoteObject head = store.head(bucket, "big/big.bin").orElseThrow();
        assertThat(head.size()).isEqualTo(content.length);
        assertThat(head.etag()).isEqualTo(etag);
        assertThat(head.md5Hex()).as("from the md5chksum metadata").contains(Checksums.md5Hex(file));
        assertThat(head.mtimeMillis()).contains(MTIME);
        assertThat(store.list(bucket, "big/").toList()).singleElement()
                .satisfies(e -> assertThat(e.etag()).isEqualTo(etag));
        assertThat(storedBytes(bucket, "big/big.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
    }

    @Test
    void aSecondPutReplacesTheObject() throws IOException {
        Path first = write("v1", "first version".getBytes(StandardCharsets.UTF_8));
        Path second = write("v2", "second, longer version".getBytes(StandardCharsets.UTF_8));
        store.put(new PutRequest(bucket, "doc.txt", new LocalFileContent(first), 13, MTIME));

        store.put(new PutRequest(bucket, "doc.txt", new LocalFileContent(second), 22, MTIME + 1000));

        RemoteObject head = store.head(bucket, "doc.txt").orElseThrow();
        assertThat(head.size()).isEqualTo(22);
        assertThat(head.md5Hex()).contains(Checksums.md5Hex(second));
        assertThat(head.mtimeMillis()).contains(MTIME + 1000);
        assertThat(store.list(bucket, "").map(RemoteEntry::key).toList()).containsExactly("doc.txt");
        assertThat(storedBytes(bucket, "doc.txt")).hasValueSatisfying(
                b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("second, longer version"));
    }

    @Test
    void putBytesStoresAMarkerWithItsMd5AndNoMtime() {
        byte[] marker = "Synced at: 2024-05-06T07:08:09Z\n".getBytes(StandardCharsets.UTF_8);
        String md5 = Checksums.hex(Checksums.newMd5().digest(marker));

        PutResult result = store.putBytes(bucket, "photos/syncd.txt", marker, "text/plain; charset=utf-8",
                storageClass("onezone_ia"));

        assertThat(result).isEqualTo(new PutResult(md5, md5, marker.length, false));
        RemoteObject head = store.head(bucket, "photos/syncd.txt").orElseThrow();
        assertThat(head.md5Hex()).contains(md5);
        assertThat(head.mtimeMillis()).as("not a copy of a file").isEmpty();
        assertThat(head.storageClass()).isEqualTo("ONEZONE_IA");
        assertThat(storedBytes(bucket, "photos/syncd.txt")).hasValueSatisfying(b -> assertThat(b).isEqualTo(marker));
    }

    @Test
    void theStorageClassAskedForIsKeptAndAnUnknownOneIsRefusedBeforeSending() throws IOException {
        Path small = write("cold.txt", "cold".getBytes(StandardCharsets.UTF_8));
        Path big = write("cold.bin", random((int) MULTIPART + 1, 3));

        store.put(new PutRequest(bucket, "sc/small.txt", new LocalFileContent(small), 4, MTIME, storageClass("standard_ia")));
        store.put(new PutRequest(bucket, "sc/big.bin", new LocalFileContent(big), MULTIPART + 1, MTIME, storageClass("glacier")));
        TransferException unknown = failure(() -> store.put(new PutRequest(bucket, "sc/frozen.txt", new LocalFileContent(small), 4, MTIME,
                storageClass("FROZEN"))));

        assertThat(store.head(bucket, "sc/small.txt").orElseThrow().storageClass()).isEqualTo("STANDARD_IA");
        String multipartClass = multipartDropsStorageClass() ? "STANDARD" : "GLACIER";
        assertThat(store.head(bucket, "sc/big.bin").orElseThrow().storageClass()).isEqualTo(multipartClass);
        assertThat(store.list(bucket, "sc/").map(RemoteEntry::storageClass).toList())
                .containsExactly(multipartClass, "STANDARD_IA");
        assertThat(unknown.kind()).as("configuration: an operator can fix it").isEqualTo(FailureKind.RETRYABLE);
        assertThat(unknown.getMessage()).startsWith(bucket + "/sc/frozen.txt: ").contains("FROZEN");
        assertThat(store.head(bucket, "sc/frozen.txt")).isEmpty();
    }

    // ---- integrity ----

    @Test
    void aBodyThatDoesNotMatchItsContentMd5IsRefusedAndNothingIsStored() throws IOException {
        byte[] content = random(20_000, 4);
        byte[] partsContent = random((int) MULTIPART + 10, 5);
        Path file = write("tampered.bin", content);
        Path parts = write("tampered-parts.bin", partsContent);
        alterBodies(bucket, "tamper/one.bin", true);
        alterBodies(bucket, "tamper/parts.bin", true);
        TransferException single;
        TransferException multi;
        try {
            single = failure(() -> store.put(new PutRequest(bucket, "tamper/one.bin", new LocalFileContent(file), content.length, MTIME)));
            multi = failure(() -> store.put(new PutRequest(bucket, "tamper/parts.bin", new LocalFileContent(parts), partsContent.length,
                    MTIME)));
        } finally {
            alterBodies(bucket, "tamper/one.bin", false);
            alterBodies(bucket, "tamper/parts.bin", false);
        }

        for (TransferException refused : List.of(single, multi)) {
            assertThat(refused.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(refused.getMessage()).contains("BadDigest");
        }
        assertThat(single.getMessage()).startsWith(bucket + "/tamper/one.bin: ");
        assertThat(storedBytes(bucket, "tamper/one.bin")).isEmpty();
        assertThat(storedBytes(bucket, "tamper/parts.bin")).isEmpty();
        assertThat(store.list(bucket, "tamper/").toList()).isEmpty();

        store.put(new PutRequest(bucket, "tamper/one.bin", new LocalFileContent(file), content.length, MTIME));
        assertThat(storedBytes(bucket, "tamper/one.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
    }

    @Test
    void aFileRewrittenAfterItsChecksumPassIsRefusedAndTheRetryCarriesTheNewContent() throws IOException {
        byte[] original = random((int) (2 * MULTIPART + 3), 6);
        byte[] rewritten = original.clone();
        rewritten[(int) (MULTIPART + 7)] ^= 1;
        Path file = write("rewritten.bin", original);
        afterChecksumPass(bucket, "rewrite/file.bin", () -> {
            try {
                Files.write(file, rewritten);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        TransferException refused = failure(() -> store.put(new PutRequest(bucket, "rewrite/file.bin", new LocalFileContent(file),
                original.length, MTIME)));

        assertThat(refused.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(refused.getMessage()).startsWith(bucket + "/rewrite/file.bin: ")
                .contains("changed while uploading");
        assertThat(storedBytes(bucket, "rewrite/file.bin")).as("never half old, half new").isEmpty();
        PutResult retried = store.put(new PutRequest(bucket, "rewrite/file.bin", new LocalFileContent(file), original.length, MTIME));
        assertThat(retried.md5Hex()).isEqualTo(Checksums.md5Hex(file));
        assertThat(storedBytes(bucket, "rewrite/file.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(rewritten));
    }

    @Test
    void aFileWhoseSizeIsNotTheOneSeenIsRetryableAndNotStored() throws IOException {
        Path file = write("grew.txt", "now longer than expected".getBytes(StandardCharsets.UTF_8));

        TransferException grew = failure(() -> store.put(new PutRequest(bucket, "grew.txt", new LocalFileContent(file), 3, MTIME)));
        TransferException shrank = failure(() -> store.put(new PutRequest(bucket, "grew.txt", new LocalFileContent(file), 300, MTIME)));

        for (TransferException e : List.of(grew, shrank)) {
            assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(e.getMessage()).startsWith(bucket + "/grew.txt: ").contains("changed while uploading");
        }
        assertThat(store.head(bucket, "grew.txt")).isEmpty();
    }

    @Test
    void aFileThatVanishedIsAPermanentFailure() {
        Path gone = dir.resolve("never-written.txt");

        TransferException e = failure(() -> store.put(new PutRequest(bucket, "gone.txt", new LocalFileContent(gone), 5, MTIME)));

        assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(e.getMessage()).startsWith(bucket + "/gone.txt: ").contains("vanished");
    }

    // ---- keys ----

    @Test
    void invalidKeysAndOversizedFilesArePermanentFailures() throws IOException {
        Path file = write("k.txt", "k".getBytes(StandardCharsets.UTF_8));
        String tooLong = "é".repeat(513); // 1,026 bytes in UTF-8

        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> store.put(new PutRequest(bucket, "", new LocalFileContent(file), 1, MTIME)),
                () -> store.put(new PutRequest(bucket, tooLong, new LocalFileContent(file), 1, MTIME)),
                () -> store.putBytes(bucket, "", new byte[1], "text/plain", UploadOptions.NONE),
                () -> store.putBytes(bucket, tooLong, new byte[1], "text/plain", UploadOptions.NONE),
                () -> store.head(bucket, ""),
                () -> store.head(bucket, tooLong),
                () -> store.put(new PutRequest(bucket, "huge.bin", new LocalFileContent(file), 6L << 40, MTIME)))) {
            assertThat(failure(call).kind()).isEqualTo(FailureKind.PERMANENT);
        }
        // exactly 1,024 bytes is a key (in segments: a filesystem-backed server stores each as a file name)
        String longest = String.join("/", "k".repeat(200), "k".repeat(200), "k".repeat(200), "k".repeat(200),
                "k".repeat(200), "k".repeat(19));
        store.put(new PutRequest(bucket, longest, new LocalFileContent(file), 1, MTIME));
        assertThat(store.head(bucket, longest)).isPresent();
    }

    /**
     * Keys are byte strings: NFC and NFD spellings of one name are two objects; spaces, '+', '%', '?', '#', tabs,
     * line breaks and control characters (which XML 1.0, the listing's and the batch delete's format, cannot
     * carry) survive the round trip through the listing, HEAD and delete; the listing comes in key order.
     */
    @Test
    void oddKeysRoundTripAndAreListedInKeyOrder() {
        String nfc = Normalizer.normalize("odd/café", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize("odd/café", Normalizer.Form.NFD);
        assertThat(nfc).isNotEqualTo(nfd);
        List<String> keys = List.of(nfc, nfd, "odd/a b", "odd/a+b", "odd/100%", "odd/%2B", "odd/q?x=1&y=2#z",
                "odd/line\nbreak", "odd/carriage\rreturn", "odd/tab\there",
                "odd/bell\u0007 escape\u001b", "odd/\uFF21 fullwidth",
                "odd/\uD83D\uDE00 emoji", "odd/Z", "odd/z", "odd/日本語/ファイル");
        for (String key : keys) {
            store.putBytes(bucket, key, key.getBytes(StandardCharsets.UTF_8), "text/plain", UploadOptions.NONE);
        }

        List<String> listed = store.list(bucket, "odd/").map(RemoteEntry::key).toList();
        List<String> paged = listInPages(bucket, "odd/", 4).map(RemoteEntry::key).toList();

        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys).isEqualTo(paged);
        if (listsInUtf16Order()) {
            assertThat(listed).isSorted().isNotEqualTo(listed.stream().sorted(RemoteEntry.KEY_ORDER).toList());
        } else {
            assertThat(listed).isSortedAccordingTo(RemoteEntry.KEY_ORDER);
        }
        for (String key : keys) {
            byte[] expected = key.getBytes(StandardCharsets.UTF_8);
            assertThat(store.head(bucket, key)).as(key).hasValueSatisfying(h -> assertThat(h.size())
                    .isEqualTo(expected.length));
            assertThat(storedBytes(bucket, key)).as(key).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
        }

        List<String> deleted = List.of(nfd, "odd/line\nbreak", "odd/carriage\rreturn", "odd/a+b",
                "odd/bell\u0007 escape\u001b");
        assertThat(store.delete(bucket, deleted)).isEmpty();
        assertThat(store.list(bucket, "odd/").map(RemoteEntry::key).toList())
                .containsExactlyInAnyOrderElementsOf(keys.stream().filter(k -> !deleted.contains(k)).toList());
    }

    // ---- listing ----

    @Test
    void aPrefixSelectsItsKeysAndFolderPlaceholdersAreLeftOut() {
        for (String key : List.of("p/a", "p/b/c", "pa", "q/x")) {
            store.putBytes(bucket, key, key.getBytes(StandardCharsets.UTF_8), "text/plain", UploadOptions.NONE);
        }
        store.putBytes(bucket, "p/empty", new byte[0], "text/plain", UploadOptions.NONE);
        store.putBytes(bucket, "p/folder/", new byte[0], "application/x-directory", UploadOptions.NONE);

        assertThat(store.list(bucket, "p/").map(RemoteEntry::key).toList()).containsExactly("p/a", "p/b/c", "p/empty");
        assertThat(store.list(bucket, "p").map(RemoteEntry::key).toList())
                .containsExactly("p/a", "p/b/c", "p/empty", "pa");
        assertThat(store.list(bucket, "").map(RemoteEntry::key).toList())
                .containsExactly("p/a", "p/b/c", "p/empty", "pa", "q/x");
        assertThat(store.list(bucket, "none/").toList()).isEmpty();
        assertThat(store.head(bucket, "p/folder/")).as("a placeholder is an object all the same").isPresent();
    }

    @Test
    void smallPagesGiveTheSameEntriesAsOnePage() {
        for (int i = 0; i < 11; i++) {
            store.putBytes(bucket, String.format("pages/k%02d", i), new byte[i], "text/plain", UploadOptions.NONE);
        }
        store.putBytes(bucket, "pages/dir/", new byte[0], "text/plain", UploadOptions.NONE);
        store.putBytes(bucket, "pagesz", new byte[1], "text/plain", UploadOptions.NONE);

        List<RemoteEntry> whole = store.list(bucket, "pages/").toList();

        assertThat(whole).hasSize(11);
        for (int pageSize : new int[] {1, 2, 5, 11, 12}) {
            assertThat(listInPages(bucket, "pages/", pageSize).toList()).as("pages of " + pageSize).isEqualTo(whole);
        }
        assertThat(whole).extracting(RemoteEntry::size).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void moreThanAThousandKeysAreListedAndDeletedWhole() throws Exception {
        int many = 1_001;
        List<String> keys = IntStream.range(0, many).mapToObj(i -> String.format("many/k%05d", i)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String key : keys) {
                done.add(pool.submit(() -> store.putBytes(bucket, key, key.getBytes(StandardCharsets.UTF_8),
                        "text/plain", UploadOptions.NONE)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        try (Stream<RemoteEntry> listing = store.list(bucket, "many/")) {
            assertThat(listing.map(RemoteEntry::key).toList()).isEqualTo(keys);
        }
        List<String> withMissing = new ArrayList<>(keys);
        withMissing.add("many/never-existed");

        assertThat(store.delete(bucket, withMissing)).as("a missing key counts as deleted").isEmpty();
        assertThat(store.list(bucket, "many/").toList()).isEmpty();
        assertThat(store.delete(bucket, List.of())).isEmpty();
    }

    @Test
    void deletesRefuseInvalidKeysOneByOneAndDeleteTheRest() {
        store.putBytes(bucket, "del/a", new byte[1], "text/plain", UploadOptions.NONE);
        store.putBytes(bucket, "del/b ü", new byte[1], "text/plain", UploadOptions.NONE);
        store.putBytes(bucket, "del/kept", new byte[1], "text/plain", UploadOptions.NONE);

        List<DeleteFailure> refused = store.delete(bucket, List.of("del/a", "", "del/b ü", "k".repeat(1025)));

        assertThat(refused).extracting(DeleteFailure::key).containsExactly("", "k".repeat(1025));
        assertThat(refused.get(0).reason()).contains("empty");
        assertThat(refused.get(1).reason()).contains("too long");
        assertThat(store.list(bucket, "del/").map(RemoteEntry::key).toList()).containsExactly("del/kept");
    }

    // ---- buckets ----

    @Test
    void aMissingBucketIsReportedAsTheEngineExpects() throws IOException {
        String missing = bucket + "-missing";
        Path file = write("f.txt", "f".getBytes(StandardCharsets.UTF_8));

        TransferException put = failure(() -> store.put(new PutRequest(missing, "f.txt", new LocalFileContent(file), 1, MTIME)));
        TransferException putBytes = failure(() -> store.putBytes(missing, "m.txt", new byte[1], "text/plain",
                UploadOptions.NONE));
        Stream<RemoteEntry> listing = store.list(missing, "");
        TransferException list = failure(listing::toList);
        Throwable delete = catchThrowable(() -> assertThat(store.delete(missing, List.of("f.txt"))).isEmpty());
        TransferException ensure = failure(() -> store.ensureBucket(missing, false));

        assertThat(put.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET);
        assertThat(put.getMessage()).startsWith(missing + "/f.txt: ").contains("bucket does not exist");
        assertThat(putBytes.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET);
        assertThat(list.kind()).as("thrown when the listing is consumed").isEqualTo(FailureKind.NO_SUCH_BUCKET);
        assertThat(list.getMessage()).startsWith(missing + "/").contains("bucket does not exist");
        if (deletesInAMissingBucketQuietly()) {
            assertThat(delete).as("deleting in a missing bucket").isNull();
        } else {
            assertThat(delete).isInstanceOfSatisfying(TransferException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET));
        }
        assertThat(ensure.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(ensure.getMessage()).contains(missing).contains("does not exist");
        assertThat(store.head(missing, "f.txt")).as("a HEAD answer has no body to say which is missing").isEmpty();
        store.probe(missing); // the endpoint answered: reachable
    }

    @Test
    void aBucketRemovedUnderTheStoreIsReportedMissingAndCreatedAgain() throws IOException {
        Path file = write("f.txt", "f".getBytes(StandardCharsets.UTF_8));
        store.put(new PutRequest(bucket, "f.txt", new LocalFileContent(file), 1, MTIME));
        dropBucket(bucket);

        TransferException missing = failure(() -> store.put(new PutRequest(bucket, "f.txt", new LocalFileContent(file), 1, MTIME)));
        store.ensureBucket(bucket, true);
        store.put(new PutRequest(bucket, "f.txt", new LocalFileContent(file), 1, MTIME));

        assertThat(missing.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET);
        assertThat(store.head(bucket, "f.txt")).isPresent();
    }

    @Test
    void ensureBucketCreatesAMissingBucketWhenAllowedAndIsRepeatable() {
        String fresh = bucket + "-fresh";

        store.ensureBucket(fresh, true);
        store.ensureBucket(fresh, true);
        store.ensureBucket(fresh, false);
        store.putBytes(fresh, "k", new byte[] {1}, "application/octet-stream", UploadOptions.NONE);

        assertThat(store.list(fresh, "").map(RemoteEntry::key).toList()).containsExactly("k");
    }

    // ---- reachability ----

    @Test
    void anUnreachableEndpointFailsEveryOperationAsUnreachable() throws IOException {
        Path file = write("f.txt", "f".getBytes(StandardCharsets.UTF_8));
        store.put(new PutRequest(bucket, "f.txt", new LocalFileContent(file), 1, MTIME));
        unreachable(true);

        List<TransferException> failures = List.of(
                failure(() -> store.put(new PutRequest(bucket, "g.txt", new LocalFileContent(file), 1, MTIME))),
                failure(() -> store.putBytes(bucket, "m.txt", new byte[1], "text/plain", UploadOptions.NONE)),
                failure(() -> store.head(bucket, "f.txt")),
                failure(() -> store.list(bucket, "").toList()),
                failure(() -> store.delete(bucket, List.of("f.txt"))),
                failure(() -> store.ensureBucket(bucket + "-new", true)),
                failure(() -> store.probe(bucket)));

        assertThat(failures).extracting(TransferException::kind).containsOnly(FailureKind.UNREACHABLE);
        unreachable(false);
        store.probe(bucket);
        assertThat(store.head(bucket, "f.txt")).isPresent();
        assertThat(store.head(bucket, "g.txt")).isEmpty();
    }

    @Test
    void concurrentPutsOfDistinctKeysAllLand() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            files.add(write("c" + i, ("content " + i).getBytes(StandardCharsets.UTF_8)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<PutResult>> done = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                int n = i;
                done.add(pool.submit(() -> store.put(new PutRequest(bucket, "conc/c" + n, new LocalFileContent(files.get(n)),
                        Files.size(files.get(n)), MTIME))));
            }
            for (Future<PutResult> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(store.list(bucket, "conc/").count()).isEqualTo(24);
        for (int i = 0; i < files.size(); i++) {
            assertThat(store.head(bucket, "conc/c" + i).orElseThrow().md5Hex()).contains(Checksums.md5Hex(files.get(i)));
        }
    }

    // ---- helpers ----

    protected static UploadOptions storageClass(String name) {
        return new UploadOptions(Optional.of(name), Optional.empty(), Optional.empty());
    }

    protected static TransferException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(TransferException.class);
        return (TransferException) thrown;
    }

    protected Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(UUID.randomUUID().toString()).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    protected static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
