package dev.ferry.state;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StateWriter#offerIfIdle}: the writes a later sweep repeats (ctime and inode filled into older
 * records) never take the room of the records that matter, and wait for a store that is away.
 */
class StateWriterIdleTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final FakeStateStore store = new FakeStateStore();
    private StateWriter writer;

    @AfterEach
    void stop() {
        store.open();
        if (writer != null) {
            writer.close();
        }
    }

    @Test
    void skipsOnceATenthOfTheCapacityIsPendingAndWhileTheStoreIsAway() throws Exception {
        writer = StateWriter.start(store, new StateWriter.Settings(20, 100, Duration.ofMillis(20),
                Duration.ofMillis(80)), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(writer.offerIfIdle(rec("/a"))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.data.containsKey("/a"));

        store.hold();
        writer.offer(rec("/held"));
        assertThat(store.entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        writer.offer(rec("/b"));
        writer.offer(rec("/c"));
        assertThat(writer.offerIfIdle(rec("/d"))).as("2 of 20 pending").isFalse();
        store.open();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pendingWrites() == 0);

        store.failing = true;
        writer.offer(rec("/e"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !writer.reachable());
        assertThat(writer.offerIfIdle(rec("/f"))).as("store away").isFalse();
        store.failing = false;
        await().atMost(Duration.ofSeconds(10)).until(writer::reachable);
        assertThat(store.data).containsKeys("/a", "/b", "/c", "/e").doesNotContainKeys("/d", "/f");
    }

    private static FileRecord rec(String path) {
        return new FileRecord(TestIds.SOURCE, path, "b", path.substring(1), FileStatus.UPLOADED, 1, 1, 5, 6, "", "", 0, "", false,
                NOW, NOW, Optional.of(NOW));
    }
}
