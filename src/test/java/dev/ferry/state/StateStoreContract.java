package dev.ferry.state;

import dev.ferry.testing.TestIds;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.ferry.core.FileStatus.FAILED;
import static dev.ferry.core.FileStatus.IGNORED;
import static dev.ferry.core.FileStatus.PENDING;
import static dev.ferry.core.FileStatus.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link StateStore} must do. A subclass supplies a fresh, empty store for each test.
 * Instants are compared at millisecond precision, which is what the stores keep.
 */
abstract class StateStoreContract {

    static final Instant T1 = Instant.parse("2024-05-06T07:08:09.123Z");
    static final Instant T2 = Instant.parse("2024-06-07T08:09:10.456Z");
    static final Instant T3 = Instant.parse("2024-07-08T09:10:11.789Z");

    protected StateStore store;

    /** A new, empty store; the contract closes it after each test. */
    protected abstract StateStore openStore();

    @BeforeEach
    void openTheStore() {
        store = openStore();
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    static FileRecord record(String path, String bucket, FileStatus status) {
        return new FileRecord(TestIds.SOURCE, path, bucket, "key/of" + path, status, path.length() * 1000L, 1_714_979_289_123L,
                "0123456789abcdef0123456789abcdef", "etag-" + path.hashCode(), 3, "reason for " + path,
                status == FAILED, T1, T2, status == UPLOADED ? Optional.of(T3) : Optional.empty());
    }

    static RecordId id(String path, String bucket) {
        return TestIds.id(path, bucket);
    }

    static List<RecordId> ids(List<String> paths, String bucket) {
        return paths.stream().map(p -> id(p, bucket)).toList();
    }

    @Test
    void roundTripsEveryField() {
        FileRecord r = new FileRecord(TestIds.SOURCE, "/data/in/cam1/img 001.jpg", "cam1", "img 001.jpg", UPLOADED, 12_345_678_901L,
                1_714_979_289_123L, "0123456789abcdef0123456789abcdef", "0123456789abcdef-2", 7, "slow down",
                true, T1, T2, Optional.of(T3));
        store.put(r);
        assertThat(store.get(r.id())).contains(r);
    }

    @Test
    void roundTripsTheInodeChangeTimeAndInode() {
        FileRecord r = new FileRecord(TestIds.SOURCE, "/data/in/cam1/img 002.jpg", "cam1", "img 002.jpg", UPLOADED, 42,
                1_714_979_289_123L, 1_714_979_289_123_456_789L, 9_876_543_210L, "0123456789abcdef0123456789abcdef",
                "etag", 0, "", false, T1, T2, Optional.of(T3));
        store.put(r);
        assertThat(store.get(r.id())).contains(r);
        assertThat(store.get(r.id()).orElseThrow().stat())
                .isEqualTo(new FileStat(42, 1_714_979_289_123L, 1_714_979_289_123_456_789L, 9_876_543_210L));
    }

    @Test
    void roundTripsTheStorageClassAndForgetsItWhenARecordNoLongerKnowsIt() {
        FileRecord r = new FileRecord(TestIds.SOURCE, "/data/in/cam1/img 003.jpg", "cam1", "img 003.jpg", UPLOADED, 42,
                1_714_979_289_123L, 5, 6, "0123456789abcdef0123456789abcdef", "etag", 0, "", false, T1, T2,
                Optional.of(T3), "STANDARD_IA");
        store.put(r);
        assertThat(store.get(r.id())).contains(r);
        FileRecord copied = new FileRecord(r.source(), r.path(), r.bucket(), r.key(), UPLOADED, 42,
                1_714_979_289_123L, 5, 6, "", "etag2", 0, "", false, T1, T2, Optional.of(T3));
        store.put(copied);
        assertThat(store.get(r.id()).orElseThrow().storageClass()).isEmpty();
    }

    @Test
    void anUnknownInodeChangeTimeAndInodeStayUnknownWhenWrittenOverAKnownOne() {
        FileRecord known = new FileRecord(TestIds.SOURCE, "/data/k", "b", "k", UPLOADED, 1, 2, 3, 4, "", "", 0, "", false, T1, T2,
                Optional.of(T3));
        store.put(known);
        FileRecord unknown = new FileRecord(TestIds.SOURCE, "/data/k", "b", "k", PENDING, 1, 2, "", "", 0, "", false, T1, T2,
                Optional.empty());
        store.put(unknown);
        assertThat(store.get(id("/data/k", "b"))).contains(unknown);
        assertThat(store.get(id("/data/k", "b")).orElseThrow().ctimeNanos()).isEqualTo(FileStat.UNKNOWN);
        assertThat(store.get(id("/data/k", "b")).orElseThrow().inode()).isEqualTo(FileStat.UNKNOWN);
    }

    @Test
    void roundTripsAnAbsentUploadedAtAndEmptyStrings() {
        FileRecord r = new FileRecord(TestIds.SOURCE, "/data/x", "", "", PENDING, 0, 0, "", "", 0, "", false, T1, T1,
                Optional.empty());
        store.put(r);
        assertThat(store.get(r.id())).contains(r);
    }

    @Test
    void roundTripsAwkwardPaths() {
        List<String> paths = List.of("/data/ünïcødé/日本語/файл.txt", "/data/emoji 😀/a.png",
                "/data/with space/and\nnewline\tand tab", "/data/quotes '\"`/x", "/data/back\\slash",
                "/data/percent%_and_underscore*?", "/data/$dollar.and.dots", "/data/e\u0301 combining",
                "/data/semi;colon -- comment); DROP TABLE files;", "/data/" + "long-".repeat(200));
        List<FileRecord> records = paths.stream().map(p -> record(p, "b\u00e9 ucket", FAILED)).toList();
        store.putAll(records);
        Map<RecordId, FileRecord> byId = records.stream().collect(Collectors.toMap(FileRecord::id, r -> r));
        assertThat(store.getAll(ids(paths, "b\u00e9 ucket"))).isEqualTo(byId);
        for (FileRecord r : records) {
            assertThat(store.get(r.id())).contains(r);
        }
    }

    @Test
    void keepsInstantsToTheMillisecond() {
        Instant precise = Instant.parse("2024-05-06T07:08:09.123456789Z");
        FileRecord r = new FileRecord(TestIds.SOURCE, "/p", "b", "k", UPLOADED, 1, 2, "", "", 0, "", false, precise, precise,
                Optional.of(precise));
        store.put(r);
        Instant millis = Instant.parse("2024-05-06T07:08:09.123Z");
        assertThat(store.get(id("/p", "b"))).contains(new FileRecord(TestIds.SOURCE, "/p", "b", "k", UPLOADED, 1, 2, "", "", 0, "", false,
                millis, millis, Optional.of(millis)));
    }

    @Test
    void missingPathIsEmpty() {
        store.put(record("/a", "b", PENDING));
        assertThat(store.get(id("/nope", "b"))).isEmpty();
        assertThat(store.get(id("/A", "b"))).isEmpty();
        assertThat(store.get(id("/a", "other-bucket"))).isEmpty();
        assertThat(store.get(new RecordId("another-host", "/a", "b"))).isEmpty();
    }

    @Test
    void upsertReplacesEveryFieldButCreatedAt() {
        FileRecord first = record("/a", "b1", UPLOADED);
        store.put(first);
        FileRecord second = new FileRecord(TestIds.SOURCE, "/a", "b1", "k2", FAILED, 9, 10, "", "", 4, "gone", true, T2, T3,
                Optional.empty());
        store.put(second);
        assertThat(store.get(id("/a", "b1"))).contains(new FileRecord(TestIds.SOURCE, "/a", "b1", "k2", FAILED, 9, 10, "", "", 4,
                "gone", true, first.createdAt(), T3, Optional.empty()));
    }

    @Test
    void putAllKeepsTheLastRecordOfAPath() {
        FileRecord older = record("/a", "b", PENDING);
        FileRecord newer = record("/a", "b", UPLOADED);
        store.putAll(List.of(older, record("/b", "b", PENDING), newer));
        assertThat(store.get(id("/a", "b"))).contains(newer);
        store.putAll(List.of());
        assertThat(store.getAll(ids(List.of("/a", "/b"), "b"))).hasSize(2);
    }

    @Test
    void getAllFindsThousandsOfPathsAndSkipsMissingOnes() {
        List<FileRecord> records = IntStream.range(0, 2_000)
                .mapToObj(i -> record(String.format("/data/b/%05d.jpg", i), "b", UPLOADED)).toList();
        store.putAll(records);
        List<String> asked = new ArrayList<>(records.stream().map(FileRecord::path).toList());
        IntStream.range(0, 500).forEach(i -> asked.add("/data/missing/" + i));
        Collections.shuffle(asked, new Random(42));

        Map<RecordId, FileRecord> found = store.getAll(ids(asked, "b"));

        assertThat(found).hasSize(2_000)
                .isEqualTo(records.stream().collect(Collectors.toMap(FileRecord::id, r -> r)));
        assertThat(store.getAll(List.of())).isEmpty();
    }

    @Test
    void getAllAndDeleteAllAnswerExactlyForEveryBatchSize() {
        List<String> paths = IntStream.range(0, 1_100).mapToObj(i -> "/s/" + i).toList();
        store.putAll(paths.stream().map(p -> record(p, "b", UPLOADED)).toList());
        for (int n : new int[] {1, 2, 49, 50, 51, 499, 500, 501, 1_001}) {
            List<String> asked = new ArrayList<>(paths.subList(0, n));
            asked.add("/s/missing-" + n);
            assertThat(store.getAll(ids(asked, "b")).keySet()).as("getAll of %d paths", n + 1)
                    .containsExactlyInAnyOrderElementsOf(ids(paths.subList(0, n), "b"));
        }
        assertThat(store.get(id("/s/0", "b"))).isPresent();
        assertThat(store.get(id("/s/missing", "b"))).isEmpty();

        store.deleteAll(ids(paths.subList(0, 1), "b"));
        store.deleteAll(ids(paths.subList(1, 51), "b"));
        store.deleteAll(ids(paths.subList(51, 553), "b"));
        assertThat(store.getAll(ids(paths, "b")).keySet())
                .containsExactlyInAnyOrderElementsOf(ids(paths.subList(553, 1_100), "b"));
    }

    @Test
    void listsOneStatusInPathOrderPageByPage() {
        List<FileRecord> failed = IntStream.range(0, 25)
                .mapToObj(i -> record(String.format("/f/%03d", i), "b", FAILED)).toList();
        List<FileRecord> mixed = new ArrayList<>(failed);
        IntStream.range(0, 10).forEach(i -> mixed.add(record("/u/" + i, "b", UPLOADED)));
        IntStream.range(0, 5).forEach(i -> mixed.add(record("/e/" + i, "b", PENDING)));
        Collections.shuffle(mixed, new Random(7));
        store.putAll(mixed);

        assertThat(store.list(FAILED, 0, 10)).isEqualTo(failed.subList(0, 10));
        assertThat(store.list(FAILED, 10, 10)).isEqualTo(failed.subList(10, 20));
        assertThat(store.list(FAILED, 20, 10)).isEqualTo(failed.subList(20, 25));
        assertThat(store.list(FAILED, 30, 10)).isEmpty();
        assertThat(store.list(FAILED, 0, 0)).isEmpty();
        assertThat(store.list(IGNORED, 0, 10)).isEmpty();
        assertThat(store.list(PENDING, 0, 100)).extracting(FileRecord::path)
                .containsExactly("/e/0", "/e/1", "/e/2", "/e/3", "/e/4");
    }

    @Test
    void refusesNegativePaging() {
        assertThatThrownBy(() -> store.list(FAILED, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(FAILED, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsRecordsPerBucketAndStatus() {
        assertThat(store.countByBucket()).isEmpty();
        store.putAll(List.of(record("/a/1", "a", UPLOADED), record("/a/2", "a", UPLOADED),
                record("/a/3", "a", UPLOADED), record("/a/4", "a", FAILED), record("/a/5", "a", FAILED),
                record("/b/1", "b", PENDING), record("/root", "", IGNORED)));

        assertThat(store.countByBucket()).isEqualTo(Map.of(
                "a", Map.of(UPLOADED, 3L, FAILED, 2L),
                "b", Map.of(PENDING, 1L),
                "", Map.of(IGNORED, 1L)));
    }

    @Test
    void deletesTheGivenPathsAndIgnoresMissingOnes() {
        List<String> paths = IntStream.range(0, 1_200).mapToObj(i -> "/d/" + i).toList();
        store.putAll(paths.stream().map(p -> record(p, "b", UPLOADED)).toList());
        List<String> doomed = new ArrayList<>(paths.subList(0, 1_100));
        doomed.add("/never/there");

        store.deleteAll(ids(doomed, "b"));
        store.deleteAll(List.of());

        assertThat(store.getAll(ids(paths, "b")).keySet())
                .containsExactlyInAnyOrderElementsOf(ids(paths.subList(1_100, 1_200), "b"));
        assertThat(store.countByBucket()).isEqualTo(Map.of("b", Map.of(UPLOADED, 100L)));
    }

    /** The same record under another source. */
    static FileRecord from(String source, FileRecord r) {
        return new FileRecord(source, r.path(), r.bucket(), r.key(), r.status(), r.size(), r.mtimeMillis(),
                r.ctimeNanos(), r.inode(), r.checksum(), r.etag(), r.attempts(), r.reason(), r.permanent(),
                r.createdAt(), r.updatedAt(), r.uploadedAt());
    }

    @Test
    void keepsOneRecordPerSourcePathAndBucketAndListsOnlyThisInstancesRecords() {
        FileRecord toA = record("/same", "a", UPLOADED);
        FileRecord toB = record("/same", "b", FAILED);
        FileRecord otherHost = from("other-host", record("/same", "a", FAILED));
        store.putAll(List.of(toA, toB, otherHost));

        assertThat(store.get(toA.id())).contains(toA);
        assertThat(store.get(toB.id())).contains(toB);
        assertThat(store.get(otherHost.id())).contains(otherHost);
        assertThat(store.getAll(List.of(toA.id(), toB.id(), otherHost.id()))).hasSize(3);
        assertThat(store.recordsOf(TestIds.SOURCE, "/same")).containsExactly(toA, toB);
        assertThat(store.recordsOf("other-host", "/same")).containsExactly(otherHost);
        assertThat(store.list(FAILED, 0, 10)).containsExactly(toB);
        assertThat(store.countByBucket()).isEqualTo(Map.of("a", Map.of(UPLOADED, 1L), "b", Map.of(FAILED, 1L)));

        store.deleteAll(List.of(toA.id()));
        assertThat(store.get(toA.id())).isEmpty();
        assertThat(store.get(otherHost.id())).contains(otherHost);
        assertThat(store.instance()).isEqualTo(TestIds.INSTANCE);
    }

    @Test
    void answersPingAndDescribesItself() {
        assertThatCode(store::ping).doesNotThrowAnyException();
        assertThat(store.kind()).isNotBlank();
        assertThat(store.location()).isNotBlank();
    }

    @Test
    void takesConcurrentWritesAndReads() throws Exception {
        int writers = 4;
        int batches = 10;
        int perBatch = 100;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int b = 0; b < batches; b++) {
                        List<FileRecord> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            batch.add(record("/t" + thread + "/" + b + "/" + i, "t" + thread, UPLOADED));
                        }
                        batch.add(record("/shared", "t" + thread, FAILED));
                        store.putAll(batch);
                    }
                    return null;
                }));
            }
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 20; i++) {
                    store.getAll(List.of(id("/t0/0/0", "t0"), id("/t1/0/0", "t1"), id("/shared", "t0")));
                    store.countByBucket();
                }
                return null;
            }));
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Map<FileStatus, Long>> counts = store.countByBucket();
        for (int t = 0; t < writers; t++) {
            assertThat(counts.get("t" + t).get(UPLOADED)).isEqualTo((long) batches * perBatch);
        }
        // one record of the shared path per destination bucket
        assertThat(store.recordsOf(TestIds.SOURCE, "/shared")).extracting(FileRecord::bucket)
                .containsExactly("t0", "t1", "t2", "t3");
    }

    @Test
    void aWritableStorePassesTheWriteCheckWhichWritesNothing() {
        store.put(record("/a", "b", PENDING));

        assertThatCode(store::checkWritable).doesNotThrowAnyException();
        assertThat(store.countByBucket()).isEqualTo(Map.of("b", Map.of(PENDING, 1L)));
        assertThat(store.get(id("/a", "b"))).contains(record("/a", "b", PENDING));
        store.close();
        assertThatThrownBy(store::checkWritable).isInstanceOf(StateStoreException.class);
    }

    @Test
    void failsWithStateStoreExceptionOnceClosed() {
        store.put(record("/a", "b", PENDING));
        store.close();
        assertThatThrownBy(() -> store.get(id("/a", "b"))).isInstanceOf(StateStoreException.class);
        assertThatThrownBy(() -> store.put(record("/b", "b", PENDING))).isInstanceOf(StateStoreException.class);
        assertThatThrownBy(() -> store.ping()).isInstanceOf(StateStoreException.class);
        assertThatCode(store::close).doesNotThrowAnyException();
    }
}
