package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.core.FailureKind;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.transfer.CopyResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The follower's own rules with a queue and copier of the test's (the SQS and S3 sides are tested against real
 * servers in {@link EventFollowerIT}): a message is deleted only when every record succeeded everywhere, a failing
 * receive waits its backoff, and the sequencer rule.
 */
class EventFollowerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    final MemoryObjectStore store = new MemoryObjectStore().createBucket("src").createBucket("dst");
    final FakeQueue queue = new FakeQueue();
    final List<String> copied = new CopyOnWriteArrayList<>();
    final JobStats stats = new JobStats("s3://src/in/");
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    EventFollower follower;

    @AfterEach
    void stop() {
        release.countDown();
        if (follower != null) {
            follower.close();
        }
    }

    private EventFollower follow(Backoff backoff) {
        return follow(backoff, 2);
    }

    private EventFollower follow(Backoff backoff, int concurrency) {
        Replica replica = new Replica(new ReplicaDestination(new BucketLocation("dst", "out/", Optional.empty(),
                Optional.empty(), false, Optional.empty(), Optional.empty()), Optional.empty(), Optional.empty(),
                Optional.empty()), store, request -> {
                    if (request.sourceKey().contains("slow")) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (request.sourceKey().contains("broken")) {
                        throw new TransferException(FailureKind.RETRYABLE, request.sourceKey() + ": 500 InternalError");
                    }
                    copied.add(request.destinationKey());
                    return new CopyResult("e", "e", 1, 1, true);
                }, true);
        BucketSource source = new BucketSource("src", "in/", Optional.empty(), store, (b, k, o, l) -> {
            throw new UnsupportedOperationException();
        });
        follower = new EventFollower("job", queue, source, List.of(replica), false, 10, Optional.empty(), concurrency,
                Clock.systemUTC(), stats, backoff, Duration.ofMillis(50), Duration.ofSeconds(60),
                Duration.ofMillis(50));
        follower.start();
        return follower;
    }

    private void put(String key) {
        store.putBytes("src", key, "x".getBytes(StandardCharsets.UTF_8), "text/plain", UploadOptions.NONE);
    }

    private static String created(String... keys) {
        return createdIn("src", keys);
    }

    private static String createdIn(String bucket, String... keys) {
        StringBuilder b = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"").append(bucket)
                    .append("\"},")
                    .append("\"object\":{\"key\":\"").append(keys[i]).append("\",\"sequencer\":\"0A\"}}}");
        }
        return b.append("]}").toString();
    }

    @Test
    void aMessageIsDeletedOnlyWhenEveryRecordSucceededAndEveryRecordIsTried() {
        put("in/a.txt");
        put("in/broken.txt");
        put("in/b.txt");
        follow(Backoff.standard());

        queue.offer(new EventQueueClient.Message("ok", "h-ok", created("in/a.txt")));
        queue.offer(new EventQueueClient.Message("half", "h-half", created("in/broken.txt", "in/b.txt")));

        await().atMost(DEADLINE).until(() -> copied.size() == 2 && stats.snapshot().failed() == 1);
        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().inFlight() == 0);
        assertThat(copied).containsExactlyInAnyOrder("out/a.txt", "out/b.txt");
        assertThat(queue.deleted).containsExactly("ok");
        assertThat(stats.snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("500 InternalError"));
    }

    @Test
    void theVisibilityOfAMessageIsExtendedWhileItsCopyRunsAndNotAfter() {
        put("in/slow.txt");
        follow(Backoff.standard());

        queue.offer(new EventQueueClient.Message("slow", "h-slow", created("in/slow.txt")));

        await().atMost(DEADLINE).until(() -> queue.extended.stream().filter("slow"::equals).count() >= 3);
        assertThat(queue.deleted).isEmpty();
        assertThat(stats.snapshot().events().orElseThrow().inFlight()).isEqualTo(1);
        release.countDown();
        await().atMost(DEADLINE).until(() -> queue.deleted.contains("slow"));
        int extensions = queue.extended.size();
        await().pollDelay(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> true);
        assertThat(queue.extended).hasSize(extensions);
        assertThat(queue.extended).allMatch("slow"::equals);
    }

    @Test
    void aSlowCopyHoldsUpNeitherTheOthersOfItsBatchNorTheNextReceive() {
        for (String k : List.of("slow", "a", "b", "c", "d")) {
            put("in/" + k + ".txt");
        }
        queue.offer(new EventQueueClient.Message("slow", "h-slow", created("in/slow.txt")));
        queue.offer(new EventQueueClient.Message("a", "h-a", created("in/a.txt")));
        queue.offer(new EventQueueClient.Message("b", "h-b", created("in/b.txt")));
        follow(Backoff.standard()); // two threads: the slow copy keeps one

        await().atMost(DEADLINE).until(() -> queue.deleted.containsAll(List.of("a", "b")));
        queue.offer(new EventQueueClient.Message("c", "h-c", created("in/c.txt")));
        queue.offer(new EventQueueClient.Message("d", "h-d", created("in/d.txt")));
        await().atMost(DEADLINE).until(() -> queue.deleted.containsAll(List.of("c", "d")));

        assertThat(queue.deleted).doesNotContain("slow");
        assertThat(copied).containsExactlyInAnyOrder("out/a.txt", "out/b.txt", "out/c.txt", "out/d.txt");
        assertThat(stats.snapshot().events().orElseThrow().inFlight()).isEqualTo(1);
        // never more messages taken than threads free: none waits invisible in memory for a thread
        assertThat(queue.asked).allMatch(n -> n <= 2).contains(1);
        release.countDown();
        await().atMost(DEADLINE).until(() -> queue.deleted.contains("slow"));
        assertThat(copied).contains("out/slow.txt");
    }

    @Test
    void copiesRunAsManyAtOnceAsTheConcurrencySaysBeyondOneBatchOfTen() {
        for (int i = 0; i < 12; i++) {
            put("in/slow" + i + ".txt");
            queue.offer(new EventQueueClient.Message("slow" + i, "h-slow" + i, created("in/slow" + i + ".txt")));
        }
        follow(Backoff.standard(), 12); // a destination far away: each copy waits on it, so more at once go faster

        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().inFlight() == 12);
        assertThat(queue.asked).allMatch(n -> n <= 10); // SQS's largest batch
        release.countDown();
        await().atMost(DEADLINE).until(() -> queue.deleted.size() == 12);
    }

    @Test
    void messagesHandledWhileADeleteIsUnderWayAreDeletedTogetherInOneRequest() {
        queue.deleteGate = new java.util.concurrent.CountDownLatch(1); // the queue is slow to answer deletes
        for (int i = 0; i < 6; i++) {
            put("in/k" + i + ".txt");
            queue.offer(new EventQueueClient.Message("m" + i, "h-m" + i, created("in/k" + i + ".txt")));
        }
        follow(Backoff.standard(), 6);

        // one thread waits on its delete; the other five copies are done meanwhile and wait for theirs
        await().atMost(DEADLINE).until(() -> copied.size() == 6 && queue.deleteCalls.get() == 1
                && stats.snapshot().events().orElseThrow().inFlight() == 1);
        assertThat(queue.deleted).isEmpty();
        queue.deleteGate.countDown();

        await().atMost(DEADLINE).until(() -> queue.deleted.size() == 6);
        assertThat(queue.deleted).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(queue.deleteCalls.get()).isLessThanOrEqualTo(2);
        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().inFlight() == 0);
    }

    @Test
    void closingEndsTheReceivingThreadAndThePoolAndLeavesAnUnfinishedMessageToTheQueue() {
        put("in/slow.txt");
        EventFollower f = follow(Backoff.standard());
        queue.offer(new EventQueueClient.Message("slow", "h-slow", created("in/slow.txt")));
        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().inFlight() == 1);
        assertThat(threadsNamed("events-job-")).isNotEmpty();

        f.close();

        assertThat(f.stopped()).isTrue();
        await().atMost(DEADLINE).until(() -> threadsNamed("events-job-").isEmpty());
        assertThat(queue.deleted).isEmpty();
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    @Test
    void aFolderPlaceholderOrAnotherBucketsEventIsAcknowledgedAndNotCopied() {
        put("in/sub/");
        follow(Backoff.standard());

        queue.offer(new EventQueueClient.Message("folder", "h-1", created("in/sub/")));
        queue.offer(new EventQueueClient.Message("outside", "h-2", created("elsewhere/x.txt")));

        await().atMost(DEADLINE).until(() -> queue.deleted.size() == 2);
        assertThat(copied).isEmpty();
        assertThat(stats.snapshot().events().orElseThrow().skipped()).isEqualTo(2);
    }

    @Test
    void eventsOfAnotherBucketOnTheQueueAreSaidAtInfoOncePerBucket() {
        try (dev.ferry.testing.LogCapture logs = dev.ferry.testing.LogCapture.of(EventApplier.class.getName())) {
            follow(Backoff.standard());

            queue.offer(new EventQueueClient.Message("1", "h-1", createdIn("other", "in/a.txt")));
            queue.offer(new EventQueueClient.Message("2", "h-2", createdIn("other", "in/b.txt")));
            queue.offer(new EventQueueClient.Message("3", "h-3", createdIn("third", "in/c.txt")));

            await().atMost(DEADLINE).until(() -> queue.deleted.size() == 3);
            List<String> info = logs.lines().stream().filter(l -> l.startsWith("INFO ")).toList();
            assertThat(info).hasSize(2);
            assertThat(info).anySatisfy(l -> assertThat(l).contains("events of s3://other/ outside the job's source"));
            assertThat(info).anySatisfy(l -> assertThat(l).contains("events of s3://third/ outside the job's source"));
            assertThat(copied).isEmpty();
            assertThat(stats.snapshot().events().orElseThrow().skipped()).isEqualTo(3);
        }
    }

    @Test
    void aFailingReceiveWaitsItsBackoffEachTimeInsteadOfLooping() {
        queue.failing = true;
        long start = System.nanoTime();
        follow(Backoff.withoutJitter(Duration.ofMillis(100), Duration.ofMillis(100)));

        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().receiveFailures() >= 4);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(queue.receives.get()).isLessThanOrEqualTo(
                (int) (Duration.ofNanos(System.nanoTime() - start).toMillis() / 100) + 1);
    }

    @Test
    void aFailingReceiveIsTheJobsLastErrorClearedWhenItWorksUnlessAnotherErrorCameSince() {
        queue.failing = true;
        follow(Backoff.withoutJitter(Duration.ofMillis(300), Duration.ofMillis(300))); // the window of the steps below

        await().atMost(DEADLINE).until(() -> stats.snapshot().lastError().isPresent());
        assertThat(stats.snapshot().lastError()).hasValue("cannot receive from the queue fake: queue unreachable");
        queue.failing = false;
        await().atMost(DEADLINE).until(() -> stats.snapshot().lastError().isEmpty());

        queue.failing = true;
        await().atMost(DEADLINE).until(() -> stats.snapshot().lastError().isPresent());
        stats.failed("s3://dst/out/x: 500 InternalError"); // another failure, during the receive's backoff
        long failures = stats.snapshot().events().orElseThrow().receiveFailures();
        queue.failing = false;
        await().atMost(DEADLINE).until(() -> queue.receives.get() > failures + 1);
        assertThat(stats.snapshot().lastError()).hasValue("s3://dst/out/x: 500 InternalError");
    }

    @Test
    void theQueuesDepthIsReadForStatusEvenWhileReceivingFails() {
        queue.offer(new EventQueueClient.Message("1", "h-1", created("in/a.txt")));
        queue.offer(new EventQueueClient.Message("2", "h-2", created("in/b.txt")));
        queue.failing = true;

        follow(Backoff.standard());

        await().atMost(DEADLINE).until(() -> stats.snapshot().events().orElseThrow().waiting().isPresent());
        assertThat(stats.snapshot().events().orElseThrow().waiting()).hasValue(2L);
        assertThat(stats.snapshot().events().orElseThrow().receiveFailures()).isPositive();
    }

    @Test
    void aServerThatAnswersAtOnceWithoutWaitingIsNotPolledInAHotLoop() {
        queue.instant = true;
        long start = System.nanoTime();
        follow(Backoff.standard()); // long polls of 50 ms here

        await().atMost(DEADLINE).until(() -> queue.receives.get() >= 5);

        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(elapsed).isGreaterThanOrEqualTo(4 * 50);
        assertThat(queue.receives.get()).isLessThanOrEqualTo((int) (elapsed / 50) + 1);
    }

    @Test
    void onlyANewerSequencerHeldByTheCopyWins() {
        RemoteObject held = new RemoteObject("dst", "out/k", 1, "e", Optional.empty(), Optional.empty(), "STANDARD",
                Map.of(CopyMetadata.SOURCE_SEQUENCER, "0055AED6DCD90281E6"));
        assertThat(EventApplier.newerHeld(event("0055AED6DCD90281E5"), held)).isTrue();
        assertThat(EventApplier.newerHeld(event("0055AED6DCD90281E6"), held)).isFalse(); // a duplicate is copied
        assertThat(EventApplier.newerHeld(event("0055AED6DCD90281E7"), held)).isFalse();
        assertThat(EventApplier.newerHeld(new S3Event(S3Event.Kind.CREATED, "ObjectCreated:Put", "src", "in/k",
                OptionalLong.empty(), Optional.empty(), Optional.empty()), held)).isFalse(); // no sequencer: copied
        RemoteObject fromFullSync = new RemoteObject("dst", "out/k", 1, "e", Optional.empty(), Optional.empty(),
                "STANDARD", Map.of());
        assertThat(EventApplier.newerHeld(event("01"), fromFullSync)).isFalse();
    }

    private static S3Event event(String sequencer) {
        return new S3Event(S3Event.Kind.CREATED, "ObjectCreated:Put", "src", "in/k", OptionalLong.of(1),
                Optional.empty(), Optional.of(sequencer));
    }

    /** A queue of the test's: messages offered are received once; deletions are recorded. */
    static final class FakeQueue implements EventQueueClient {
        final LinkedBlockingQueue<Message> waiting = new LinkedBlockingQueue<>();
        final List<String> deleted = new CopyOnWriteArrayList<>();
        final AtomicInteger deleteCalls = new AtomicInteger();
        /** Holds every delete until counted down (it is counted down unless a test sets another). */
        volatile java.util.concurrent.CountDownLatch deleteGate = new java.util.concurrent.CountDownLatch(0);
        final List<String> extended = new CopyOnWriteArrayList<>();
        final AtomicInteger receives = new AtomicInteger();
        /** The most messages each receive asked for. */
        final List<Integer> asked = new CopyOnWriteArrayList<>();
        volatile boolean failing;
        /** Answers at once, as a server without long polling would. */
        volatile boolean instant;

        void offer(Message m) {
            waiting.add(m);
        }

        @Override
        public List<Message> receive(int max, Duration wait, Duration visibility) {
            receives.incrementAndGet();
            asked.add(max);
            if (failing) {
                throw new QueueException("queue unreachable", null);
            }
            if (instant) {
                return List.of();
            }
            try {
                Message first = waiting.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    return List.of();
                }
                List<Message> batch = new java.util.ArrayList<>(List.of(first));
                waiting.drainTo(batch, max - 1);
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }

        @Override
        public Map<String, String> delete(List<Message> messages) {
            deleteCalls.incrementAndGet();
            try {
                deleteGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            messages.forEach(m -> deleted.add(m.id()));
            return Map.of();
        }

        @Override
        public void extend(Message message, Duration visibility) {
            extended.add(message.id());
        }

        @Override
        public long waiting() {
            return waiting.size();
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }
}
