package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FaultPlan.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosResultTest {
    private final Traffic traffic = new Traffic();

    private S3Request put(String target) {
        return S3Request.parse("PUT /" + target + " HTTP/1.1\r\nContent-Length: 1\r\n\r\n");
    }

    /** A PUT of {@code target} that the server stored, with these faults noted on it. */
    private void storedPut(String target, Fault... faults) {
        S3Request request = put(target);
        int nth = traffic.count(request);
        for (Fault f : faults) {
            traffic.injected(request, nth, f);
        }
        traffic.stored(request);
    }

    private ChaosResult result(Map<String, Integer> writes) {
        return new ChaosResult(null, Map.of(), writes, traffic, Duration.ZERO, Duration.ZERO, List.of(), null);
    }

    @Test
    void oneStorePerWriteNeedsNoExplanation() {
        storedPut("b/k");
        storedPut("b/k");
        assertThat(result(Map.of("b/k", 2)).unexplained()).isEmpty();
        assertThat(result(Map.of("b/k", 1)).unexplained()).containsOnlyKeys("b/k");
    }

    @Test
    void aStoreMoreIsExplainedOnlyByAnAnswerTheDaemonDidNotGet() {
        storedPut("b/lost", Fault.LOST_RESPONSE);
        storedPut("b/lost");
        storedPut("b/gone", Fault.CLIENT_GONE);
        storedPut("b/gone");
        storedPut("b/killed", Fault.CLIENT_KILLED);
        storedPut("b/killed");
        storedPut("b/latency", Fault.LATENCY);
        storedPut("b/latency");
        ChaosResult r = result(Map.of("b/lost", 1, "b/gone", 1, "b/killed", 1, "b/latency", 1));
        assertThat(r.unexplained()).containsOnlyKeys("b/latency");
        assertThat(r.extraStoresByCause()).containsEntry("LOST_RESPONSE", 1).containsEntry("CLIENT_GONE", 1)
                .containsEntry("CLIENT_KILLED", 1).containsEntry("unexplained", 1);
    }

    @Test
    void oneRequestWithTwoFaultsExplainsOneStore() {
        storedPut("b/k", Fault.LOST_RESPONSE, Fault.CLIENT_KILLED);
        storedPut("b/k");
        storedPut("b/k");
        assertThat(result(Map.of("b/k", 1)).allowance("b/k")).isEqualTo(1);
        assertThat(result(Map.of("b/k", 1)).unexplained()).containsOnlyKeys("b/k");
    }

    @Test
    void faultsOnReadsExplainNoStore() {
        S3Request head = S3Request.parse("HEAD /b/k HTTP/1.1\r\n\r\n");
        traffic.injected(head, traffic.count(head), Fault.LOST_RESPONSE);
        storedPut("b/k");
        storedPut("b/k");
        assertThat(result(Map.of("b/k", 1)).unexplained()).containsOnlyKeys("b/k");
    }
}
