package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site with retire_deleted and no percentage guard (max_delete_percent 100), against a real S3Proxy: a
 * missing folder, or a sweep that holds deletions, deletes nothing; an empty folder that is there does.
 */
class ReconcilerDeletionsIT {
    private static final String BUCKET = "mirror";
    private static final List<String> KEYS = List.of("site/a.txt", "site/sub/b.txt");

    @TempDir
    Path tmp;
    private S3ProxyServer s3;
    private S3ObjectStore store;

    @BeforeEach
    void start() {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        store = S3ObjectStore.create(S3Settings.builder().endpoint(s3.endpoint()).region(s3.region()).pathStyle(true)
                .credentials(s3.accessKey(), s3.secretKey()).build());
        for (String key : KEYS) {
            store.putBytes(BUCKET, key, key.getBytes(StandardCharsets.UTF_8), "text/plain", UploadOptions.NONE);
        }
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private ReconcileReport reconcile(Path root, boolean holdDeletions) throws InterruptedException {
        PrefixRouter router = new PrefixRouter(root, BUCKET, "site/", new IgnoreRules(List.of()), PathFilter.none());
        Reconciler.Policy policy = new Reconciler.Policy(Reconciler.Mode.STATE, "STANDARD", true, 1000, 100,
                Optional.empty(), false, UploadOptions.NONE);
        return new Reconciler(router, store, new InMemoryRecords(), policy, Clock.systemUTC()).run(new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                return true;
            }

            @Override
            public void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
                    Optional<FileRecord> record) {
            }

            /** The engine's lane deletes it: here, at once. */
            @Override
            public boolean delete(Path path, Destination object) {
                store.delete(object.bucket(), List.of(object.key()));
                return true;
            }
        }, false, holdDeletions);
    }

    @Test
    void aMissingFolderIsNotAFolderWhoseFilesWereDeleted() throws Exception {
        ReconcileReport report = reconcile(tmp.resolve("gone"), false);
        assertThat(report.deleted()).isZero();
        assertThat(report.deleteRefused()).hasValueSatisfying(why -> assertThat(why).contains("could not be listed"));
        assertThat(s3.listKeys(BUCKET)).containsExactlyInAnyOrderElementsOf(KEYS);
    }

    @Test
    void theSweepAfterTheFolderCameBackHoldsDeletionsAndALaterOneRetiresThem() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("site"));
        ReconcileReport held = reconcile(root, true);
        assertThat(held.deleted()).isZero();
        assertThat(held.deleteRefused()).isEmpty();
        assertThat(s3.listKeys(BUCKET)).containsExactlyInAnyOrderElementsOf(KEYS);

        ReconcileReport later = reconcile(root, false);
        assertThat(later.deleted()).isEqualTo(2);
        assertThat(s3.listKeys(BUCKET)).isEmpty();
    }
}
