package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.ChaosResult;
import dev.ferry.testing.ChaosRun;
import dev.ferry.testing.ChaosSettings;
import dev.ferry.testing.FaultPlan;
import dev.ferry.testing.FaultPlan.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing stored twice for no reason, under everything at once: files arrive for a minute in three
 * bucket folders while 10% of requests get a 5xx, 3% a reset in the body and 2% lose their response after S3 acted;
 * meanwhile two kill -9 at seeded moments (restarts on the same state), an S3 outage and a black hole of 8 s, and a
 * 15 s state store outage. Then every file must be in S3 with its last content, each key stored no more often than lost
 * answers explain (see {@link ChaosResult}), and the daemon alive with a clean /status. The seed is
 * {@code -Dchaos.seed=N} (default 15); a failure names it.
 */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class ChaosIT {
    private static final long SEED = Long.getLong("chaos.seed", 15);

    @TempDir
    Path tmp;

    static ChaosSettings settings(long seed) {
        FaultPlan faults = FaultPlan.seeded(seed).withErrors(0.05, 0.05).withResets(0.03).withLostResponses(0.02)
                .withLatency(0.05, Duration.ofMillis(300));
        return new ChaosSettings(seed, List.of("chaos-a", "chaos-b", "chaos-c"), Duration.ofSeconds(60), 1.0, 0.1,
                // the store outage outlasts two of SQLite's 5 s busy waits: a shorter lock is absorbed by them, unseen
                faults, Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofMinutes(4));
    }

    @Test
    void everyFileArrivesOnceEnoughThroughFaultsKillsAndOutages() throws Exception {
        try (ChaosRun run = new ChaosRun(settings(SEED), tmp)) {
            ChaosResult result;
            try {
                result = run.run();
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("seed " + SEED + ": not drained; missing or wrong in S3: " + run.missing()
                        + "\n" + e.getMessage() + "\n" + tail(run.logs()), e);
            }
            String context = "seed " + SEED + ", timeline:\n" + String.join("\n", result.timeline());
            System.out.println(context + "\nextra stores by cause: " + result.extraStoresByCause() + "\nfaults: "
                    + result.injected() + "\nfiles " + result.files() + ", writes " + result.fileWrites() + ", PUTs "
                    + result.putRequests() + ", stores " + result.stores());

            assertThat(run.missing()).as(context).isEmpty();
            assertThat(result.unexplained()).as("keys stored more often than their writes and lost answers explain; "
                    + context).isEmpty();
            assertThat(result.injected()).as("every kind of fault happened; " + context)
                    .allSatisfy((fault, n) -> {
                        // the plan's own faults; the others come from the run (a kill, a timeout) or a test's refusal
                        if (fault != Fault.CLIENT_GONE && fault != Fault.CLIENT_KILLED
                                && fault != Fault.ACCESS_DENIED_403) {
                            assertThat(n).as(fault.name()).isPositive();
                        }
                    });

            assertThat(result.ferry().alive()).as("daemon alive").isTrue();
            JsonNode status = result.ferry().status();
            assertThat(status.path("store").path("reachable").asBoolean()).as("store reachable: " + status).isTrue();
            assertThat(status.path("store").path("pendingWrites").asInt()).as("pending writes: " + status).isZero();
            assertThat(status.path("ready").asBoolean()).as("ready: " + status).isTrue();
            for (String bucket : result.settings().buckets()) {
                JsonNode b = status.path("buckets").path(bucket);
                assertThat(b.path("queued").asInt() + b.path("inFlight").asInt()).as(bucket + " busy: " + b).isZero();
                assertThat(b.path("failed").asInt()).as(bucket + " failing: " + b).isZero();
            }
        }
    }

    private static String tail(String log) {
        return log.length() <= 20_000 ? log : log.substring(log.length() - 20_000);
    }
}
