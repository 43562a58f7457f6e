package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus.Unreachable;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ItemRef;
import dev.ferry.core.TransferException;
import dev.ferry.queue.Backoff;
import dev.ferry.queue.BucketQueue;
import dev.ferry.queue.Task;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The endpoint state machine with a clock and a timer the test moves by hand. */
class EndpointHealthTest {
    private static final Instant START = Instant.parse("2026-12-04T12:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    /** Jitter 0.5: each probe delay is three quarters of 1 s, 2 s, 4 s, 4 s... */
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), () -> 0.5);
    private final List<Scheduled> timer = new ArrayList<>();
    private final EndpointHealth endpoint = new EndpointHealth("http://s3.test:9000", clock, backoff,
            (delay, task) -> timer.add(new Scheduled(delay, task)));
    private final BucketQueue photos = new BucketQueue("photos", 100, clock);
    private final BucketQueue videos = new BucketQueue("videos", 100, clock);

    private record Scheduled(Duration delay, Runnable task) {
    }

    private final AtomicInteger asked = new AtomicInteger();
    private volatile boolean answers;

    private void probe() {
        asked.incrementAndGet();
        if (!answers) {
            throw new TransferException(FailureKind.UNREACHABLE, "http://s3.test:9000: probe: network error: refused");
        }
    }

    /** Waits out the next scheduled probe and runs it. */
    private void runNextProbe() {
        assertThat(timer).as("a probe is scheduled").isNotEmpty();
        Scheduled next = timer.remove(0);
        clock.advance(next.delay());
        next.task().run();
    }

    @Test
    void theFirstReportHoldsEveryLaneOfTheEndpointAndSchedulesOneProbe() {
        endpoint.join(photos);
        endpoint.join(videos);
        photos.offer("a.jpg", ref("/w/photos/a.jpg"), START);

        assertThat(endpoint.unreachable(START, "photos/a.jpg: upload failed: network error", this::probe)).isTrue();
        assertThat(endpoint.unreachable(START, "videos/b.mp4: upload failed: network error", this::probe))
                .as("the outage is known already").isFalse();

        assertThat(photos.held()).isTrue();
        assertThat(videos.held()).isTrue();
        assertThat(photos.poll()).as("held work is not handed out").isEmpty();
        assertThat(timer).singleElement().extracting(Scheduled::delay).isEqualTo(Duration.ofMillis(750));
        assertThat(endpoint.status()).hasValueSatisfying(u -> {
            assertThat(u.since()).isEqualTo(START);
            assertThat(u.probes()).isZero();
            assertThat(u.lastProbe()).isEmpty();
            assertThat(u.nextProbe()).isEqualTo(START.plusMillis(750));
            assertThat(u.reason()).contains("network error");
        });
    }

    @Test
    void probesBackOffToTheCapAndTheFirstAnswerReleasesTheWorkWithItsAttemptsUntouched() {
        endpoint.join(photos);
        photos.offer("a.jpg", ref("/w/photos/a.jpg"), START);
        Task taken = photos.poll().orElseThrow();
        endpoint.unreachable(START, "photos/a.jpg: upload failed: network error", this::probe);
        photos.retry(taken, clock.instant(), false);

        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            delays.add(timer.get(0).delay());
            runNextProbe();
        }
        assertThat(delays).extracting(Duration::toMillis).containsExactly(750L, 1500L, 3000L, 3000L, 3000L, 3000L);
        Unreachable during = endpoint.status().orElseThrow();
        assertThat(during.probes()).as("the failures are counted, not 'attempt 1' for ever").isEqualTo(6);
        assertThat(during.lastProbe()).contains(clock.instant());
        assertThat(during.nextProbe()).isEqualTo(clock.instant().plusMillis(3000));
        assertThat(during.reason()).contains("refused");
        assertThat(photos.poll()).isEmpty();

        answers = true;
        runNextProbe();

        assertThat(asked.get()).isEqualTo(7);
        assertThat(endpoint.status()).isEmpty();
        assertThat(photos.held()).isFalse();
        assertThat(photos.poll()).as("due at once, whatever the outage's length")
                .hasValueSatisfying(t -> assertThat(t.attempts()).as("not punished by the outage").isZero());
        assertThat(timer).as("no probe while the endpoint answers").isEmpty();
    }

    @Test
    void aReportAboutAnAttemptStartedBeforeTheEndpointCameBackChangesNothing() {
        endpoint.join(photos);
        Instant started = clock.instant();
        endpoint.unreachable(started, "network error", this::probe);
        answers = true;
        runNextProbe();

        assertThat(endpoint.unreachable(started, "network error (a slow attempt of the old outage)", this::probe))
                .isFalse();
        assertThat(photos.held()).isFalse();
        assertThat(timer).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        assertThat(endpoint.unreachable(clock.instant(), "network error", this::probe)).as("a new outage").isTrue();
        assertThat(timer).singleElement().extracting(Scheduled::delay).as("backoff starts again")
                .isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void anOutageSoonAfterTheLastContinuesItsProbeBackoff() {
        endpoint.join(photos);
        endpoint.unreachable(clock.instant(), "server busy (HTTP 503 SlowDown)", this::probe);
        runNextProbe();
        answers = true;
        runNextProbe();

        clock.advance(Duration.ofSeconds(2));
        endpoint.unreachable(clock.instant(), "server busy (HTTP 503 SlowDown)", this::probe);

        assertThat(timer).singleElement().extracting(Scheduled::delay).isEqualTo(Duration.ofMillis(3000));
    }

    @Test
    void aLaneThatJoinsDuringAnOutageIsHeldAndReleasedWithTheOthers() {
        endpoint.join(photos);
        endpoint.unreachable(clock.instant(), "network error", this::probe);

        endpoint.join(videos);
        assertThat(videos.held()).isTrue();

        answers = true;
        runNextProbe();
        assertThat(videos.held()).isFalse();
        assertThat(photos.held()).isFalse();
    }

    @Test
    void anOperatorsResumeDoesNotReleaseAHeldQueue() {
        endpoint.join(photos);
        photos.offer("a.jpg", ref("/w/photos/a.jpg"), START);
        endpoint.unreachable(clock.instant(), "network error", this::probe);

        photos.pause();
        photos.resume();

        assertThat(photos.poll()).isEmpty();
    }


    private static ItemRef ref(String path) {
        return new ItemRef("test", path);
    }
}
