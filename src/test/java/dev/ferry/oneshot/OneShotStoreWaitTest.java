package dev.ferry.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.StateStoreException;
import dev.ferry.queue.Backoff;
import dev.ferry.sweep.Reconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A one-shot run's sweeps wait five times 1 s for an unreachable state store, then give up: the run must end. */
class OneShotStoreWaitTest {
    private static final StateStoreException DOWN = new StateStoreException("down");

    private final List<Duration> slept = new ArrayList<>();
    private final Backoff.Sleeper recording = delay -> {
        slept.add(delay);
        return true;
    };

    @Test
    void aOneShotRunWaitsFiveTimesOneSecondThenGivesUp() throws Exception {
        Reconciler.StoreWait wait = OneShot.storeWait(recording);
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(wait.await(attempt, DOWN)).as("attempt %d", attempt).isTrue();
        }
        assertThat(wait.await(6, DOWN)).isFalse();
        assertThat(slept).hasSize(5).containsOnly(Duration.ofSeconds(1));
    }
}
