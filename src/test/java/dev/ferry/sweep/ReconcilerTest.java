package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Checksums;
import dev.ferry.core.DeleteFailure;
import dev.ferry.core.Destination;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.testing.InMemoryRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciliation's logic against an in-memory object store and records, with a fake clock and a fake
 * monotonic time: what it finds missing, confirms and deletes, the delete guard's refusal, and the run's
 * duration as measured by the injected time.
 */
class ReconcilerTest {
    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path root;

    private final Objects store = new Objects();
    private final InMemoryRecords records = new InMemoryRecords();
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final List<String> uploads = new ArrayList<>();

    private final ReconcileSink sink = new ReconcileSink() {
        @Override
        public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
            uploads.add(root.relativize(path) + ": " + reason);
            nanos.addAndGet(Duration.ofMillis(250).toNanos()); // each handover "takes" a quarter second
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
    };

    private Reconciler reconciler(Reconciler.Mode mode, boolean retire, int maxDelete, int maxPercent) {
        return reconciler(mode, "STANDARD", retire, maxDelete, maxPercent);
    }

    private Reconciler reconciler(Reconciler.Mode mode, String storageClass, boolean retire, int maxDelete,
            int maxPercent) {
        Reconciler.Policy policy = new Reconciler.Policy(mode, storageClass, retire, maxDelete, maxPercent,
                Optional.empty(), false, UploadOptions.NONE);
        return new Reconciler(new PrefixRouter(root, "b", "p/", new IgnoreRules(List.of()), PathFilter.none()), store,
                records, policy, CLOCK, nanos::get);
    }

    @Test
    void findsMissingConfirmsWhatS3HoldsAndMeasuresWithTheInjectedTime() throws Exception {
        Files.writeString(root.resolve("held.txt"), "same bytes");
        Files.writeString(root.resolve("missing.txt"), "new");
        Files.writeString(root.resolve("other.txt"), "local");
        store.put("p/held.txt", "same bytes");
        store.put("p/other.txt", "remote!");

        ReconcileReport r = reconciler(Reconciler.Mode.CHECKSUM, false, 10, 50).run(sink, false);

        assertThat(uploads).containsExactly("missing.txt: missing in S3", "other.txt: size 5 locally, 7 in S3");
        assertThat(r.files()).isEqualTo(3);
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.changed()).isEqualTo(1);
        assertThat(r.confirmed()).isEqualTo(1);
        assertThat(r.took()).isEqualTo(Duration.ofMillis(500));
        FileRecord held = records.get(root.resolve("held.txt").toString()).orElseThrow();
        assertThat(held.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(held.uploadedAt()).contains(NOW);
        assertThat(store.deleted).isEmpty();
    }

    @Test
    void aSizeOnlyRunThatSkipsAChangedFileLeavesItsRecordSoTheNextRunStillSeesTheChange() throws Exception {
        Path file = root.resolve("f.txt");
        Files.writeString(file, "AAAA");
        store.put("p/f.txt", "AAAA");
        FileStat first = new FileStat(4, Files.getLastModifiedTime(file).toMillis());
        FileRecord uploaded = FileRecord.pending(records.instance().value(), file.toString(), "b", "p/f.txt", first,
                NOW).uploaded("b", "p/f.txt", first, Checksums.md5Hex(file), Objects.md5("AAAA"), "", NOW);
        records.offer(uploaded);
        Files.writeString(file, "BBBB"); // the same size, another content and mtime
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(uploaded.mtimeMillis() + 5_000));

        reconciler(Reconciler.Mode.SIZE_ONLY, false, 10, 50).run(sink, false);

