package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus.Unreachable;
import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.queue.Backoff;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The holding of event messages while an endpoint is away, on a manual clock: a pause moves the clock by the time it
 * would wait, so each test runs the outage's whole timeline on its own thread without waiting.
 */
class OutagesTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Outages outages = new Outages("photos", clock, Backoff.withoutJitter(Duration.ofSeconds(1),
            Duration.ofSeconds(8)), Duration.ofMinutes(1), (over, delay) -> clock.advance(delay));

    /** An endpoint that is away until {@code away} is false, noting when it was probed. */
    private static final class Fake {
        final AtomicBoolean away = new AtomicBoolean(true);
        final List<Instant> probes = new ArrayList<>();
        final Outages.Endpoint endpoint;

        Fake(String role, String url, ManualClock clock) {
            endpoint = new Outages.Endpoint(role, url, () -> {
                probes.add(clock.instant());
                if (away.get()) {
                    throw new TransferException(FailureKind.UNREACHABLE, "http://127.0.0.1:9: network error: "
                            + "Connection refused");
                }
            });
        }
    }

    @Test
    void holdsUntilAProbeAnswersWithBackoffAndSaysSoOnceEachWay() throws Exception {
        Fake dst = new Fake("destination", "s3://dst/out/", clock);
        Instant start = clock.instant();
        List<Optional<Unreachable>> seen = new ArrayList<>();
        List<Boolean> holding = new ArrayList<>();
        Outages.Endpoint watched = new Outages.Endpoint("destination", "s3://dst/out/", () -> {
            seen.add(outages.status());
            holding.add(outages.holding());
            if (dst.probes.size() == 4) {
                dst.away.set(false); // the fifth question gets an answer
            }
            dst.endpoint.probe().run();
        });
        try (LogCapture logs = LogCapture.of(Outages.class.getName())) {
            Outages.Verdict v = outages.hold("m1", List.of(watched), "s3://dst/out/a.txt: network error");

            assertThat(v).isEqualTo(Outages.Verdict.RETRY);
            // the question that found it away, then probes 1, 2, 4, 8 s apart (the backoff), the last answers
            assertThat(dst.probes).containsExactly(start, start.plusSeconds(1), start.plusSeconds(3),
                    start.plusSeconds(7), start.plusSeconds(15));
            assertThat(holding.subList(1, holding.size())).containsOnly(true);
            assertThat(seen.get(2)).get().satisfies(u -> {
                assertThat(u.endpoint()).isEqualTo("destination s3://dst/out/");
                assertThat(u.since()).isEqualTo(start);
                assertThat(u.probes()).isEqualTo(1);
            });
            assertThat(outages.holding()).isFalse();
            assertThat(outages.status()).isEmpty();
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN")))
                    .singleElement().asString().contains("events wait: destination s3://dst/out/ unreachable",
                            "Connection refused", "1 message held");
            assertThat(logs.lines().stream().filter(l -> l.startsWith("INFO")))
                    .singleElement().asString().contains("destination s3://dst/out/ answers again after 15 s");
            assertThat(logs.lines()).noneMatch(l -> l.startsWith("ERROR"));
        }
    }

    @Test
    void aFailureWhoseEndpointsAllAnswerHoldsNothing() throws Exception {
        Fake dst = new Fake("destination", "s3://dst/out/", clock);
        Fake src = new Fake("source", "s3://src/in/", clock);
        dst.away.set(false);
        src.away.set(false);

        assertThat(outages.hold("m1", List.of(dst.endpoint, src.endpoint), "x: timed out"))
                .isEqualTo(Outages.Verdict.RELEASE);
        assertThat(dst.probes).hasSize(1);
        assertThat(src.probes).hasSize(1);
        assertThat(outages.status()).isEmpty();
    }

    @Test
    void theEndpointThatDoesNotAnswerIsTheOneWaitedFor() throws Exception {
        Fake dst = new Fake("destination", "s3://dst/out/", clock);
        Fake src = new Fake("source", "s3://src/in/", clock);
        dst.away.set(false);
        Outages.Endpoint source = new Outages.Endpoint("source", "s3://src/in/", () -> {
            if (src.probes.size() == 2) {
                src.away.set(false); // the third question gets an answer
            }
            src.endpoint.probe().run();
        });

        assertThat(outages.hold("m1", List.of(dst.endpoint, source), "x: network error"))
                .isEqualTo(Outages.Verdict.RETRY);
        assertThat(dst.probes).hasSize(1); // only to learn which one is away
        assertThat(src.probes).hasSize(3);
    }

    @Test
    void anEndpointAwayPastTheLimitReleasesItsMessagesWithAnErrorAndHoldsNoMoreUntilItAnswers() throws Exception {
        Fake dst = new Fake("destination", "s3://dst/out/", clock);
        Instant start = clock.instant();
        try (LogCapture logs = LogCapture.of(Outages.class.getName())) {
            assertThat(outages.hold("m1", List.of(dst.endpoint), "x: network error"))
                    .isEqualTo(Outages.Verdict.RELEASE);
            assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofMinutes(1)));
            assertThat(logs.lines().stream().filter(l -> l.startsWith("ERROR"))).singleElement().asString()
                    .contains("events waited 60 s", "destination s3://dst/out/", "1 held message released",
                            "dead-letter queue", "fullsync.interval");
            assertThat(outages.holding()).isFalse();
            assertThat(outages.status()).get().extracting(Unreachable::reason).asString()
                    .contains("messages no longer held");

            // still away: the next failure is left to the queue at once
            int asked = dst.probes.size();
            assertThat(outages.hold("m2", List.of(dst.endpoint), "x: network error"))
                    .isEqualTo(Outages.Verdict.RELEASE);
            assertThat(dst.probes).hasSize(asked + 1);
            assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofMinutes(1)));

            // back: the outage is over, and the next one is held again
            dst.away.set(false);
            assertThat(outages.hold("m3", List.of(dst.endpoint), "x: network error"))
                    .isEqualTo(Outages.Verdict.RELEASE);
            assertThat(outages.status()).isEmpty();
            assertThat(logs.lines().stream().filter(l -> l.startsWith("INFO"))).singleElement().asString()
                    .contains("answers again");
            assertThat(logs.lines().stream().filter(l -> l.startsWith("ERROR"))).hasSize(1);
        }
    }

    @Test
    void closingReleasesHeldMessages() throws Exception {
        Fake dst = new Fake("destination", "s3://dst/out/", clock);
        Outages.Endpoint closing = new Outages.Endpoint("destination", "s3://dst/out/", () -> {
            if (!dst.probes.isEmpty()) {
                outages.close();
            }
            dst.endpoint.probe().run();
        });

        assertThat(outages.hold("m1", List.of(closing), "x: network error")).isEqualTo(Outages.Verdict.RELEASE);
        assertThat(dst.probes).hasSize(2);
    }
}
