package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.TransferException;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Listing and batch deletes against a real S3Proxy process, through a proxy that records the requests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3ListAndDeleteIT {
    private static final String BUCKET = "ferry-listing";
    private static final int MANY = 1_050;
    private static S3ProxyServer server;
    private static CountingProxy proxy;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start();
        proxy = CountingProxy.start(server.port());
        server.createBucket(BUCKET);
        store = S3ObjectStore.create(S3ObjectStoreIT.settings(server).endpoint(proxy.endpoint()).build());
        putMany(BUCKET, "many/", MANY);
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

    @Test
    void listsMoreThanAThousandKeysInPagesOfAThousand() {
        long before = requests("GET /" + BUCKET + "?");

        List<RemoteEntry> entries;
        try (Stream<RemoteEntry> listing = store.list(BUCKET, "many/")) {
            entries = listing.toList();
        }

        assertThat(entries).hasSize(MANY);
        assertThat(entries).extracting(RemoteEntry::key).isSorted().doesNotHaveDuplicates()
                .allSatisfy(k -> assertThat(k).startsWith("many/"));
        assertThat(requests("GET /" + BUCKET + "?") - before).as("list requests").isEqualTo(2);
    }

    @Test
    void smallPagesGiveTheSameEntries() {
        long before = requests("GET /" + BUCKET + "?");

        List<RemoteEntry> entries = store.list(BUCKET, "many/", 100).toList();

        assertThat(entries).hasSize(MANY);
        assertThat(entries).isEqualTo(store.list(BUCKET, "many/").toList());
        assertThat(requests("GET /" + BUCKET + "?") - before).as("list requests").isEqualTo(11 + 2);
    }

    @Test
    void pagesAreFetchedOneAheadOfTheConsumer() {
        long before = requests("GET /" + BUCKET + "?");
        Stream<RemoteEntry> listing = store.list(BUCKET, "many/", 100);
        assertThat(requests("GET /" + BUCKET + "?") - before).as("before consuming").isZero();

        List<RemoteEntry> first;
        try (listing) {
            first = listing.limit(150).toList();
            // pages 1 and 2 consumed; page 3 fetched ahead, and no further one until it is consumed
            org.awaitility.Awaitility.await("page 3 fetched ahead").atMost(Duration.ofSeconds(10))
                    .until(() -> requests("GET /" + BUCKET + "?") - before >= 3);
            assertThat(requests("GET /" + BUCKET + "?") - before).as("pages for 150 entries").isEqualTo(3);
        }
        assertThat(first).hasSize(150);
        assertThat(first.get(149).key()).isEqualTo(store.list(BUCKET, "many/").skip(149).findFirst().orElseThrow().key());
    }

    @Test
    void entriesCarrySizeEtagTimeAndStorageClass() {
        byte[] content = "listed content".getBytes(StandardCharsets.UTF_8);
        server.client().putObject(b -> b.bucket(BUCKET).key("fields/one.txt"), RequestBody.fromBytes(content));

        RemoteEntry entry = store.list(BUCKET, "fields/").findFirst().orElseThrow();

        assertThat(entry.key()).isEqualTo("fields/one.txt");
        assertThat(entry.size()).isEqualTo(content.length);
        assertThat(entry.etag()).isEqualTo(LocalFiles.hex(LocalFiles.md5(content, content.length)));
        assertThat(entry.lastModified()).isBetween(Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(entry.storageClass()).isEqualTo("STANDARD");
    }

    @Test
    void unicodeKeysComeBackExactlyInTheServersOrder() {
        List<String> keys = List.of("uni/Ünïcødé 日本語.txt", "uni/\uFF21 fullwidth", "uni/\uD83D\uDE00 emoji",
                "uni/a+b %2B #x ?y=z&w", "uni/é", "uni/e", "uni/Z", "uni/line\ttab");
        keys.forEach(k -> server.client().putObject(b -> b.bucket(BUCKET).key(k), RequestBody.fromString(k)));

        List<String> listed = store.list(BUCKET, "uni/", 3).map(RemoteEntry::key).toList();
        List<String> raw = server.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("uni/")).contents()
                .stream().map(S3Object::key).toList();

        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys).isEqualTo(raw);
        // S3Proxy's filesystem backend sorts keys as Java strings (UTF-16): the emoji before U+FF21. AWS sorts
        // by UTF-8 bytes (RemoteEntry.KEY_ORDER), which puts U+FF21 first. Consumers must not assume either.
        assertThat(listed).isSorted();
        assertThat(listed).isNotEqualTo(listed.stream().sorted(RemoteEntry.KEY_ORDER).toList());
    }

    @Test
    void folderPlaceholdersAndTheFilesystemBackendsDirectoryEntriesAreLeftOut() {
        for (String key : List.of("nested/a/b/c.txt", "nested/x.txt")) {
            server.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key));
        }
        server.client().putObject(b -> b.bucket(BUCKET).key("nested/folder/"), RequestBody.empty());
        List<String> raw = server.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("nested/")).contents()
                .stream().map(S3Object::key).toList();

        List<String> listed = store.list(BUCKET, "nested/").map(RemoteEntry::key).toList();

        assertThat(raw).as("what S3Proxy lists").contains("nested/folder/");
        assertThat(listed).containsExactly("nested/a/b/c.txt", "nested/x.txt");
    }

    @Test
    void anEmptyPrefixListsTheWholeBucketAndAnUnknownPrefixNothing() {
        assertThat(store.list(BUCKET, "no-such-prefix/").toList()).isEmpty();
        assertThat(store.list(BUCKET, "").count()).isGreaterThanOrEqualTo(MANY);
    }

    @Test
    void listingAMissingBucketFailsWhenConsumed() {
        Stream<RemoteEntry> listing = store.list("no-such-bucket-for-listing", "");

        assertThatThrownBy(listing::toList).isInstanceOfSatisfying(TransferException.class,
                e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET))
                .hasMessageStartingWith("no-such-bucket-for-listing/: cannot list objects: bucket does not exist");
    }

    @Test
    @Order(Integer.MAX_VALUE) // deletes the keys the listing tests read
    void deletesInBatchesOfAThousandWithContentMd5() {
        List<String> keys = store.list(BUCKET, "many/").map(RemoteEntry::key).toList();
        assertThat(keys).hasSize(MANY);
        int headsBefore = proxy.requestHeads().size();

        List<DeleteFailure> failures = store.delete(BUCKET, keys);

        assertThat(failures).isEmpty();
        assertThat(store.list(BUCKET, "many/").toList()).isEmpty();
        List<String> deletes = proxy.requestHeads().subList(headsBefore, proxy.requestHeads().size()).stream()
                .filter(h -> h.startsWith("POST /" + BUCKET + "?delete")).toList();
        assertThat(deletes).hasSize(2).allSatisfy(h -> assertThat(h.toLowerCase()).contains("\r\ncontent-md5: "));
    }

    @Test
    void smallBatchesMissingKeysAndInvalidKeys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String key = "small/" + i + " ü";
            keys.add(key);
            server.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key));
        }
        keys.add("small/never-existed");
        keys.add("");
        keys.add("k".repeat(1025));
        long before = requests("POST /" + BUCKET + "?delete");

        List<DeleteFailure> failures = store.delete(BUCKET, keys, 10);

        assertThat(failures).containsExactly(new DeleteFailure("", "the key is empty"),
                new DeleteFailure("k".repeat(1025), "key too long: 1025 bytes in UTF-8, S3 allows at most 1024"));
        assertThat(store.list(BUCKET, "small/").toList()).isEmpty();
        assertThat(requests("POST /" + BUCKET + "?delete") - before).isEqualTo(3);
        assertThat(store.delete(BUCKET, List.of())).isEmpty();
    }

    @Test
    @Order(1)
    void refusedCredentialsFailListingAndDeletingAsSuch() {
        S3Settings wrong = S3ObjectStoreIT.settings(server).credentials(server.accessKey(), "wrong-secret-key").build();
        try (S3ObjectStore refused = S3ObjectStore.create(wrong)) {
            assertThatThrownBy(() -> refused.list(BUCKET, "many/").findFirst())
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CREDENTIALS_REFUSED))
                    .hasMessageContaining("credentials refused").hasMessageNotContaining("wrong-secret-key");
            assertThatThrownBy(() -> refused.delete(BUCKET, List.of("many/k00001")))
                    .isInstanceOfSatisfying(TransferException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CREDENTIALS_REFUSED));
        }
        assertThat(server.readObject(BUCKET, "many/k00001")).isPresent();
    }

    private static long requests(String prefix) {
        return proxy.requestHeads().stream().filter(h -> h.startsWith(prefix)).count();
    }

    /** Puts {@code count} small objects with the test client, a few at a time. */
    private static void putMany(String bucket, String prefix, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            IntStream.range(0, count).forEach(i -> done.add(pool.submit(() -> server.client().putObject(
                    b -> b.bucket(bucket).key(String.format("%sk%05d", prefix, i)), RequestBody.fromString("" + i)))));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