        assertThat(uploads).as("size-only: the same size is the same file").isEmpty();
        assertThat(records.get(file.toString())).as("but the record still describes the version uploaded")
                .contains(uploaded);
        reconciler(Reconciler.Mode.SIZE_MTIME, false, 10, 50).run(sink, false);
        assertThat(uploads).containsExactly("f.txt: modification time differs");
    }

    private Reconciler policyReconciler(boolean retire, String pathPrefix, String removePrefix,
            dev.ferry.core.KeyRewrite rewrite) {
        Reconciler.Policy policy = new Reconciler.Policy(Reconciler.Mode.CHECKSUM, "STANDARD", retire, 10, 100,
                Optional.empty(), false, UploadOptions.NONE);
        return new Reconciler(new PrefixRouter(root, "b", "cameras/", new IgnoreRules(List.of()), PathFilter.none(),
                pathPrefix, removePrefix, rewrite), store, records, policy, CLOCK, nanos::get);
    }

    private ReconcileReport compared(Reconciler reconciler, List<Difference> differences) throws Exception {
        ReconcileSink collecting = new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason)
                    throws InterruptedException {
                return sink.upload(path, destination, stat, reason);
            }

            @Override
            public void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
                    Optional<FileRecord> record) {
            }

            @Override
            public boolean delete(Path path, Destination object) throws InterruptedException {
                return sink.delete(path, object);
            }

            @Override
            public void difference(Difference d) {
                differences.add(d);
            }
        };
        return reconciler.run(collecting, false);
    }

    @Test
    void aPolicysFixedFoldersInItsKeysPairEachFileWithItsObjectAndOtherPoliciesObjectsAreNotItsOwn() throws Exception {
        // seed 003: input_file_pattern data/**/*.csv, output_key_prefix cameras/: the key keeps the pattern's folder
        Files.createDirectories(root.resolve("cam2"));
        Files.writeString(root.resolve("cam2/b.csv"), "b");
        store.put("cameras/data/cam2/b.csv", "b");
        store.put("cameras/scans/other-policy.csv", "not this policy's");
        List<Difference> differences = new ArrayList<>();

        ReconcileReport r = compared(policyReconciler(true, "data/", "", dev.ferry.core.KeyRewrite.NONE), differences);

        assertThat(uploads).isEmpty();
        assertThat(differences).isEmpty();
        assertThat(r.confirmed()).isEqualTo(1);
        assertThat(store.deleted).as("another policy's object under the same prefix").isEmpty();
    }

    @Test
    void aRemovePrefixOnlySomePathsStartWithStillPairsEveryFileWithItsObject() throws Exception {
        // input_remove_prefix data/cam1/: cam1's files lose their folders, cam2's keep them, so keys do not sort
        // as paths do
        Files.createDirectories(root.resolve("cam1/2026"));
        Files.createDirectories(root.resolve("cam2"));
        Files.writeString(root.resolve("cam1/2026/a1.csv"), "a1");
        Files.writeString(root.resolve("cam2/b.csv"), "b");
        store.put("cameras/2026/a1.csv", "a1");
        store.put("cameras/data/cam2/b.csv", "b");
        store.put("cameras/2026/gone.csv", "its file was deleted");
        List<Difference> differences = new ArrayList<>();

        ReconcileReport r = compared(policyReconciler(true, "data/", "data/cam1/", dev.ferry.core.KeyRewrite.NONE),
                differences);

        assertThat(uploads).isEmpty();
        assertThat(r.confirmed()).isEqualTo(2);
        assertThat(differences).extracting(Difference::key).containsExactly("cameras/2026/gone.csv");
        assertThat(store.deleted).as("only the object no file goes to").containsExactly("cameras/2026/gone.csv");
    }

    @Test
    void aKeyARewriteSendsOutsideTheListingIsAskedForAndNotUploadedAgain() throws Exception {
        Files.writeString(root.resolve("a.csv"), "a");
        Files.writeString(root.resolve("b.csv"), "b");
        store.put("archive/a.csv", "a");
        dev.ferry.core.KeyRewrite toArchive = new dev.ferry.core.KeyRewrite(List.of(new dev.ferry.core.KeyRewrite.Rule(
                java.util.regex.Pattern.compile("^cameras/(.*)$"), "archive/$1")), false);
        List<Difference> differences = new ArrayList<>();

        ReconcileReport r = compared(policyReconciler(false, "", "", toArchive), differences);

        assertThat(uploads).containsExactly("b.csv: missing in S3");
        assertThat(r.confirmed()).isEqualTo(1);
        assertThat(differences).extracting(Difference::key).containsExactly("archive/b.csv");
    }

    @Test
    void retiresObjectsWhoseFilesAreGoneWithinTheGuard() throws Exception {
        Files.writeString(root.resolve("kept.txt"), "k");
        store.put("p/kept.txt", "k");
        store.put("p/gone.txt", "g");

        ReconcileReport r = reconciler(Reconciler.Mode.SIZE_ONLY, true, 10, 50).run(sink, false);

        assertThat(store.deleted).containsExactly("p/gone.txt");
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(r.deleteRefused()).isEmpty();
        assertThat(uploads).isEmpty();
    }

    @Test
    void anEntryThatIsNoFileIsCountedAsIgnored() throws Exception {
        Files.writeString(root.resolve("kept.txt"), "k");
        store.put("p/kept.txt", "k");
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));

        ReconcileReport r = reconciler(Reconciler.Mode.SIZE_ONLY, false, 10, 100).run(sink, false);

        assertThat(r.ignored()).as("told to the sink as skipped, and counted").isEqualTo(1);
        assertThat(uploads).isEmpty();
    }

    @Test
    void aFileReplacedByAFolderOfItsNameIsRetiredAndTheFolderFilesGoUnderIt() throws Exception {
        Files.writeString(root.resolve("kept.txt"), "k");
        store.put("p/kept.txt", "k");
        store.put("p/d6.txt", "the file that was here");
        Files.writeString(Files.createDirectories(root.resolve("d6.txt")).resolve("inner.txt"), "inner");

        ReconcileReport r = reconciler(Reconciler.Mode.SIZE_ONLY, true, 10, 100).run(sink, false);

        assertThat(store.deleted).as("no file is at d6.txt any more").containsExactly("p/d6.txt");
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(uploads).containsExactly("d6.txt/inner.txt: missing in S3");
    }

    @Test
    void theGuardRefusesABatchOverMaxDeleteOrItsPercentage() throws Exception {
        Files.writeString(root.resolve("kept.txt"), "k");
        store.put("p/kept.txt", "k");
        store.put("p/gone1.txt", "g");
        store.put("p/gone2.txt", "g");

        ReconcileReport overMax = reconciler(Reconciler.Mode.SIZE_ONLY, true, 1, 100).run(sink, false);
        assertThat(overMax.deleteRefused()).contains("would delete 2 objects, more than max_delete 1 (check the"
                + " folder; if the deletions are meant, raise max_delete)");
        ReconcileReport overPercent = reconciler(Reconciler.Mode.SIZE_ONLY, true, 10, 50).run(sink, false);
        assertThat(overPercent.deleteRefused()).contains("would delete 2 of 3 objects, more than max_delete_percent"
                + " 50% (check the folder; if the deletions are meant, raise max_delete_percent)");
        ReconcileReport held = reconciler(Reconciler.Mode.SIZE_ONLY, true, 10, 100).run(sink, false, true);
        assertThat(held.deleted()).as("deletions held").isZero();
        ReconcileReport heldOverMax = reconciler(Reconciler.Mode.SIZE_ONLY, true, 1, 100).run(sink, false, true);
        assertThat(heldOverMax.deleteRefused()).as("a sweep that holds its deletions refuses none").isEmpty();
        assertThat(store.deleted).isEmpty();
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        Files.writeString(root.resolve("held.txt"), "same bytes");
        store.put("p/held.txt", "same bytes");
        store.put("p/gone.txt", "g");

        ReconcileReport r = reconciler(Reconciler.Mode.CHECKSUM, true, 10, 100).run(sink, true);

        assertThat(r.confirmed()).isEqualTo(1);
        assertThat(records.get(root.resolve("held.txt").toString())).isEmpty();
        assertThat(store.deleted).isEmpty();
    }

    @Test
    void decidesEveryFileInKeyOrderAcrossBatchesWithTheMd5sComputedAhead() throws Exception {
        // more files than two batches of the helper thread, with an empty state store: a third held unchanged
        // in S3, a third at the same size with other bytes, a third missing
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            String name = String.format("f%04d.txt", i);
            String content = "content of " + name;
            Files.writeString(root.resolve(name), content);
            if (i % 3 == 0) {
                store.put("p/" + name, content);
            } else if (i % 3 == 1) {
                store.put("p/" + name, content.toUpperCase(java.util.Locale.ROOT));
                expected.add(name + ": content differs");
            } else {
                expected.add(name + ": missing in S3");
            }
        }

        ReconcileReport r = reconciler(Reconciler.Mode.STATE, false, 10, 50).run(sink, false);

        assertThat(uploads).containsExactlyElementsOf(expected);
        assertThat(r.files()).isEqualTo(700);
        assertThat(r.confirmed()).isEqualTo(234);
        assertThat(r.changed()).isEqualTo(233);
        assertThat(r.missing()).isEqualTo(233);
        FileRecord held = records.get(root.resolve("f0699.txt").toString()).orElseThrow();
        assertThat(held.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(held.checksum()).isEqualTo(Checksums.md5Hex(root.resolve("f0699.txt")));
    }

    /**
     * An object in another class than the site's: uploaded again unless it is the very object Ferry uploaded asking
     * for the site's class (a server that keeps one class, a lifecycle rule that moved it), in every mode.
     */
    @Test
    void anObjectInAnotherClassIsUploadedAgainUnlessFerryAskedForTheSitesClassForIt() throws Exception {
        for (String name : List.of("moved.txt", "old-record.txt", "other-setting.txt", "other-tool.txt",
                "rewritten.txt")) {
            Files.writeString(root.resolve(name), "bytes of " + name);
            store.put("p/" + name, "bytes of " + name, "GLACIER");
        }
        recordUploaded("moved.txt", "STANDARD_IA");
        recordUploaded("old-record.txt", "");
        recordUploaded("other-setting.txt", "STANDARD");
        recordUploaded("rewritten.txt", "STANDARD_IA");
        store.put("p/rewritten.txt", "bytes of rewritten.txt", "GLACIER", "another-etag");

        for (Reconciler.Mode mode : Reconciler.Mode.values()) {
            uploads.clear();
            reconciler(mode, "STANDARD_IA", false, 10, 50).run(sink, false);

            assertThat(uploads).as(mode.name()).containsExactly(
                    "old-record.txt: storage class GLACIER, site wants STANDARD_IA",
                    "other-setting.txt: storage class GLACIER, site wants STANDARD_IA",
                    "other-tool.txt: storage class GLACIER, site wants STANDARD_IA",
                    "rewritten.txt: storage class GLACIER, site wants STANDARD_IA");
        }
    }

    @Test
    void anObjectFoundInTheSitesClassIsRecordedInItSoALaterMoveByALifecycleRuleIsLeftAlone() throws Exception {
        Files.writeString(root.resolve("f.txt"), "bytes");
        store.put("p/f.txt", "bytes", "STANDARD_IA");

        reconciler(Reconciler.Mode.CHECKSUM, "STANDARD_IA", false, 10, 50).run(sink, false);
        assertThat(uploads).isEmpty();
        assertThat(records.get(root.resolve("f.txt").toString()).orElseThrow().storageClass())
                .isEqualTo("STANDARD_IA");

        store.put("p/f.txt", "bytes", "DEEP_ARCHIVE");
        reconciler(Reconciler.Mode.CHECKSUM, "STANDARD_IA", false, 10, 50).run(sink, false);
        assertThat(uploads).isEmpty();
    }

    /**
     * A lost state store: the object Ferry uploaded asking for the site's class says so in its metadata, which a HEAD
     * reads for a file the store does not know; an object without it (another tool's) is uploaded in the site's class.
     */
    @Test
    void withoutARecordTheObjectsOwnMetadataSaysFerryAskedForTheSitesClass() throws Exception {
        for (String name : List.of("ferrys.txt", "other-tools.txt")) {
            Files.writeString(root.resolve(name), "bytes of " + name);
            store.put("p/" + name, "bytes of " + name, "STANDARD");
        }
        store.metadata.put("p/ferrys.txt", Map.of(UploadOptions.META_STORAGE_CLASS, "STANDARD_IA", "mtime", "1.5"));

        for (Reconciler.Mode mode : Reconciler.Mode.values()) {
            uploads.clear();
            records.clear();
            reconciler(mode, "STANDARD_IA", false, 10, 50).run(sink, false);

            assertThat(uploads).as(mode.name())
                    .containsExactly("other-tools.txt: storage class STANDARD, site wants STANDARD_IA");
            assertThat(records.get(root.resolve("ferrys.txt").toString()).orElseThrow().storageClass())
                    .isEqualTo("STANDARD_IA");
        }
    }

    private void recordUploaded(String name, String storageClass) throws IOException {
        Path file = root.resolve(name);
        FileStat stat = new FileStat(Files.size(file), Files.getLastModifiedTime(file).toMillis());
        records.offer(FileRecord.pending(records.instance().value(), file.toString(), "b", "p/" + name, stat, NOW)
                .uploaded("b", "p/" + name, stat, Checksums.md5Hex(file), Objects.md5(Files.readString(file)),
                        storageClass, NOW));
    }

    @Test
    void aSinkThatStopsTheRunStopsItWithinTheBatch() throws Exception {
        for (int i = 0; i < 600; i++) {
            Files.writeString(root.resolve(String.format("f%04d.txt", i)), "x" + i);
        }
        List<String> handed = new ArrayList<>();
        ReconcileSink stopsAtThird = new ReconcileSink() {
            @Override
            public boolean upload(Path path, Destination destination, FileStat stat, String reason) {
                handed.add(root.relativize(path).toString());
                return handed.size() < 3;
            }

            @Override
            public void same(Path path, Destination destination, FileStat stat, RemoteEntry remote,
                    Optional<FileRecord> record) {
            }
        };

        reconciler(Reconciler.Mode.STATE, false, 10, 50).run(stopsAtThird, false);

        assertThat(handed).containsExactly("f0000.txt", "f0001.txt", "f0002.txt");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("ferry-compare"))
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("the helper thread ends with the run")
                .noneMatch(t -> t.getName().equals("ferry-compare"));
    }

    /** Objects in memory, listed in key order with their MD5 as ETag, as S3 lists single-part uploads. */
    private static final class Objects implements ObjectStore {
        final TreeMap<String, String> objects = new TreeMap<>(RemoteEntry.KEY_ORDER);
        final Map<String, String> classes = new java.util.HashMap<>();
        final Map<String, String> etags = new java.util.HashMap<>();
        final Map<String, Map<String, String>> metadata = new java.util.HashMap<>();
        final List<String> deleted = new ArrayList<>();

        void put(String key, String content) {
            put(key, content, "STANDARD");
        }

        void put(String key, String content, String storageClass) {
            put(key, content, storageClass, md5(content));
        }

        /** An object whose ETag is not its MD5 (written by another upload of the same bytes, multipart). */
        void put(String key, String content, String storageClass, String etag) {
            objects.put(key, content);
            classes.put(key, storageClass);
            etags.put(key, etag);
        }

        private static String md5(String content) {
            try {
                Path tmp = Files.createTempFile("obj", ".bin");
                try {
                    Files.writeString(tmp, content);
                    return Checksums.md5Hex(tmp);
                } finally {
                    Files.delete(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Stream<RemoteEntry> list(String bucket, String prefix) {
            return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> new RemoteEntry(e.getKey(), e.getValue().length(), etags.get(e.getKey()),
                            Instant.EPOCH, classes.get(e.getKey())));
        }

        @Override
        public Optional<RemoteObject> head(String bucket, String key) {
            return Optional.ofNullable(objects.get(key)).map(c -> new RemoteObject(bucket, key, c.length(),
                    etags.get(key), Optional.empty(), Optional.empty(), classes.get(key),
                    metadata.getOrDefault(key, Map.of())));
        }

        @Override
        public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
            deleted.addAll(keys);
            keys.forEach(objects::remove);
            return List.of();
        }

        @Override
        public PutResult put(PutRequest request) {
            throw new UnsupportedOperationException("the reconciliation hands uploads to its sink");
        }

        @Override
        public PutResult putBytes(String bucket, String key, byte[] content, String contentType,
                UploadOptions options) {
            throw new UnsupportedOperationException("no markers in these tests");
        }

        @Override
        public void ensureBucket(String bucket, boolean create) {
        }

        @Override
        public void close() {
        }
    }
}
