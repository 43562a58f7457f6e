package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * After an S3 outage, uploads resume within seconds of S3 answering again, whatever the outage's length: the
 * files wait for the endpoint (one prober asks it), not each in its own grown backoff. Times are measured from
 * the moment the server answers again.
 */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class EndpointRecoveryIT extends DaemonTestBase {
    private static final int FILES = 10;
    /** The promise: 5 s after S3 answers, plus the settle time; the rest is slack for a loaded machine. */
    private static final Duration RESUMED_WITHIN = Duration.ofSeconds(7);

    @Test
    void uploadsResumeWithinSecondsOfS3ReturningAfterAShortAndALongerOutage() throws Exception {
        ferry = FerryProcess.start("recovery", FerryProcess.baseEnv(watch, state, s3));
        write("photos/before.jpg", "before the outages");
        awaitObject("photos", "before.jpg", "before the outages");

        for (int outage : new int[] {12, 25}) {
            s3.stop();
            long stopped = System.nanoTime();
            for (int i = 0; i < FILES; i++) {
                write("photos/" + outage + "/" + i + ".jpg", "written during the " + outage + " s outage " + i);
            }
            await("the endpoint reported unreachable").atMost(DEADLINE).until(() -> !unreachable().isNull());
            // the outage lasts its length, and /status says so all along
            Duration rest = Duration.ofSeconds(outage).minusNanos(System.nanoTime() - stopped);
            await().during(rest).atMost(rest.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !unreachable().isNull());
            JsonNode down = unreachable();
            assertThat(down.path("endpoint").asText()).isEqualTo(s3.endpoint().toString());
            assertThat(down.path("probes").asInt()).as("failed probes are counted").isGreaterThan(3);
            assertThat(ferry.status().path("buckets").path("photos").path("failed").asLong()).isPositive();

            s3.restart();
            long back = System.nanoTime();
            for (int i = 0; i < FILES; i++) {
                awaitStored("photos", outage + "/" + i + ".jpg", "written during the " + outage + " s outage " + i);
            }
            Duration drained = Duration.ofNanos(System.nanoTime() - back);
            for (int i = 0; i < FILES; i++) {
                awaitObject("photos", outage + "/" + i + ".jpg", "written during the " + outage + " s outage " + i);
            }
            System.out.printf("after a %d s outage, the files arrived %d ms after S3 answered again%n", outage,
                    drained.toMillis());

            assertThat(drained).as("time to drain after a %d s outage", outage).isLessThan(RESUMED_WITHIN);
            await().atMost(DEADLINE).until(() -> unreachable().isNull()
                    && ferry.status().path("buckets").path("photos").path("failed").asLong() == 0);
        }

        String log = ferry.log();
        assertThat(count(log, "endpoint unreachable;")).as("one WARN per outage, not a line per file").isEqualTo(2);
        assertThat(count(log, "endpoint reachable again after")).isEqualTo(2);
        assertThat(log).doesNotContain("retrying in 0 s");
    }

    @Test
    void duringABlackHoleTheWorkersStopRetryingAndTheFilesGoOnceItAnswers() throws Exception {
        AtomicBoolean blackHole = new AtomicBoolean();
        CountDownLatch ends = new CountDownLatch(1);
        try (CountingProxy proxy = CountingProxy.start(s3.port())) {
            proxy.beforeForwarding(head -> {
                if (blackHole.get()) {
                    try {
                        ends.await(2, TimeUnit.MINUTES); // accepted, read, never answered while it lasts
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            env.put("TIMEOUT", "2s");
            ferry = FerryProcess.start("black-hole", env);
            write("photos/before.jpg", "before the black hole");
            awaitObject("photos", "before.jpg", "before the black hole");

            blackHole.set(true);
            for (int i = 0; i < 20; i++) {
                write("photos/hole/" + i + ".jpg", "written during the black hole " + i);
            }
            await("the endpoint reported unreachable").atMost(DEADLINE).until(() -> !unreachable().isNull()
                    && ferry.status().path("buckets").path("photos").path("inFlight").asInt() == 0);
            int before = proxy.requestHeads().size();
            await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                    .until(() -> !unreachable().isNull());
            int during = proxy.requestHeads().size() - before;
            System.out.printf("requests in 12 s of black hole: %d%n", during);
            // 5 workers with a 2 s timeout would send about 30; a probe every few seconds sends a handful
            assertThat(during).as("requests in 12 s of black hole").isBetween(1, 6);
            assertThat(unreachable().path("probes").asInt()).isPositive();
            assertThat(unreachable().path("reason").asText()).contains("timed out");

            blackHole.set(false);
            ends.countDown();
            long back = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                awaitStored("photos", "hole/" + i + ".jpg", "written during the black hole " + i);
            }
            Duration drained = Duration.ofNanos(System.nanoTime() - back);
            System.out.printf("after the black hole, the files arrived %d ms after it answered again%n",
                    drained.toMillis());
            // a probe caught in the hole answers when it ends, else the next one (at most 4 s apart) does
            assertThat(drained).isLessThan(RESUMED_WITHIN.plusSeconds(3));
        }
    }

    /**
     * Waits until S3Proxy's filesystem backend holds the object with this content: read from its disk, so the
     * time measured is the daemon's, not that of the test's own requests.
     */
    private void awaitStored(String bucket, String key, String content) {
        Path stored = s3.dataDir().resolve(bucket).resolve(key);
        await(bucket + "/" + key + " stored").atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> {
            try {
                return Files.readString(stored, StandardCharsets.UTF_8).equals(content);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private JsonNode unreachable() {
        return ferry.status().path("buckets").path("photos").path("unreachable");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
