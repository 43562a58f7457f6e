package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootMonitorTest {
    private static final Path ROOT = Path.of("/srv/photos");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-05-06T07:00:00Z"));
    private final AtomicReference<RootMonitor.Identity> current =
            new AtomicReference<>(RootMonitor.Identity.of("inode 1"));
    private final List<Path> reads = new ArrayList<>();
    private final RootMonitor monitor = new RootMonitor(ROOT, clock, Duration.ofSeconds(1), root -> {
        reads.add(root);
        return current.get();
    });

    @Test
    void theSameFolderIsNoChangeAndIsReadAtMostOncePerInterval() {
        assertThat(monitor.check()).isEmpty();
        assertThat(monitor.check()).isEmpty();
        clock.advance(Duration.ofMillis(999));
        assertThat(monitor.check()).isEmpty();
        assertThat(reads).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(monitor.check()).isEmpty();
        assertThat(reads).containsExactly(ROOT, ROOT);
    }

    @Test
    void anotherDirectoryUnderTheNameIsAReplacementReportedOnce() {
        monitor.check();
        current.set(RootMonitor.Identity.of("inode 2"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.check()).contains(new RootMonitor.Replaced());
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.check()).isEmpty();
        assertThat(monitor.missing()).isFalse();
    }

    @Test
    void aMissingFolderIsReportedOnceWithItsReasonAndItsReturnWithHowLongItWasAway() {
        monitor.check();
        current.set(RootMonitor.Identity.missing("it does not exist"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.check()).contains(new RootMonitor.Missing("it does not exist"));
        assertThat(monitor.missing()).isTrue();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(monitor.check()).isEmpty();
        }
        // back as the same directory (a disk mounted again) or as a new one: watched again either way
        current.set(RootMonitor.Identity.of("inode 1"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(monitor.check()).contains(new RootMonitor.Back(Duration.ofSeconds(60)));
        assertThat(monitor.missing()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.check()).isEmpty();
    }

    @Test
    void checkNowDoesNotWaitForTheInterval() {
        monitor.check();
        current.set(RootMonitor.Identity.missing("it does not exist"));
        assertThat(monitor.check()).isEmpty();
        assertThat(monitor.checkNow()).contains(new RootMonitor.Missing("it does not exist"));
    }

    @Test
    void identityIsTheDirectorysFileKeyAndChangesWhenTheDirectoryIsReplaced(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root"));
        RootMonitor.Identity first = RootMonitor.identityOf(root);
        assertThat(first.key()).isPresent();
        assertThat(RootMonitor.identityOf(root)).isEqualTo(first);

        Files.move(root, tmp.resolve("old"));
        assertThat(RootMonitor.identityOf(root).key()).isEmpty();
        assertThat(RootMonitor.identityOf(root).problem()).isEqualTo("it does not exist");
        Files.createDirectory(root);
        assertThat(RootMonitor.identityOf(root).key()).isPresent().isNotEqualTo(first.key());

        Files.delete(root);
        Files.writeString(root, "a file under the folder's name");
        assertThat(RootMonitor.identityOf(root).problem()).isEqualTo("it is not a directory any more");
    }
}
