package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.UploadOptions;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.transfer.CopyResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A full sync never copies a source key with a dot segment, nor deletes such a destination key: a server that
 * resolves dot segments would read, write or delete outside the prefixes. Each is a failure of the sync, with its
 * reason, where other per-object failures are.
 */
class FullSyncRefusalTest {
    final MemoryObjectStore store = new MemoryObjectStore().createBucket("src").createBucket("dst");
    final List<String> copied = new CopyOnWriteArrayList<>();

    private void put(String bucket, String key) {
        store.putBytes(bucket, key, "x".getBytes(StandardCharsets.UTF_8), "text/plain", UploadOptions.NONE);
    }

    /**
     * An object written at the source after its listing began, and copied meanwhile (an event's copy, another daemon's),
     * reads as extra at the destination: the source, asked, still holds it, so it is not deleted; one the source does
     * not hold is.
     */
    @Test
    void anObjectTheSourceListingMissedButTheSourceHoldsIsNotDeleted() throws Exception {
        put("src", "srcfolder/a.txt");
        put("src", "srcfolder/new.txt"); // written after the listing below was taken
        put("dst", "destfolder/new.txt"); // and copied by an event meanwhile
        put("dst", "destfolder/gone.txt");
        dev.ferry.core.ObjectStore listedBefore = (dev.ferry.core.ObjectStore) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.ferry.core.ObjectStore.class}, (proxy, method, args) -> {
                    Object answer = method.invoke(store, args);
                    return method.getName().equals("list") ? ((java.util.stream.Stream<?>) answer)
                            .filter(e -> !((dev.ferry.core.RemoteEntry) e).key().equals("srcfolder/new.txt"))
                            : answer;
                });
        MemoryJob job = new MemoryJob(store, listedBefore, request -> {
            copied.add(request.sourceKey());
            return new CopyResult("e", "e", 1, 1, true);
        }, true, true);

        FullSyncResult r = job.sync.run();

        assertThat(store.keys("dst")).contains("destfolder/new.txt").doesNotContain("destfolder/gone.txt");
        assertThat(r.destinations().get(0).deleted()).isEqualTo(1);
        assertThat(r.complete()).isTrue();
    }

    @Test
    void aDotSegmentKeyIsNeitherCopiedNorDeletedAndIsAFailureWithItsReason() throws Exception {
        put("src", "srcfolder/a.txt");
        put("src", "srcfolder/../keepme/secret.txt");
        put("dst", "destfolder/./extra.txt");
        MemoryJob job = new MemoryJob(store, request -> {
            copied.add(request.sourceKey() + " -> " + request.destinationKey());
            return new CopyResult("e", "e", 1, 1, true);
        }, true, true);
        FullSync sync = job.sync;
        JobStats stats = job.stats;

        FullSyncResult r = sync.run();

        assertThat(copied).isNotEmpty().allMatch("srcfolder/a.txt -> destfolder/a.txt"::equals);
        assertThat(store.keys("dst")).contains("destfolder/./extra.txt");
        assertThat(r.complete()).isFalse();
        assertThat(r.destinations().get(0).deleted()).isZero();
        assertThat(r.destinations().get(0).failures()).hasSize(2)
                .anySatisfy(l -> assertThat(l).startsWith("s3://src/srcfolder/../keepme/secret.txt: not copied")
                        .contains("dot segment"))
                .anySatisfy(l -> assertThat(l).startsWith("s3://dst/destfolder/./extra.txt: not deleted"));
        assertThat(stats.snapshot().failed()).isEqualTo(2);
        assertThat(stats.snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("dot segment"));
        assertThat(sync.verify().destinations().get(0).failures())
                .anySatisfy(l -> assertThat(l).contains("srcfolder/../keepme/secret.txt"));
    }
}
