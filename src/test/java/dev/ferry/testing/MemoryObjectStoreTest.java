package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.MemoryObjectStore.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store keeps the contract every {@link ObjectStore} keeps (S3 included, see
 * {@code S3ObjectStoreContractIT}), and its test hooks do what engine tests rely on.
 */
class MemoryObjectStoreTest extends ObjectStoreContract {
    private MemoryObjectStore memory;

    @Override
    protected ObjectStore openStore() {
        memory = new MemoryObjectStore().withMultipart(MULTIPART, MULTIPART);
        return memory;
    }

    @Override
    protected Optional<byte[]> storedBytes(String bucket, String key) {
        return memory.object(bucket, key).map(MemoryObjectStore.Stored::content);
    }

    @Override
    protected void dropBucket(String bucket) {
        memory.dropBucket(bucket);
    }

    @Override
    protected void unreachable(boolean on) {
        memory.unreachable(on);
    }

    @Override
    protected void afterChecksumPass(String bucket, String key, Runnable action) {
        memory.afterChecksumPass(key, k -> action.run());
    }

    @Override
    protected void alterBodies(String bucket, String key, boolean on) {
        memory.alterBodies(key, on);
    }

    @Override
    protected Stream<RemoteEntry> listInPages(String bucket, String prefix, int pageSize) {
        MemoryObjectStore paged = memory.withPageSize(pageSize);
        try {
            // the listing takes its page size when it is made
            return paged.list(bucket, prefix).toList().stream();
        } finally {
            memory.withPageSize(1000);
        }
    }

    // ---- the hooks ----

    @Test
    void theNextPutsFailWithTheChosenKindThenPutsGoThrough() throws IOException {
        Path file = write("a.txt", "abc".getBytes(StandardCharsets.UTF_8));
        memory.failNextPuts(2, FailureKind.RETRYABLE);

        TransferException first = failure(() -> memory.put(new PutRequest(bucket, "a.txt", new LocalFileContent(file), 3, 0)));
        TransferException second = failure(() -> memory.put(new PutRequest(bucket, "a.txt", new LocalFileContent(file), 3, 0)));
        memory.put(new PutRequest(bucket, "a.txt", new LocalFileContent(file), 3, 0));

        assertThat(List.of(first, second)).extracting(TransferException::kind).containsOnly(FailureKind.RETRYABLE);
        assertThat(first.getMessage()).isEqualTo(bucket + "/a.txt: upload failed: server error (HTTP 500 InternalError)");
        assertThat(memory.requests(Request.PUT)).isEqualTo(3);
        assertThat(memory.writes(bucket, "a.txt")).isEqualTo(1);
        assertThat(memory.object(bucket, "a.txt").orElseThrow().text()).isEqualTo("abc");
    }

    @Test
    void everyFailureKindCanBeInjectedIntoAnyOperation() {
        for (FailureKind kind : FailureKind.values()) {
            memory.failNext(Request.HEAD, 1, kind);
            assertThat(failure(() -> memory.head(bucket, "k")).kind()).isEqualTo(kind);
            memory.failNext(Request.LIST, 1, kind);
            assertThat(failure(() -> memory.list(bucket, "").toList()).kind()).isEqualTo(kind);
            memory.failNext(Request.DELETE, 1, kind);
            assertThat(failure(() -> memory.delete(bucket, List.of("k"))).kind()).isEqualTo(kind);
        }
        assertThat(memory.head(bucket, "k")).isEmpty();
    }

    @Test
    void aLostResponseLeavesTheObjectStoredAndTheCallerInTheDark() throws IOException {
        Path file = write("a.txt", "abc".getBytes(StandardCharsets.UTF_8));
        memory.loseNextResponses(Request.PUT, 1);

        TransferException lost = failure(() -> memory.put(new PutRequest(bucket, "a.txt", new LocalFileContent(file), 3, 0)));

        assertThat(lost.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(memory.writes(bucket, "a.txt")).isEqualTo(1);
        assertThat(memory.head(bucket, "a.txt")).isPresent();
        memory.put(new PutRequest(bucket, "a.txt", new LocalFileContent(file), 3, 0));
        assertThat(memory.writes(bucket, "a.txt")).isEqualTo(2);
    }

    @Test
    void unreachableFailsProbesAndCountsTheAttempts() {
        memory.unreachable(true);

        assertThat(failure(() -> memory.probe(bucket)).kind()).isEqualTo(FailureKind.UNREACHABLE);
        memory.failNext(Request.PROBE, 1, FailureKind.CREDENTIALS_REFUSED);
        memory.unreachable(false);
        memory.probe(bucket); // an answer, even a refusal, means reachable

        assertThat(memory.requests(Request.PROBE)).isEqualTo(2);
    }

    @Test
    void listingsCountOneRequestPerPageFetchedAsTheyAreConsumed() {
        for (int i = 0; i < 5; i++) {
            memory.putBytes(bucket, "k" + i, new byte[1], "text/plain", UploadOptions.NONE);
        }
        memory.withPageSize(2);

        Iterator<RemoteEntry> listing = memory.list(bucket, "").iterator();
        assertThat(memory.requests(Request.LIST)).as("nothing fetched before it is consumed").isZero();
        listing.next();
        listing.next();
        assertThat(memory.requests(Request.LIST)).isEqualTo(1);
        listing.next();
        assertThat(memory.requests(Request.LIST)).isEqualTo(2);
        listing.forEachRemaining(e -> { });
        assertThat(memory.requests(Request.LIST)).isEqualTo(3);
    }

    @Test
    void deletesGoInBatchesOfAThousandAndChosenKeysAreRefused() {
        List<String> keys = java.util.stream.IntStream.range(0, 2_001).mapToObj(i -> "d/" + i).toList();
        keys.forEach(k -> memory.putBytes(bucket, k, new byte[1], "text/plain", UploadOptions.NONE));
        memory.refuseDeletes(k -> k.equals("d/7"));

        List<DeleteFailure> refused = memory.delete(bucket, keys);

        assertThat(refused).containsExactly(new DeleteFailure("d/7", "AccessDenied: Access Denied"));
        assertThat(memory.requests(Request.DELETE)).isEqualTo(3);
        assertThat(memory.keys(bucket)).containsExactly("d/7");
    }

    @Test
    void theEndpointIsTheOneGiven() {
        assertThat(new MemoryObjectStore().withEndpoint("http://shared:9000").endpoint()).isEqualTo("http://shared:9000");
    }
}
