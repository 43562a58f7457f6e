package dev.ferry.oneshot;

import java.util.Locale;
import java.util.function.IntSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of {@code ferry sync}, on standard error and only when that is a terminal: bytes done of
 * bytes queued with their rate (the bar's own counter, in MiB), and files done of files queued. It ends at the
 * true totals: the last update is made after the engine's last outcome. Log lines are printed above it
 * ({@link ProgressLine}). Without a terminal it does nothing.
 */
final class SyncBar implements AutoCloseable {
    private static final long MIB = 1024 * 1024;

    private final SyncProgress progress;
    private final IntSupplier backlog;
    private final ProgressBar bar;
    private final ProgressLine line;

    private SyncBar(SyncProgress progress, IntSupplier backlog, ProgressBar bar, ProgressLine line) {
        this.progress = progress;
        this.backlog = backlog;
        this.bar = bar;
        this.line = line;
    }

    /**
     * A bar for this run: {@code show} true draws it on standard error whatever that is ({@code --progress}),
     * false never ({@code --no-progress}), empty only when standard error is a terminal (the default).
     */
    static SyncBar start(SyncProgress progress, IntSupplier backlog, java.util.Optional<Boolean> show) {
        if (!show.orElseGet(ProgressLine::stderrIsTerminal)) {
            return new SyncBar(progress, backlog, null, null);
        }
        return on(ProgressLine.open(), progress, backlog);
    }

    /** A bar drawn on {@code line}. */
    static SyncBar on(ProgressLine line, SyncProgress progress, IntSupplier backlog) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName("sync").setInitialMax(0).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", MIB).showSpeed(new java.text.DecimalFormat("0.0")).hideEta().setConsumer(line)
                .continuousUpdate().build();
        return new SyncBar(progress, backlog, bar, line);
    }

    /** Files done of files queued, as the bar's extra text: "12/40 files", "1/1 file". */
    static String files(long done, long queued) {
        return String.format(Locale.ROOT, "%d/%d %s", done, queued, OneShotReport.files(queued));
    }

    /** Brings the bar to what the engine has done so far. */
    void update() {
        if (bar == null) {
            return;
        }
        long queued = progress.queued.sum();
        long done = Math.max(0, queued - backlog.getAsInt());
        bar.maxHint(progress.queuedBytes.sum());
        bar.stepTo(Math.min(progress.settledBytes.sum(), progress.queuedBytes.sum()));
        bar.setExtraMessage(" " + files(done, queued));
    }

    /** Every queued file has its outcome: the bar shows the totals. */
    void done() {
        if (bar == null) {
            return;
        }
        long queued = progress.queued.sum();
        bar.maxHint(progress.queuedBytes.sum());
        bar.stepTo(progress.queuedBytes.sum());
        bar.setExtraMessage(" " + files(queued, queued));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            line.close();
        }
    }
}
