package dev.ferry.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ItemRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BucketQueueTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void handsOutOnlyDueTasksInDueOrder() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("late", ref("/w/b/late"), now.get().plusSeconds(5));
        q.offer("early", ref("/w/b/early"), now.get().plusSeconds(2));
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("early");
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(3));
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("late");
    }

    @Test
    void anEntryPushedBackByEveryChangeIsStillLookedAtOnceItHasWaitedLongSinceItWasFirstQueued() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        Instant first = now.get();
        q.offer("other", ref("/w/b/other"), first.plus(Duration.ofHours(2)));
        advance(Duration.ofMinutes(1));
        q.offer("grows", ref("/w/b/grows"), now.get().plusSeconds(2));
        Instant queued = now.get();
        java.util.List<BucketQueue.Waiting> looked = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * 60 * 10; i++) { // a change each 0.5 s for 10 minutes, each merging into the entry
            advance(Duration.ofMillis(500));
            assertThat(q.offer("grows", ref("/w/b/grows"), now.get().plusSeconds(2))).isEqualTo(BucketQueue.Offer.MERGED);
            looked.addAll(q.longWaits(now.get(), w -> now.get().plus(Duration.ofHours(1))));
            assertThat(q.poll()).as("never due").isEmpty();
        }
        assertThat(looked).extracting(w -> w.task().key()).as("each once, when it had waited 5 min")
                .containsExactly("other", "grows");
        assertThat(looked.get(1).task().queuedAt()).isEqualTo(queued);
        assertThat(looked.get(1).due()).as("pushed back past the look").isAfter(queued.plus(BucketQueue.LONG_WAIT));
        assertThat(q.longWaits(now.get(), w -> now.get())).isEmpty();

        advance(Duration.ofHours(1));
        assertThat(q.longWaits(now.get(), w -> now.get().plus(Duration.ofHours(1)))).extracting(w -> w.task().key())
                .as("then when it was told").containsExactlyInAnyOrder("other", "grows");
        advance(Duration.ofHours(1));
        assertThat(q.poll()).get().extracting(Task::key).as("quiet at last").isEqualTo("grows");
        assertThat(q.longWaits(now.get(), w -> now.get())).as("a task handed out is not looked at")
                .extracting(w -> w.task().key()).containsExactly("other");
    }

    @Test
    void aNewerChangeMergesAndPushesTheDueTimeLater() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        assertThat(q.offer("k", ref("/w/b/k"), now.get().plusSeconds(2))).isEqualTo(BucketQueue.Offer.ADDED);
        assertThat(q.offer("k", ref("/w/b/k2"), now.get().plusSeconds(4))).isEqualTo(BucketQueue.Offer.MERGED);
        assertThat(q.depth()).isEqualTo(1);
        advance(Duration.ofSeconds(3));
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(q.poll()).get().extracting(Task::item).isEqualTo(ref("/w/b/k2"));
    }

    @Test
    void aKeyInFlightIsNotHandedOutTwice() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("k", ref("/w/b/k"), now.get());
        Task first = q.poll().orElseThrow();
        q.offer("k", ref("/w/b/k"), now.get());
        assertThat(q.poll()).as("same key while the first upload runs").isEmpty();
        q.complete(first);
        assertThat(q.poll()).isPresent();
    }

    @Test
    void fullQueueRefusesButAlwaysTakesRetriesAndReportsDirtyOnceDrained() {
        BucketQueue q = new BucketQueue("b", 2, clock);
        q.offer("a", ref("/a"), now.get());
        q.offer("b", ref("/b"), now.get());
        assertThat(q.offer("c", ref("/c"), now.get())).isEqualTo(BucketQueue.Offer.FULL);
        assertThat(q.offer("a", ref("/a"), now.get())).as("merging needs no room").isEqualTo(BucketQueue.Offer.MERGED);
        assertThat(q.takeDirtyIfRoom()).as("still full").isFalse();
        Task a = q.poll().orElseThrow();
        q.offer("d", ref("/d"), now.get());
        q.retry(a, now.get().plusSeconds(1), true);
        assertThat(q.depth()).as("a retry is accepted beyond capacity").isEqualTo(3);
        q.poll().orElseThrow();
        q.poll().orElseThrow();
        assertThat(q.takeDirtyIfRoom()).as("one left of capacity 2").isFalse();
        advance(Duration.ofSeconds(1));
        q.poll().orElseThrow();
        assertThat(q.takeDirtyIfRoom()).isTrue();
        assertThat(q.takeDirtyIfRoom()).as("reported once").isFalse();
    }

    @Test
    void retryCountsFailedAttemptsOnly() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("k", ref("/k"), now.get());
        Task t = q.poll().orElseThrow();
        q.retry(t, now.get(), true);
        Task t2 = q.poll().orElseThrow();
        assertThat(t2.attempts()).isEqualTo(1);
        q.retry(t2, now.get(), false);
        assertThat(q.poll().orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void putWaitsForRoomAndCloseReleasesWaiters() throws Exception {
        BucketQueue q = new BucketQueue("b", 1, clock);
        q.put("a", ref("/a"), now.get());
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(q.put("b", ref("/b"), now.get()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> t.getState() == Thread.State.WAITING);
        Task a = q.poll().orElseThrow();
        t.join(5000);
        assertThat(result.get()).isTrue();
        assertThat(q.depth()).isEqualTo(1);
        q.complete(a);
        q.close();
        assertThat(q.put("c", ref("/c"), now.get())).isFalse();
        assertThat(q.take(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void pausedQueueHandsOutNothingButKeepsTakingWorkAndResumeHandsItOut() throws Exception {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("a", ref("/a"), now.get());
        Task inFlight = q.poll().orElseThrow();
        q.pause();
        assertThat(q.paused()).isTrue();
        assertThat(q.offer("b", ref("/b"), now.get())).isEqualTo(BucketQueue.Offer.ADDED);
        assertThat(q.put("c", ref("/c"), now.get())).isTrue();
        assertThat(q.poll()).as("nothing handed out while paused").isEmpty();
        assertThat(q.take(Duration.ofMillis(1))).isEmpty();
        q.complete(inFlight);
        assertThat(q.depth()).isEqualTo(2);
        assertThat(q.inFlight()).as("the upload under way finished").isZero();

        AtomicReference<Task> taken = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                q.take(Duration.ofMinutes(1)).ifPresent(taken::set);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> worker.getState() == Thread.State.TIMED_WAITING);
        q.resume();
        worker.join(5000);
        assertThat(taken.get()).as("resume wakes a waiting worker").isNotNull();
        assertThat(taken.get().key()).isEqualTo("b");
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("c");
    }

    @Test
    void expediteMakesABackingOffEntryDueNowAndAFailureUnderWayDoesNotPushItBack() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("k", ref("/k"), now.get());
        q.retry(q.poll().orElseThrow(), now.get().plusSeconds(300), true);
        assertThat(q.poll()).as("in backoff").isEmpty();

        assertThat(q.expedite("k", ref("/k"))).isEqualTo(BucketQueue.Offer.MERGED);
        Task t = q.poll().orElseThrow();
        assertThat(t.attempts()).as("attempts are kept").isEqualTo(1);

        q.expedite("k", ref("/k"));
        q.retry(t, now.get().plusSeconds(300), true);
        assertThat(q.poll()).as("asked again while the attempt ran: still due now").get()
                .extracting(Task::attempts).isEqualTo(2);
    }

    @Test
    void expediteAddsAKeyNotQueuedAndRespectsCapacity() {
        BucketQueue q = new BucketQueue("b", 1, clock);
        assertThat(q.expedite("a", ref("/a"))).isEqualTo(BucketQueue.Offer.ADDED);
        assertThat(q.expedite("b", ref("/b"))).isEqualTo(BucketQueue.Offer.FULL);
        assertThat(q.takeDirtyIfRoom()).as("still full").isFalse();
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("a");
        assertThat(q.takeDirtyIfRoom()).as("the refused key is left for a sweep").isTrue();
        q.close();
        assertThat(q.expedite("c", ref("/c"))).isEqualTo(BucketQueue.Offer.CLOSED);
    }

    @Test
    void expediteRetriesMovesOnlyEntriesInBackoff() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("failed", ref("/failed"), now.get());
        q.retry(q.poll().orElseThrow(), now.get().plusSeconds(60), true);
        q.offer("settling", ref("/settling"), now.get().plusSeconds(2));

        assertThat(q.expediteRetries()).containsExactly("failed");
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("failed");
        assertThat(q.poll()).as("a file still settling is left alone").isEmpty();
        assertThat(q.expediteRetries()).isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("settling");
    }

    @Test
    void carryingWinsAMergeWithADeletionWhicheverCameFirst() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("kept", ref("/w/kept"), now.get().plusSeconds(2));
        assertThat(q.offer("kept", ref("/w/kept"), now.get(), Task.Work.DELETE)).isEqualTo(BucketQueue.Offer.MERGED);
        q.offer("back", ref("/w/back"), now.get(), Task.Work.DELETE);
        q.offer("back", ref("/w/back"), now.get().plusSeconds(3));

        assertThat(q.poll()).as("the deletion changed neither the carry's work nor its due time").isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(q.poll()).get().satisfies(t -> {
            assertThat(t.key()).isEqualTo("kept");
            assertThat(t.work()).isEqualTo(Task.Work.CARRY);
        });
        assertThat(q.poll()).as("a file back is carried once it settles, not deleted now").isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(q.poll()).get().extracting(Task::work).isEqualTo(Task.Work.CARRY);
    }

    @Test
    void takeMoreHandsOutTheOtherDueTasksOfTheSameWorkAndNoOthers() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("d1", ref("/w/d1"), now.get(), Task.Work.DELETE);
        q.offer("upload", ref("/w/upload"), now.get());
        q.offer("d2", ref("/w/d2"), now.get(), Task.Work.DELETE);
        q.offer("d3", ref("/w/d3"), now.get(), Task.Work.DELETE);
        q.offer("later", ref("/w/later"), now.get().plusSeconds(5), Task.Work.DELETE);

        Task first = q.poll().orElseThrow();
        assertThat(first.key()).isEqualTo("d1");
        assertThat(q.takeMore(Task.Work.DELETE, 1)).extracting(Task::key).containsExactly("d2");
        assertThat(q.takeMore(Task.Work.DELETE, 10)).as("not one due later").extracting(Task::key)
                .containsExactly("d3");
        assertThat(q.inFlight()).isEqualTo(3);
        q.pause();
        advance(Duration.ofSeconds(5));
        assertThat(q.takeMore(Task.Work.DELETE, 10)).as("paused").isEmpty();
        q.resume();
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("upload");
        assertThat(q.takeMore(Task.Work.DELETE, 10)).extracting(Task::key).containsExactly("later");
    }

    @Test
    void aDeletionPutBackAfterAFailureIsStillADeletion() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("gone", ref("/w/gone"), now.get(), Task.Work.DELETE);
        Task taken = q.poll().orElseThrow();

        q.retry(taken, now.get(), true);

        assertThat(q.poll()).get().satisfies(t -> {
            assertThat(t.work()).isEqualTo(Task.Work.DELETE);
            assertThat(t.attempts()).isEqualTo(1);
        });
    }

    private static ItemRef ref(String path) {
        return new ItemRef("test", path);
    }
}
