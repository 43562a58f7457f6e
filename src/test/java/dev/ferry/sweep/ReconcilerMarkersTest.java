package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.MemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync markers the reconciliation writes: after the files, never at the cost of the run. */
class ReconcilerMarkersTest {
    /** After the files' modification times: a marker written now is newer than every file. */
    private static final Instant NOW = Instant.now().plusSeconds(86_400);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path root;

    private final MemoryObjectStore store = new MemoryObjectStore().withClock(CLOCK);
    private final List<String> uploads = new ArrayList<>();
    private final List<String> marks = new ArrayList<>();
    private final List<Path> markerPaths = new ArrayList<>();

    private final ReconcileSink sink = new ReconcileSink() {
        @Override
        public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
            uploads.add(root.relativize(path) + ": " + reason);
            return true;
        }

        @Override
        public void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
                Optional<FileRecord> record) {
        }

        /** The engine's lane writes it: here, at once, where its bucket exists. */
        @Override
        public boolean mark(Path marker, Destination object, boolean localCopy, UploadOptions options) {
            marks.add(object.toString());
            markerPaths.add(marker);
            if (store.hasBucket(object.bucket())) {
                store.putBytes(object.bucket(), object.key(), "Synced at: now".getBytes(StandardCharsets.UTF_8),
                        "text/plain", options);
            }
            return true;
        }

        /** The engine's lane deletes it: here, at once. */
        @Override
        public boolean delete(Path path, Destination object) {
            store.delete(object.bucket(), List.of(object.key()));
            return true;
        }
    };

    private Reconciler reconciler(boolean retire) {
        Reconciler.Policy policy = new Reconciler.Policy(Reconciler.Mode.CHECKSUM, "STANDARD", retire, 10, 100,
                Optional.of("syncd.txt"), false, UploadOptions.NONE);
        return new Reconciler(new PrefixRouter(root, "b", "p/", new IgnoreRules(List.of()), PathFilter.none()), store,
                new InMemoryRecords(), policy, CLOCK);
    }

    private void inBoth(String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        store.createBucket("b").putBytes("b", "p/" + relative, content.getBytes(StandardCharsets.UTF_8), "text/plain",
                UploadOptions.NONE);
    }

    @Test
    void theMarkerOfAnEmptySiteWhoseBucketDoesNotExistYetIsHandedOver() throws Exception {
        ReconcileReport r = reconciler(false).run(sink, false); // no bucket: its lane makes it (LaneTest)

        assertThat(marks).containsExactly("b/p/syncd.txt");
        assertThat(r.markers()).isEqualTo(1);
    }

    @Test
    void aRunWhoseSinkWritesNoMarkersWritesNoneItselfAsVerifysDoes() throws Exception {
        inBoth("a/1.txt", "one");
        int before = store.requests(MemoryObjectStore.Request.PUT_BYTES);

        ReconcileReport r = reconciler(false).run(new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                return true;
            }
        }, false);

        assertThat(r.markers()).isZero();
        assertThat(store.requests(MemoryObjectStore.Request.PUT_BYTES)).isEqualTo(before);
        assertThat(store.keys("b")).containsExactly("p/a/1.txt");
    }

    @Test
    void aDryRunHandsOverNoMarker() throws Exception {
        inBoth("a/1.txt", "one");

        ReconcileReport r = reconciler(false).run(sink, true);

        assertThat(marks).isEmpty();
        assertThat(r.markers()).isZero();
    }

    @Test
    void everyCompleteFolderIsHandedOverWithTheSitesMarkerSettingsAndTheNextSweepHandsOverNone() throws Exception {
        inBoth("a/1.txt", "one");
        inBoth("b/2.txt", "two");

        assertThat(reconciler(false).run(sink, false).markers()).isEqualTo(3);
        assertThat(marks).containsExactlyInAnyOrder("b/p/a/syncd.txt", "b/p/b/syncd.txt", "b/p/syncd.txt");
        assertThat(markerPaths).contains(root.resolve("a/syncd.txt"), root.resolve("syncd.txt"));
        assertThat(reconciler(false).run(sink, false).markers()).as("written and newer than every file").isZero();
    }

    @Test
    void aFolderRenamedAwayGetsNoMarkerAndUnderRetireDeletedItsMarkerGoesWithItsObjects() throws Exception {
        inBoth("batch/a.jpg", "a");
        inBoth("stays/b.jpg", "b");
        assertThat(reconciler(true).run(sink, false).markers()).isEqualTo(3);
        assertThat(store.keys("b")).contains("p/batch/syncd.txt", "p/stays/syncd.txt", "p/syncd.txt");
        int puts = store.requests(MemoryObjectStore.Request.PUT_BYTES);

        Files.move(root.resolve("batch"), root.resolve("renamed"));
        ReconcileReport r = reconciler(true).run(sink, false);

        assertThat(uploads).containsExactly("renamed/a.jpg: missing in S3");
        assertThat(r.deleted()).isEqualTo(2);
        assertThat(store.keys("b")).as("the folder's object and its marker, nothing written for it")
                .doesNotContain("p/batch/a.jpg", "p/batch/syncd.txt")
                .contains("p/stays/b.jpg", "p/stays/syncd.txt", "p/syncd.txt");
        assertThat(store.requests(MemoryObjectStore.Request.PUT_BYTES)).as("no marker for the gone folder")
                .isEqualTo(puts);
    }

    @Test
    void withoutRetireDeletedTheMarkerOfAFolderRenamedAwayStaysAndNoneIsWrittenForIt() throws Exception {
        inBoth("batch/a.jpg", "a");
        reconciler(false).run(sink, false);
        int puts = store.requests(MemoryObjectStore.Request.PUT_BYTES);

        Files.move(root.resolve("batch"), root.resolve("renamed"));
        ReconcileReport r = reconciler(false).run(sink, false);

        assertThat(r.deleted()).isZero();
        assertThat(store.keys("b")).contains("p/batch/a.jpg", "p/batch/syncd.txt");
        assertThat(store.requests(MemoryObjectStore.Request.PUT_BYTES)).isEqualTo(puts);
    }

    @Test
    void theMarkerOfAGoneFolderIsKeptWhenTheRunDeletesNothing() throws Exception {
        inBoth("batch/a.jpg", "a");
        reconciler(true).run(sink, false);
        Files.move(root.resolve("batch"), root.resolve("renamed"));

        ReconcileReport r = reconciler(true).run(sink, false, true); // the root was just replaced: hold deletions

        assertThat(r.deleted()).isZero();
        assertThat(store.keys("b")).contains("p/batch/a.jpg", "p/batch/syncd.txt");
    }
}
