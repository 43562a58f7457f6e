package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FailureKind;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.queue.Backoff;
import dev.ferry.queue.Task;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.ManualClock;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.testing.MemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * One lane driven by hand: its threads are made by the factory it is given and never started, the test calls
 * {@link Lane#workOnce} and moves a fake clock, and the items come from a source in memory to a store in memory.
 */
class LaneTest {
    private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock(START);
    private final MemorySource source = new MemorySource("memory-test", "/memory");
    private final MemoryObjectStore store = new MemoryObjectStore().createBucket("archive");
    private final InMemoryRecords records = new InMemoryRecords();
    private final List<UploadOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final UploadListener listener = (bucket, key, item, outcome, since) -> outcomes.add(outcome);
    private final List<Thread> made = new ArrayList<>();
    private final ThreadFactory threads = work -> {
        Thread t = new Thread(work);
        made.add(t);
        return t;
    };
    private final Site site = new PrefixSite("memory", source, new PrefixRouter(Path.of("/memory"), "archive", "",
            new IgnoreRules(List.of()), PathFilter.none()), store, false, UploadOptions.NONE, 100);
    private final EngineSettings settings = EngineSettings.daemon(3, 100, SETTLE, false);
    private final Lane lane = new Lane(site, "archive", settings,
            new Uploader(records, settings, clock, UnmarkedUploads.NONE),
            new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), clock, listener,
            new EndpointHealth(store.endpoint(), clock, Engine.probeBackoff(), (delay, task) -> { }), threads);

    @Test
    void itsWorkersComeFromTheFactoryItIsGivenAndStartOnlyWhenAsked() {
        assertThat(made).hasSize(3);
        assertThat(made).extracting(Thread::getName).containsExactly("upload-memory-1", "upload-memory-2",
                "upload-memory-3");
        assertThat(made).noneMatch(Thread::isAlive);
    }

    @Test
    void aDueItemIsCarriedAndCountedOnce() throws InterruptedException {
        String item = source.put("a.txt", "the bytes of a", START.minus(Duration.ofMinutes(1)));
        lane.queue.offer("a.txt", source.ref(item), START);

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();

        assertThat(outcomes).singleElement().isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.object("archive", "a.txt").orElseThrow().text()).isEqualTo("the bytes of a");
        assertThat(lane.status().uploaded()).isEqualTo(1);
        assertThat(lane.status().bytes()).isEqualTo(14);
        assertThat(lane.status().queued()).isZero();
        assertThat(lane.workOnce(Duration.ZERO)).as("nothing left").isFalse();
    }

    @Test
    void aFailedItemWaitsOutItsBackoffOnTheLanesClockThenGoesUp() throws InterruptedException {
        store.failNextPuts(1, FailureKind.RETRYABLE);
        String item = source.put("a.txt", "a", START.minus(Duration.ofMinutes(1)));
        lane.queue.offer("a.txt", source.ref(item), START);

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes).singleElement().isInstanceOf(UploadOutcome.Retry.class);
        assertThat(lane.status().failed()).isEqualTo(1);
        assertThat(lane.status().queued()).as("back in the queue").isEqualTo(1);
        assertThat(lane.workOnce(Duration.ZERO)).as("in backoff").isFalse();

        clock.advance(Duration.ofMinutes(1));
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes.get(1)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(lane.status().failed()).isZero();
        assertThat(store.writes("archive", "a.txt")).isEqualTo(1);
    }

    @Test
    void anItemStillChangingWaitsForTheSettleTime() throws InterruptedException {
        String item = source.put("a.txt", "still being written", START);
        lane.queue.offer("a.txt", source.ref(item), START);

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(UploadOutcome.Requeue.class,
                r -> assertThat(r.due()).isEqualTo(START.plus(SETTLE)));
        assertThat(lane.workOnce(Duration.ZERO)).isFalse();

        clock.advance(SETTLE);
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes.get(1)).isInstanceOf(UploadOutcome.Uploaded.class);
    }

    @Test
    void afterItsIntakeStoppedItHandsOutNothing() throws InterruptedException {
        String item = source.put("a.txt", "a", START.minus(Duration.ofMinutes(1)));
        lane.queue.offer("a.txt", source.ref(item), START);

        lane.stopIntake();

        assertThat(lane.workOnce(Duration.ZERO)).isFalse();
        assertThat(store.keys("archive")).isEmpty();
    }

    /** A lane of a one-shot run: a file is given up after {@code attempts}. */
    private Lane oneShotLane(int attempts) {
        EngineSettings oneShot = new EngineSettings(1, 100, SETTLE, false, Duration.ofSeconds(5),
                java.util.Optional.of(attempts));
        return new Lane(site, "archive", oneShot, new Uploader(records, oneShot, clock, UnmarkedUploads.NONE),
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), clock, listener,
                new EndpointHealth(store.endpoint(), clock, Engine.probeBackoff(), (delay, task) -> { }), threads);
    }

    /** Takes the item at each due time, the file written again just then (a log appended to), {@code tries} times. */
    private void keepWriting(Lane lane, int tries) throws InterruptedException {
        for (int i = 0; i < tries; i++) {
            source.put("app.log", "line\n".repeat(i + 1), clock.instant());
            assertThat(lane.workOnce(Duration.ZERO)).as("try %d is due", i + 1).isTrue();
            clock.advance(SETTLE);
        }
    }

    @Test
    void aOneShotRunGivesUpAFileThatKeepsChangingAfterItsAttemptsAndSaysWhy() throws InterruptedException {
        Lane run = oneShotLane(3);
        String item = source.put("app.log", "line\n", clock.instant());
        run.queue.offer("app.log", source.ref(item), START);

        keepWriting(run, 3);

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.subList(0, 2)).allMatch(o -> o instanceof UploadOutcome.Requeue);
        assertThat(outcomes.get(2)).isInstanceOfSatisfying(UploadOutcome.Retry.class, r -> assertThat(r.reason())
                .startsWith("still changing after 3 tries in 4 s (the last: ")
                .endsWith("); not uploaded: a one-shot sync does not wait longer for a file to stop changing"));
        assertThat(run.status().queued()).as("the run can end").isZero();
        assertThat(run.status().failed()).isEqualTo(1);
        assertThat(store.object("archive", "app.log")).isEmpty();
    }

    /**
     * An outage during a one-shot run: said once for the lane, not once per try per file (a run of thousands of files
     * logged a WARN for each try of each); each file is still given up after its tries and counted failed, and the
     * first upload after S3 answers again says so.
     */
    @Test
    void aOneShotRunSaysAnOutageOnceAndGivesEachFileUpAfterItsTries() throws InterruptedException {
        Lane run = oneShotLane(3);
        store.unreachable(true);
        for (String name : List.of("a.jpg", "b.jpg", "c.jpg")) {
            run.queue.offer(name, source.ref(source.put(name, "bytes of " + name, START.minusSeconds(60))), START);
        }
        try (dev.ferry.testing.LogCapture logs = dev.ferry.testing.LogCapture.of(Lane.class.getName())) {
            for (int turn = 0; turn < 40 && run.status().queued() > 0; turn++) {
                if (!run.workOnce(Duration.ZERO)) {
                    clock.advance(Duration.ofSeconds(30));
                }
            }
            assertThat(run.status().queued()).as("the run can end").isZero();
            assertThat(run.status().failed()).isEqualTo(3);
            assertThat(outcomes).hasSize(9);
            assertThat(logs.lines()).filteredOn(l -> !l.startsWith("DEBUG")).singleElement().asString()
                    .startsWith("WARN dev.ferry.engine.Lane: archive: S3 cannot be reached (a.jpg: ")
                    .contains("each file is tried 3 times with backoff, then given up and listed in the run's summary");

            store.unreachable(false);
            run.queue.offer("d.jpg", source.ref(source.put("d.jpg", "d", START.minusSeconds(60))), clock.instant());
            assertThat(run.workOnce(Duration.ZERO)).isTrue();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("INFO"))
                    .containsExactly("INFO dev.ferry.engine.Lane: archive: S3 answers again; files go on uploading",
                            "INFO dev.ferry.engine.Lane: archive/d.jpg: uploaded 1 bytes in 0 ms");
        }
    }

    /**
     * A file the watcher saw that cannot be stat'ed (its folder lost its x permission): retried, and recorded FAILED
     * with the reason, so {@code ferry failed} lists it and {@code ferry retry} can retry it; its next attempt, failing
     * the same way, writes no record again.
     */
    @Test
    void aFileThatCannotBeLookedAtIsRecordedFailedWithItsReason() throws InterruptedException {
        dev.ferry.core.Source locked = (dev.ferry.core.Source) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.ferry.core.Source.class}, (proxy, method, args) -> {
                    if (method.getName().equals("version")) {
                        throw new java.nio.file.AccessDeniedException(args[0] + "");
                    }
                    try {
                        return method.invoke(source, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Site lockedSite = new PrefixSite("memory", locked, new PrefixRouter(Path.of("/memory"), "archive", "",
                new IgnoreRules(List.of()), PathFilter.none()), store, false, UploadOptions.NONE, 100);
        Lane run = new Lane(lockedSite, "archive", settings, new Uploader(records, settings, clock,
                UnmarkedUploads.NONE), new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), clock,
                listener, new EndpointHealth(store.endpoint(), clock, Engine.probeBackoff(), (delay, task) -> { }),
                threads);
        String item = source.put("locked/in.txt", "x", START.minusSeconds(60));
        run.queue.offer("locked/in.txt", locked.ref(item), START);

        assertThat(run.workOnce(Duration.ZERO)).isTrue();

        assertThat(outcomes).singleElement().isInstanceOf(UploadOutcome.Retry.class);
        dev.ferry.core.FileRecord failed = records.get(item).orElseThrow();
        assertThat(failed.status()).isEqualTo(dev.ferry.core.FileStatus.FAILED);
        assertThat(failed.reason()).isEqualTo(item + ": cannot stat file: AccessDeniedException: " + item);
        assertThat(failed.permanent()).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(run.workOnce(Duration.ZERO)).isTrue();
        assertThat(records.get(item)).as("the same failure again: the record stands").contains(failed);
    }

    @Test
    void theDaemonWaitsForAFileThatKeepsChangingHoweverLongItTakes() throws InterruptedException {
        String item = source.put("app.log", "line\n", clock.instant());
        lane.queue.offer("app.log", source.ref(item), START);

        keepWriting(lane, 10);

        assertThat(outcomes).hasSize(10).allMatch(o -> o instanceof UploadOutcome.Requeue);
        assertThat(lane.status().queued()).as("still waiting for it").isEqualTo(1);
        assertThat(lane.status().failed()).isZero();

        clock.advance(SETTLE); // quiet at last
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes.get(10)).isInstanceOf(UploadOutcome.Uploaded.class);
    }

    @Test
    void theDaemonSaysOnceAnHourWhichFileHasWaitedLongBecauseItKeepsChanging() throws InterruptedException {
        String item = source.put("app.log", "line\n", clock.instant());
        lane.queue.offer("app.log", source.ref(item), START);

        try (dev.ferry.testing.LogCapture log = dev.ferry.testing.LogCapture.of(Lane.class.getName())) {
            keepWriting(lane, (int) (Lane.LONG_WAIT.toSeconds() / SETTLE.toSeconds()) - 1);
            assertThat(log.lines()).as("within the first minutes: a log line at DEBUG at most")
                    .noneMatch(l -> l.startsWith("WARN"));

            keepWriting(lane, 2);
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
                    .contains("archive/app.log: not uploaded for 5 min", "never uploaded", "quiet for 2 s");

            keepWriting(lane, 100); // 200 s more: not said again within the hour
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(1);
        }
    }

    @Test
    void theDaemonSaysSoAlsoWhenEveryChangeMergesIntoTheQueuedEntryAndNoWorkerEverGetsIt() throws InterruptedException {
        String item = source.put("app.log", "line\n", clock.instant());
        lane.queue.offer("app.log", source.ref(item), START.plus(SETTLE));

        try (dev.ferry.testing.LogCapture log = dev.ferry.testing.LogCapture.of(Lane.class.getName())) {
            // a change every 0.5 s, as the watcher sees it: each pushes the entry's due time 2 s later
            for (int i = 0; i < 2 * 60 * 70; i++) {
                clock.advance(Duration.ofMillis(500));
                source.put("app.log", "line\n", clock.instant());
                lane.queue.offer("app.log", source.ref(item), clock.instant().plus(SETTLE));
                assertThat(lane.workOnce(Duration.ZERO)).as("never due").isFalse();
                if (i == 2 * 60 * 5 - 2) {
                    assertThat(log.lines()).as("not within the first 5 minutes").noneMatch(l -> l.startsWith("WARN"));
                }
                if (i == 2 * 60 * 6) {
                    assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
                            .contains("archive/app.log: not uploaded for 5 min 0 s: still being written",
                                    "quiet for 2 s");
                }
            }
            assertThat(log.lines()).as("after 70 minutes: said again at 65").filteredOn(l -> l.startsWith("WARN"))
                    .hasSize(2).last().asString().contains("not uploaded for 65 min 0 s");
        }
        assertThat(outcomes).as("no worker got it").isEmpty();

        clock.advance(SETTLE); // quiet at last
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes).singleElement().isInstanceOf(UploadOutcome.Uploaded.class);
    }

    @Test
    void deletionsDueTogetherGoInOneRequestAndAnItemThatIsBackKeepsItsObject() throws InterruptedException {
        for (String name : List.of("gone-1.txt", "gone-2.txt", "back.txt")) {
            store.putBytes("archive", name, name.getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain",
                    UploadOptions.NONE);
        }
        source.put("back.txt", "here again", START.minus(Duration.ofMinutes(1)));
        for (String name : List.of("gone-1.txt", "gone-2.txt", "back.txt")) {
            lane.queue.offer(name, source.ref("/memory/" + name), START, Task.Work.DELETE);
        }
        int before = store.requests(MemoryObjectStore.Request.DELETE);

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();

        assertThat(store.requests(MemoryObjectStore.Request.DELETE) - before).as("one request").isEqualTo(1);
        assertThat(store.keys("archive")).containsExactly("back.txt");
        assertThat(outcomes).filteredOn(UploadOutcome.Deleted.class::isInstance).hasSize(2);
        assertThat(outcomes).filteredOn(UploadOutcome.Unchanged.class::isInstance).singleElement()
                .isEqualTo(new UploadOutcome.Unchanged("not deleted: its file is back"));
        assertThat(lane.status().queued()).isZero();
        assertThat(lane.status().inFlight()).isZero();
    }

    @Test
    void aRefusedDeletionIsRetriedWithBackoffAndNothingIsDeletedWhilePaused() throws InterruptedException {
        store.putBytes("archive", "gone.txt", new byte[] {1}, "text/plain", UploadOptions.NONE);
        store.refuseDeletes(key -> key.equals("gone.txt"));
        lane.queue.offer("gone.txt", source.ref("/memory/gone.txt"), START, Task.Work.DELETE);

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(UploadOutcome.Retry.class,
                r -> assertThat(r.reason()).startsWith("s3://archive/gone.txt: delete refused: "));
        assertThat(lane.status().failed()).isEqualTo(1);
        assertThat(lane.status().queued()).as("back in the queue").isEqualTo(1);

        store.refuseDeletes(key -> false);
        lane.queue.pause();
        clock.advance(Duration.ofMinutes(1));
        assertThat(lane.workOnce(Duration.ZERO)).as("paused: nothing is written to S3").isFalse();
        assertThat(store.keys("archive")).containsExactly("gone.txt");

        lane.queue.resume();
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes.get(1)).isEqualTo(new UploadOutcome.Deleted("gone.txt"));
        assertThat(store.keys("archive")).isEmpty();
        assertThat(lane.status().failed()).isZero();
    }

    @Test
    void aMarkerToABucketNotThereYetIsWrittenOnceTheBucketIsMadeAndItsLocalCopyToo() throws Exception {
        EngineSettings creating = EngineSettings.daemon(1, 100, SETTLE, true);
        Lane fresh = new Lane(site, "fresh", creating, new Uploader(records, creating, clock, UnmarkedUploads.NONE),
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), clock, listener,
                new EndpointHealth(store.endpoint(), clock, Engine.probeBackoff(), (delay, task) -> { }), threads);
        Path folder = java.nio.file.Files.createTempDirectory("lane-marker");
        try {
            Path local = folder.resolve("syncd.txt");
            fresh.queue.offer("p/syncd.txt", source.ref(local.toString()), START,
                    new Task.Mark(true, UploadOptions.NONE));

            assertThat(fresh.workOnce(Duration.ZERO)).isTrue();

            assertThat(outcomes).singleElement().isEqualTo(new UploadOutcome.Marked("p/syncd.txt"));
            assertThat(store.object("fresh", "p/syncd.txt").orElseThrow().text())
                    .isEqualTo("Synced at: " + START + "\n");
            assertThat(java.nio.file.Files.readString(local)).isEqualTo("Synced at: " + START + "\n");
            assertThat(fresh.status().uploaded()).as("a marker is no upload").isZero();
        } finally {
            try (var files = java.nio.file.Files.list(folder)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(folder);
        }
    }

    @Test
    void aMarkerThatCannotBeWrittenIsRetriedWithBackoffAndWaitsWhilePaused() throws InterruptedException {
        store.failNext(MemoryObjectStore.Request.PUT_BYTES, 1, FailureKind.RETRYABLE);
        lane.queue.offer("syncd.txt", source.ref("/memory/syncd.txt"), START,
                new Task.Mark(false, UploadOptions.NONE));

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes).singleElement().isInstanceOf(UploadOutcome.Retry.class);
        assertThat(store.keys("archive")).isEmpty();
        assertThat(lane.workOnce(Duration.ZERO)).as("in backoff").isFalse();

        lane.queue.pause();
        clock.advance(Duration.ofMinutes(1));
        assertThat(lane.workOnce(Duration.ZERO)).as("paused: nothing is written to S3").isFalse();
        lane.queue.resume();
        assertThat(lane.workOnce(Duration.ZERO)).isTrue();
        assertThat(outcomes.get(1)).isEqualTo(new UploadOutcome.Marked("syncd.txt"));
        assertThat(store.keys("archive")).containsExactly("syncd.txt");
        assertThat(lane.status().failed()).isZero();
    }

    @Test
    void aSweepsDeletionsCountWithTheWatchersInTheSitesDeleteGuardAndTheirRecordsAreClosed() throws Exception {
        Site guarded = new PrefixSite("memory", source, new PrefixRouter(Path.of("/memory"), "archive", "",
                new IgnoreRules(List.of()), PathFilter.none()), store, true, UploadOptions.NONE, 1);
        Lane lane = new Lane(guarded, "archive", settings, new Uploader(records, settings, clock, UnmarkedUploads.NONE),
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1), () -> 0.5), clock, listener,
                new EndpointHealth(store.endpoint(), clock, Engine.probeBackoff(), (delay, task) -> { }), threads);
        for (String name : List.of("a.txt", "b.txt")) {
            store.putBytes("archive", name, new byte[] {1}, "text/plain", UploadOptions.NONE);
            records.offer(dev.ferry.core.FileRecord.pending(source.id(), "/memory/" + name, "archive", name,
                    new dev.ferry.core.FileStat(1, 1000), START).uploaded("archive", name,
                    new dev.ferry.core.FileStat(1, 1000), "", "", "", START));
            lane.queue.offer(name, source.ref("/memory/" + name), START, Task.Work.DELETE);
        }

        assertThat(lane.workOnce(Duration.ZERO)).isTrue();

        assertThat(outcomes).containsExactly(new UploadOutcome.Deleted("a.txt"),
                new UploadOutcome.Gone(Uploader.KEPT_BY_GUARD));
        assertThat(store.keys("archive")).as("max_delete 1: the second is kept").containsExactly("b.txt");
        assertThat(lane.status().problem()).hasValueSatisfying(p -> assertThat(p).startsWith("deletions stopped: "));
        lane.gate.deletionsAllowed(); // a later sweep that refuses none does not end a tripped guard
        assertThat(lane.status().problem()).isPresent();
        assertThat(records.get(new dev.ferry.core.RecordId(source.id(), "/memory/a.txt", "archive")))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(dev.ferry.core.FileStatus.IGNORED));
        assertThat(records.get(new dev.ferry.core.RecordId(source.id(), "/memory/b.txt", "archive")))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(dev.ferry.core.FileStatus.UPLOADED));
    }
}
