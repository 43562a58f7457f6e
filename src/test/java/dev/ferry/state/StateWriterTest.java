package dev.ferry.state;

import dev.ferry.testing.TestIds;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.ferry.core.FileStatus.FAILED;
import static dev.ferry.core.FileStatus.PENDING;
import static dev.ferry.core.FileStatus.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class StateWriterTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final FakeStateStore store = new FakeStateStore();
    private StateWriter writer;

    @AfterEach
    void stop() {
        store.open();
        if (writer != null) {
            writer.close();
        }
    }

    private StateWriter start(int capacity, int batchSize, Duration minBackoff) {
        writer = StateWriter.start(store, new StateWriter.Settings(capacity, batchSize, minBackoff,
                minBackoff.multipliedBy(4)), Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        return writer;
    }

    private StateWriter start() {
        return start(100_000, 1_000, Duration.ofMillis(20));
    }

    private static List<dev.ferry.core.RecordId> ids(String... paths) {
        return java.util.Arrays.stream(paths).map(p -> TestIds.id(p, "b")).toList();
    }

    private static FileRecord rec(String path, FileStatus status, long size) {
        return new FileRecord(TestIds.SOURCE, path, "b", path.substring(1), status, size, 1, "", "", 0, "", false, NOW, NOW,
                status == UPLOADED ? Optional.of(NOW) : Optional.empty());
    }

    /** Holds the store and submits one record, returning once the flusher is stuck writing it. */
    private void holdTheFlusher() throws InterruptedException {
        store.hold();
        writer.submit(rec("/first", PENDING, 0));
        assertThat(store.entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writesSubmittedRecordsAndCompletesTheirFutures() throws Exception {
        start();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(writer.submit(rec("/f" + i, UPLOADED, i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.data).hasSize(50).containsEntry("/f7", rec("/f7", UPLOADED, 7));
        assertThat(writer.pendingWrites()).isZero();
        assertThat(writer.counters().written()).isEqualTo(50);
    }

    @Test
    void theLatestRecordOfAPathWinsAndCompletesEveryFuture() throws Exception {
        start();
        holdTheFlusher();
        CompletableFuture<Void> v1 = writer.submit(rec("/a", PENDING, 1));
        CompletableFuture<Void> v2 = writer.submit(rec("/a", FAILED, 2));
        CompletableFuture<Void> v3 = writer.submit(rec("/a", UPLOADED, 3));
        assertThat(writer.pendingWrites()).isEqualTo(2); // /first (being written) and /a
        store.open();

        CompletableFuture.allOf(v1, v2, v3).get(10, TimeUnit.SECONDS);
        List<FileRecord> writtenA = store.writes.stream().flatMap(List::stream)
                .filter(r -> r.path().equals("/a")).toList();
        assertThat(writtenA).containsExactly(rec("/a", UPLOADED, 3));
        assertThat(writer.counters().coalesced()).isEqualTo(2);
    }

    @Test
    void aNewerRecordSubmittedDuringItsWriteIsWrittenAfterIt() throws Exception {
        start();
        store.hold();
        CompletableFuture<Void> older = writer.submit(rec("/a", PENDING, 1));
        assertThat(store.entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> newer = writer.submit(rec("/a", UPLOADED, 2));
        store.open();

        CompletableFuture.allOf(older, newer).get(10, TimeUnit.SECONDS);
        assertThat(store.data.get("/a")).isEqualTo(rec("/a", UPLOADED, 2));
        assertThat(store.writes).hasSize(2);
    }

    @Test
    void groupsManySubmitsIntoFewWrites() throws Exception {
        start(100_000, 200, Duration.ofMillis(20));
        holdTheFlusher();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            futures.add(writer.submit(rec("/g" + i, UPLOADED, i)));
        }
        store.open();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.writes).extracting(List::size).containsExactly(1, 200, 200, 100);
    }

    @Test
    void keepsEverythingWhileTheStoreIsDownAndCatchesUpWhenItReturns() throws Exception {
        start();
        store.failing = true;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 2_000; i++) {
            futures.add(writer.submit(rec("/o" + i, UPLOADED, i)));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

        await().atMost(DEADLINE).until(() -> !writer.reachable());
        assertThat(writer.lastError()).hasValueSatisfying(e -> assertThat(e).contains("connection refused"));
        assertThat(writer.pendingWrites()).isEqualTo(2_000);
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        assertThat(writer.health().reachable()).isFalse();
        assertThat(writer.health().pendingWrites()).isEqualTo(2_000);
        await().atMost(DEADLINE).until(() -> writer.counters().failedWrites() >= 3); // it keeps retrying

        store.failing = false;
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.data).hasSize(2_000);
        assertThat(writer.reachable()).isTrue();
        assertThat(writer.lastError()).isEmpty();
        assertThat(writer.pendingWrites()).isZero();
        assertThat(writer.counters().dropped()).isZero();
    }

    @Test
    void backsOffInsteadOfRetryingInALoopAndFlushRetriesAtOnce() {
        start(100, 100, Duration.ofSeconds(5));
        store.failing = true;
        writer.submit(rec("/a", UPLOADED, 1));
        await().atMost(DEADLINE).until(() -> !writer.reachable());
        int attempts = store.putAttempts.get();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> store.putAttempts.get() == attempts);

        assertThat(writer.flush(Duration.ofMillis(200))).isFalse();
        await().atMost(DEADLINE).until(() -> store.putAttempts.get() > attempts);

        store.failing = false;
        assertThat(writer.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(store.data).containsKey("/a");
    }

    @Test
    void readsComeFromPendingWritesFirstThenFromTheStore() throws Exception {
        start();
        store.data.put("/stored", rec("/stored", UPLOADED, 1));
        store.data.put("/both", rec("/both", UPLOADED, 1));
        holdTheFlusher();
        writer.submit(rec("/pending", FAILED, 2));
        writer.submit(rec("/both", PENDING, 2));

        assertThat(writer.get(TestIds.id("/pending", "b"))).contains(rec("/pending", FAILED, 2));
        assertThat(writer.getAll(ids("/pending", "/stored", "/both", "/missing"))).isEqualTo(Map.of(
                TestIds.id("/pending", "b"), rec("/pending", FAILED, 2),
                TestIds.id("/stored", "b"), rec("/stored", UPLOADED, 1),
                TestIds.id("/both", "b"), rec("/both", PENDING, 2)));
        assertThat(writer.get(TestIds.id("/missing", "b"))).isEmpty();
    }

    @Test
    void theRecordsOfAnItemAreTheStoredOnesAndThePendingOnesOfEveryBucket() throws Exception {
        start();
        store.data.put("/x", rec("/x", FAILED, 1)); // bucket "b"
        holdTheFlusher();
        FileRecord toC = FileRecord.pending(TestIds.SOURCE, "/x", "c", "x", new dev.ferry.core.FileStat(2, 2), NOW);
        writer.submit(toC);
        writer.submit(FileRecord.pending("other-host", "/x", "c", "x", new dev.ferry.core.FileStat(3, 3), NOW));

        assertThat(writer.recordsOf(TestIds.SOURCE, "/x")).containsExactly(rec("/x", FAILED, 1), toC);
        assertThat(writer.instance()).isEqualTo(TestIds.INSTANCE);
    }

    @Test
    void readsThrowWhenTheStoreIsDownUnlessThePathIsPending() {
        start();
        store.failing = true;
        writer.submit(rec("/pending", FAILED, 2));

        assertThatThrownBy(() -> writer.get(TestIds.id("/elsewhere", "b"))).isInstanceOf(StateStoreException.class);
        assertThat(writer.reachable()).isFalse();
        assertThatThrownBy(() -> writer.getAll(ids("/pending", "/elsewhere")))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("unreachable");
        assertThat(writer.get(TestIds.id("/pending", "b"))).contains(rec("/pending", FAILED, 2));

        store.failing = false;
        await().atMost(DEADLINE).until(writer::reachable);
        assertThat(writer.get(TestIds.id("/elsewhere", "b"))).isEmpty();
    }

    @Test
    void findsOutWhenAnIdleStoreReturns() {
        start();
        store.failing = true;
        assertThatThrownBy(() -> writer.get(TestIds.id("/x", "b"))).isInstanceOf(StateStoreException.class);
        await().atMost(DEADLINE).until(() -> store.pings.get() >= 2); // probing, nothing to write
        store.failing = false;
        await().atMost(DEADLINE).until(writer::reachable);
        assertThat(writer.lastError()).isEmpty();
    }

    @Test
    void whenFullDropsTheOldestRecordsThatAreNotUploadedThenRefusesNewOnes() throws Exception {
        start(5, 100, Duration.ofMillis(20));
        store.failing = true;
        CompletableFuture<Void> u1 = writer.submit(rec("/u1", UPLOADED, 1));
        CompletableFuture<Void> p1 = writer.submit(rec("/p1", PENDING, 1));
        writer.submit(rec("/u2", UPLOADED, 1));
        CompletableFuture<Void> f1 = writer.submit(rec("/f1", FAILED, 1));
        writer.submit(rec("/u3", UPLOADED, 1));

        CompletableFuture<Void> n1 = writer.submit(rec("/n1", PENDING, 1)); // drops /p1
        assertThat(p1).isCompletedExceptionally();
        writer.submit(rec("/n2", UPLOADED, 1)); // drops /f1
        assertThat(f1).isCompletedExceptionally();
        writer.submit(rec("/n3", UPLOADED, 1)); // drops /n1
        assertThat(n1).isCompletedExceptionally();
        CompletableFuture<Void> n4 = writer.submit(rec("/n4", FAILED, 1)); // all UPLOADED: refused
        assertThat(n4).isCompletedExceptionally();
        CompletableFuture<Void> u1Again = writer.submit(rec("/u1", FAILED, 2)); // same path: replaces, no drop

        assertThat(writer.pendingWrites()).isEqualTo(5);
        StateWriter.Counters c = writer.counters();
        assertThat(c.dropped()).isEqualTo(4);
        assertThat(c.droppedUploaded()).isZero();
        assertThat(c.coalesced()).isEqualTo(1);
        assertThatThrownBy(() -> n4.get()).hasCauseInstanceOf(StateStoreException.class)
                .hasMessageContaining("buffer full");

        store.failing = false;
        CompletableFuture.allOf(u1, u1Again).get(10, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> writer.pendingWrites() == 0);
        assertThat(store.data.keySet()).containsExactlyInAnyOrder("/u1", "/u2", "/u3", "/n2", "/n3");
        assertThat(store.data.get("/u1").status()).isEqualTo(FAILED);
    }

    @Test
    void aRecordTheStoreRefusesDoesNotHoldUpTheOthers() throws Exception {
        start();
        store.refused.add("/bad");
        holdTheFlusher();
        List<CompletableFuture<Void>> good = new ArrayList<>();
        IntStream.range(0, 9).forEach(i -> good.add(writer.submit(rec("/ok" + i, UPLOADED, i))));
        CompletableFuture<Void> bad = writer.submit(rec("/bad", UPLOADED, 1));
        store.open();

        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(bad::isDone);
        assertThat(bad).isCompletedExceptionally();
        assertThat(store.data).hasSize(10).doesNotContainKey("/bad"); // 9 + /first
        assertThat(writer.counters().rejected()).isEqualTo(1);
        assertThat(writer.reachable()).isTrue();
        assertThat(writer.pendingWrites()).isZero();
    }

    /**
     * A read-only store made writable while a batch is split: a record refused just before costs nothing (it was
     * dropped as a bad record once the others went through).
     */
    @Test
    void aStoreThatTakesWritesAgainWhileABatchIsSplitCostsNoRecord() throws Exception {
        // refused: /first alone, then the batch of ten, its halves down to one record; the rest goes
        nineRecordsGoThroughAfter(() -> store.readOnlyWrites.set(5));

        assertThat(store.data).hasSize(10).containsKeys("/first", "/ok0", "/ok1", "/ok8");
    }

    @Test
    void aStoreLockedByAnotherProcessForAWhileCostsNoRecord() throws Exception {
        // five locked writes: enough for the halving of the batch to reach one record just before the lock ends
        nineRecordsGoThroughAfter(() -> store.busyWrites.set(5));

        assertThat(store.data).hasSize(10).containsKeys("/first", "/ok0", "/ok8");
    }

    /**
     * A disk that fills while a batch is split: the first halves fit, the rest is refused as SQLITE_FULL refuses it.
     * Those records wait (they are not the store's bad records) and are written once there is room again.
     */
    @Test
    void aDiskThatFillsWhileABatchIsSplitCostsNoRecord() throws Exception {
        start();
        holdTheFlusher();
        List<CompletableFuture<Void>> good = new ArrayList<>();
        IntStream.range(0, 9).forEach(i -> good.add(writer.submit(rec("/ok" + i, UPLOADED, i))));
        store.spaceLeft.set(4);
        store.open();
        await().atMost(DEADLINE).until(() -> store.spaceLeft.get() < 4 && store.putAttempts.get() > 8);
        assertThat(writer.pendingWrites()).as("records wait for room").isPositive();

        store.spaceLeft.set(Integer.MAX_VALUE);

        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> writer.pendingWrites() == 0);
        assertThat(writer.counters().rejected()).isZero();
        assertThat(store.data).hasSize(10);
    }

    /**
     * Nine records submitted while the flusher is held, {@code fault} set on the store, then the flusher let go:
     * every record is written and none is rejected.
     */
    private void nineRecordsGoThroughAfter(Runnable fault) throws Exception {
        start();
        holdTheFlusher();
        List<CompletableFuture<Void>> good = new ArrayList<>();
        IntStream.range(0, 9).forEach(i -> good.add(writer.submit(rec("/ok" + i, UPLOADED, i))));
        fault.run();
        store.open();

        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> writer.pendingWrites() == 0);
        assertThat(writer.counters().rejected()).isZero();
    }

    @Test
    void aRefusedRecordAtTheHeadOfTheLineIsFoundToo() throws Exception {
        start();
        store.refused.add("/bad");
        holdTheFlusher();
        CompletableFuture<Void> bad = writer.submit(rec("/bad", UPLOADED, 1));
        List<CompletableFuture<Void>> good = new ArrayList<>();
        IntStream.range(0, 9).forEach(i -> good.add(writer.submit(rec("/ok" + i, UPLOADED, i))));
        store.open();

        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(bad::isDone);
        assertThat(bad).isCompletedExceptionally();
        assertThat(writer.counters().rejected()).isEqualTo(1);
    }

    @Test
    void refusedRecordsAtTheHeadGoToTheBackAndDoNotStallTheLine() throws Exception {
        start();
        store.refused.add("/bad1");
        store.refused.add("/bad2");
        holdTheFlusher();
        CompletableFuture<Void> bad1 = writer.submit(rec("/bad1", UPLOADED, 1));
        CompletableFuture<Void> bad2 = writer.submit(rec("/bad2", FAILED, 1));
        List<CompletableFuture<Void>> good = new ArrayList<>();
        IntStream.range(0, 8).forEach(i -> good.add(writer.submit(rec("/ok" + i, UPLOADED, i))));
        store.open();

        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> bad1.isDone() && bad2.isDone());
        assertThat(bad1).isCompletedExceptionally();
        assertThat(bad2).isCompletedExceptionally();
        assertThat(writer.counters().rejected()).isEqualTo(2);
        await().atMost(DEADLINE).until(writer::reachable);
    }

    @Test
    void aLoneRecordTheStoreRefusesIsKeptUntilOtherWritesShowTheStoreWorks() throws Exception {
        start();
        store.refused.add("/bad");
        CompletableFuture<Void> bad = writer.submit(rec("/bad", UPLOADED, 1));
        await().atMost(DEADLINE).until(() -> !writer.reachable());
        assertThat(bad).isNotDone();
        assertThat(writer.counters().rejected()).isZero();

        CompletableFuture<Void> good = writer.submit(rec("/good", UPLOADED, 1));
        good.get(10, TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(bad::isDone);
        assertThat(bad).isCompletedExceptionally();
        assertThat(writer.reachable()).isTrue();
        assertThat(writer.pendingWrites()).isZero();
    }

    @Test
    void aStoreThatRefusesWritesIsFoundAtStartBeforeAnyWriteAndWhenItTakesWritesAgain() {
        store.readOnly = true;
        start();

        await().atMost(DEADLINE).until(() -> !writer.reachable());
        assertThat(writer.lastError()).hasValueSatisfying(e -> assertThat(e).contains("not authorized"));
        assertThat(store.putAttempts).as("found without writing").hasValue(0);
        assertThat(writer.takesWrites()).isFalse();

        store.readOnly = false;
        await().atMost(DEADLINE).until(writer::reachable);
        assertThat(writer.lastError()).isEmpty();
        assertThat(writer.takesWrites()).isTrue();
    }

    @Test
    void aStoreThatAnswersButRefusesEveryWriteLosesNothing() throws Exception {
        start();
        store.data.put("/stored", rec("/stored", UPLOADED, 1));
        store.readOnly = true;
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> futures.add(writer.submit(rec("/w" + i, UPLOADED, i))));

        await().atMost(DEADLINE).until(() -> writer.counters().failedWrites() >= 3);
        assertThat(writer.reachable()).isFalse();
        assertThat(writer.lastError()).hasValueSatisfying(e -> assertThat(e).contains("not authorized"));
        assertThat(writer.counters().rejected()).isZero();
        assertThat(writer.pendingWrites()).isEqualTo(50);
        assertThat(writer.get(TestIds.id("/stored", "b"))).contains(rec("/stored", UPLOADED, 1)); // reads still work

        store.readOnly = false;
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.data).hasSize(51);
        assertThat(writer.reachable()).isTrue();
    }

    @Test
    void closeFailsWhatIsStillPendingAndLaterSubmitsFailWithoutThrowing() {
        start();
        store.failing = true;
        CompletableFuture<Void> stuck = writer.submit(rec("/a", UPLOADED, 1));
        writer.close();
        writer.close();

        assertThat(stuck).isCompletedExceptionally();
        assertThat(writer.submit(rec("/b", UPLOADED, 1))).isCompletedExceptionally();
        assertThat(writer.submit(null)).isCompletedExceptionally();
        assertThat(writer.pendingWrites()).isZero();
    }

    @Test
    void flushWaitsForEverythingPendingNow() {
        start();
        for (int i = 0; i < 3_000; i++) {
            writer.submit(rec("/x" + i, UPLOADED, i));
        }
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.data).hasSize(3_000);
        assertThat(writer.flush(Duration.ZERO)).isTrue(); // nothing pending
    }

    @Test
    void offeredRecordsAreWrittenAndFlushWaitsForThem() {
        start();
        store.failing = true;
        for (int i = 0; i < 100; i++) {
            writer.offer(rec("/o" + i, UPLOADED, i));
            writer.offer(rec("/o" + i, UPLOADED, i + 1));
        }
        writer.offer(null);
        assertThat(writer.pendingWrites()).isEqualTo(100);
        assertThat(writer.flush(Duration.ofMillis(100))).isFalse();

        store.failing = false;
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.data).hasSize(100).containsEntry("/o5", rec("/o5", UPLOADED, 6));
    }

    @Test
    void reportsHealthForStatus() {
        start();
        assertThat(writer.health().kind()).isEqualTo("fake");
        assertThat(writer.health().location()).isEqualTo("memory");
        assertThat(writer.health().reachable()).isTrue();
        assertThat(writer.health().lastError()).isEmpty();
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> new StateWriter.Settings(0, 1, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new StateWriter.Settings(1, 1, Duration.ofSeconds(3), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
        assertThat(StateWriter.Settings.defaults().capacity()).isEqualTo(100_000);
    }
}
