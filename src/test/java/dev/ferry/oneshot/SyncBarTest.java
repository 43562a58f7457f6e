package dev.ferry.oneshot;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOutcome;
import dev.ferry.source.local.LocalSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The progress bar of a one-shot sync, drawn on a buffer in place of a terminal. */
class SyncBarTest {
    private static final String WIPE = "\r\u001b[2K";
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final PrintStream terminal = new PrintStream(screen, true, StandardCharsets.UTF_8);

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLastLineShowsTheTrueTotalsOfFilesAndBytes() {
        SyncProgress progress = new SyncProgress();
        AtomicInteger backlog = new AtomicInteger();
        Path big = Path.of("/w/big.bin");
        Path small = Path.of("/w/small.txt");
        progress.queued(big, true, 30_000_000);
        progress.queued(small, true, 2);
        backlog.set(2);
        ProgressLine line = new ProgressLine(terminal, 120);
        try (SyncBar bar = SyncBar.on(line, progress, backlog::get)) {
            bar.update();
            progress.onOutcome("b", "small.txt", LocalSource.ref(TestIds.SOURCE, small), uploaded(2), Duration.ZERO);
            progress.onOutcome("b", "big.bin", LocalSource.ref(TestIds.SOURCE, big), uploaded(30_000_000), Duration.ZERO);
            backlog.set(0);
            bar.done();
        }
        List<String> drawn = List.of(screen().split("\r\u001b\\[2K"));
        String last = drawn.get(drawn.size() - 1).strip();
        assertThat(last).contains("100%").contains("28/28 MiB").contains("MiB/s").contains("2/2 files")
                .doesNotContain("0.0 MiB ");
        assertThat(screen()).endsWith("\n");
    }

    @Test
    void aLogLineIsPrintedAboveTheBarWhichIsDrawnAgainBelowIt() throws Exception {
        ProgressLine line = new ProgressLine(terminal, 80);
        line.accept("sync 50% [===   ]");
        line.logs().write("2026-12-05 INFO uploaded a.txt\n".getBytes(StandardCharsets.UTF_8));
        line.close();

        assertThat(screen()).isEqualTo(WIPE + "sync 50% [===   ]" + WIPE + "2026-12-05 INFO uploaded a.txt\n"
                + "sync 50% [===   ]" + "\n");
    }

    private static UploadOutcome.Uploaded uploaded(long bytes) {
        return new UploadOutcome.Uploaded(new PutResult("etag", "md5", bytes, false), Duration.ofMillis(1));
    }
}
