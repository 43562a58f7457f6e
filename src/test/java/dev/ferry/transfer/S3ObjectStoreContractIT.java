package dev.ferry.transfer;

import dev.ferry.core.ObjectStore;
import dev.ferry.core.RemoteEntry;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.ObjectStoreContract;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link S3ObjectStore} keeps the {@link ObjectStoreContract} against a real S3Proxy process (filesystem backend)
 * over real sockets, through a {@link CountingProxy} that takes the endpoint down, alters bodies and runs code at the
 * moment a multipart upload starts. The unit tests' {@code MemoryObjectStore} keeps the same contract.
 */
class S3ObjectStoreContractIT extends ObjectStoreContract {
    private static S3ProxyServer server;
    private static CountingProxy proxy;
    private static final Set<String> altered = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        proxy = CountingProxy.start(server.port());
        proxy.tamperWithBodies(head -> altered.stream().anyMatch(head::startsWith));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore openStore() {
        return S3ObjectStore.create(S3ObjectStoreIT.settings(server).endpoint(proxy.endpoint())
                .multipartThreshold(MULTIPART).partSize(MULTIPART).build());
    }

    @Override
    protected Optional<byte[]> storedBytes(String bucket, String key) {
        return server.readObjectBytes(bucket, key);
    }

    /** The filesystem backend keeps a bucket as a directory: removing it is what another client's delete does. */
    @Override
    protected void dropBucket(String bucket) {
        Path dir = server.dataDir().resolve(bucket);
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void unreachable(boolean on) {
        proxy.outage(on);
    }

    /** CreateMultipartUpload goes out after the checksum pass and before any part is read. */
    @Override
    protected void afterChecksumPass(String bucket, String key, Runnable action) {
        String start = "POST /" + bucket + "/" + key + "?uploads";
        proxy.beforeForwarding(head -> {
            if (head.startsWith(start)) {
                proxy.beforeForwarding(h -> { });
                action.run();
            }
        });
    }

    @Override
    protected void alterBodies(String bucket, String key, boolean on) {
        String put = "PUT /" + bucket + "/" + key;
        if (on) {
            altered.add(put);
        } else {
            altered.remove(put);
        }
    }

    @Override
    protected Stream<RemoteEntry> listInPages(String bucket, String prefix, int pageSize) {
        return ((S3ObjectStore) store).list(bucket, prefix, pageSize);
    }

    /**
     * S3Proxy 4.1.0's filesystem backend sorts keys as Java strings (UTF-16), so an emoji comes before U+FF21; AWS
     * sorts by UTF-8 bytes ({@link RemoteEntry#KEY_ORDER}), which puts U+FF21 first. A reconciliation against
     * S3Proxy can therefore see such a pair out of order; against AWS it cannot.
     */
    @Override
    protected boolean listsInUtf16Order() {
        return true;
    }

    /**
     * S3Proxy 4.1.0 answers a quiet DeleteObjects in a missing bucket with 200 and no errors; AWS answers 404
     * NoSuchBucket. Nothing in the engine depends on the difference: the reconciliation deletes only what its
     * listing of the bucket found, and retiring a deleted file's object after its bucket vanished is the same no-op.
     */
    @Override
    protected boolean deletesInAMissingBucketQuietly() {
        return true;
    }

    /** S3Proxy 4.1.0 keeps the storage class of a PutObject, but not of CreateMultipartUpload. */
    @Override
    protected boolean multipartDropsStorageClass() {
        return true;
    }
}
