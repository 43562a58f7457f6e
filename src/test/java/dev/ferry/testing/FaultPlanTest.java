package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.FaultPlan.Fault;
import dev.ferry.testing.S3Request.Operation;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
    private static final FaultPlan CHAOS = FaultPlan.seeded(7).withErrors(0.05, 0.05).withResets(0.03)
            .withLostResponses(0.02).withLatency(0.05, Duration.ofMillis(100));

    @Test
    void theSameRequestMeetsTheSameFaultWhateverTheOrderOfOthers() {
        for (int n = 0; n < 50; n++) {
            assertThat(CHAOS.choose(Operation.PUT_OBJECT, "b/k" + n, 3))
                    .isEqualTo(FaultPlan.seeded(7).withErrors(0.05, 0.05).withResets(0.03).withLostResponses(0.02)
                            .withLatency(0.05, Duration.ofMillis(100)).choose(Operation.PUT_OBJECT, "b/k" + n, 3));
        }
    }

    @Test
    void sharesAreMetOverManyRequests() {
        Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
        int total = 100_000;
        for (int i = 0; i < total; i++) {
            seen.merge(CHAOS.choose(Operation.PUT_OBJECT, "bucket/key-" + (i % 1000), i / 1000), 1, Integer::sum);
        }
        assertThat(seen.get(Fault.ERROR_500) / (double) total).isBetween(0.045, 0.055);
        assertThat(seen.get(Fault.SLOW_DOWN_503) / (double) total).isBetween(0.045, 0.055);
        assertThat(seen.get(Fault.RESET_MID_BODY) / (double) total).isBetween(0.026, 0.034);
        assertThat(seen.get(Fault.LOST_RESPONSE) / (double) total).isBetween(0.016, 0.024);
        assertThat(seen.get(Fault.LATENCY) / (double) total).isBetween(0.045, 0.055);
        assertThat(seen.get(Fault.NONE) / (double) total).isBetween(0.78, 0.82);
    }

    @Test
    void anotherSeedChoosesOtherRequests() {
        FaultPlan other = FaultPlan.seeded(8).withErrors(0.05, 0.05).withResets(0.03).withLostResponses(0.02)
                .withLatency(0.05, Duration.ofMillis(100));
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            if (CHAOS.choose(Operation.PUT_OBJECT, "b/k" + i, 0) != other.choose(Operation.PUT_OBJECT, "b/k" + i, 0)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(100);
    }

    @Test
    void operationsLeftOutAlwaysPass() {
        FaultPlan onlyPuts = FaultPlan.seeded(1).withErrors(1, 0).onlyFor(Set.of(Operation.PUT_OBJECT));
        assertThat(onlyPuts.choose(Operation.PUT_OBJECT, "b/k", 0)).isEqualTo(Fault.ERROR_500);
        assertThat(onlyPuts.choose(Operation.HEAD_OBJECT, "b/k", 0)).isEqualTo(Fault.NONE);
        assertThat(FaultPlan.NONE.choose(Operation.PUT_OBJECT, "b/k", 0)).isEqualTo(Fault.NONE);
    }

    @Test
    void sharesBeyondOneAreRefused() {
        assertThatThrownBy(() -> FaultPlan.seeded(1).withErrors(0.6, 0.6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1");
    }
}
