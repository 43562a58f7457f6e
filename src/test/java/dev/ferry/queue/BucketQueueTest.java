package dev.ferry.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
        q.offer("late", Path.of("/w/b/late"), now.get().plusSeconds(5));
        q.offer("early", Path.of("/w/b/early"), now.get().plusSeconds(2));
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("early");
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(3));
        assertThat(q.poll()).get().extracting(Task::key).isEqualTo("late");
    }

    @Test
    void aNewerChangeMergesAndPushesTheDueTimeLater() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        assertThat(q.offer("k", Path.of("/w/b/k"), now.get().plusSeconds(2))).isEqualTo(BucketQueue.Offer.ADDED);
        assertThat(q.offer("k", Path.of("/w/b/k2"), now.get().plusSeconds(4))).isEqualTo(BucketQueue.Offer.MERGED);
        assertThat(q.depth()).isEqualTo(1);
        advance(Duration.ofSeconds(3));
        assertThat(q.poll()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(q.poll()).get().extracting(Task::path).isEqualTo(Path.of("/w/b/k2"));
    }

    @Test
    void aKeyInFlightIsNotHandedOutTwice() {
        BucketQueue q = new BucketQueue("b", 10, clock);
        q.offer("k", Path.of("/w/b/k"), now.get());
        Task first = q.poll().orElseThrow();
        q.offer("k", Path.of("/w/b/k"), now.get());
        assertThat(q.poll()).as("same key while the first upload runs").isEmpty();
        q.complete(first);
        assertThat(q.poll()).isPresent();
    }

    @Test
    void fullQueueRefusesButAlwaysTakesRetriesAndReportsDirtyOnceDrained() {
        BucketQueue q = new BucketQueue("b", 2, clock);
        q.offer("a", Path.of("/a"), now.get());
        q.offer("b", Path.of("/b"), now.get());
        assertThat(q.offer("c", Path.of("/c"), now.get())).isEqualTo(BucketQueue.Offer.FULL);
        assertThat(q.offer("a", Path.of("/a"), now.get())).as("merging needs no room").isEqualTo(BucketQueue.Offer.MERGED);
        assertThat(q.takeDirtyIfRoom()).as("still full").isFalse();
        Task a = q.poll().orElseThrow();
        q.offer("d", Path.of("/d"), now.get());
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
        q.offer("k", Path.of("/k"), now.get());
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
        q.put("a", Path.of("/a"), now.get());
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(q.put("b", Path.of("/b"), now.get()));
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
        assertThat(q.put("c", Path.of("/c"), now.get())).isFalse();
        assertThat(q.take(Duration.ofSeconds(5))).isEmpty();
    }
}
