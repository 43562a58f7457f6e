package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.StateStoreException;
import dev.ferry.queue.Backoff;
import dev.ferry.sweep.Reconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How sweeps wait for an unreachable state store, checked against a sleeper that records the delays instead
 * of waiting: the daemon's 1 s doubling to 30 s for as long as it takes (a one-shot run's: OneShotStoreWaitTest).
 */
class StoreWaitTest {
    private static final StateStoreException DOWN = new StateStoreException("down");

    private final List<Duration> slept = new ArrayList<>();
    private final Backoff.Sleeper recording = delay -> {
        slept.add(delay);
        return true;
    };

    @Test
    void theDaemonWaitsOneSecondDoublingToThirtyForAsLongAsItTakes() throws Exception {
        Reconciler.StoreWait wait = Reconciler.StoreWait.backoff(Daemon.STORE_BACKOFF, Integer.MAX_VALUE, recording);
        for (int attempt = 1; attempt <= 8; attempt++) {
            assertThat(wait.await(attempt, DOWN)).isTrue();
        }
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        assertThat(wait.await(1000, DOWN)).isTrue();
    }

    @Test
    void theDaemonStopsWaitingWhenItIsStopping() throws Exception {
        Reconciler.StoreWait wait = Reconciler.StoreWait.backoff(Daemon.STORE_BACKOFF, Integer.MAX_VALUE, delay -> false);
        assertThat(wait.await(1, DOWN)).isFalse();
    }
}
