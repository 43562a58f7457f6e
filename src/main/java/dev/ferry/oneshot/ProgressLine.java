package dev.ferry.oneshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The last line of a terminal's standard error, kept for a progress bar while log lines go above it. While it
 * is open, {@code System.err} (where the one-shot commands' logs go) passes through it: before a log line the
 * bar is wiped, after it the bar is drawn again below. The progressbar library draws through
 * {@link #accept}; it has no way of its own to print other lines above its bar. Closing it leaves the final
 * bar on its own line and gives {@code System.err} back.
 */
final class ProgressLine implements ProgressBarConsumer {
    private static final String WIPE = "\r\u001b[2K";

    private final PrintStream terminal;
    private final int width;
    private final Object lock = new Object();
    private String bar = "";
    private boolean closed;

    /** A line on {@code terminal} that does not take over {@code System.err}: {@link #logs} is the way in. */
    ProgressLine(PrintStream terminal, int width) {
        this.terminal = terminal;
        this.width = width;
    }

    /** Takes over {@code System.err}; undone by {@link #close}. */
    static ProgressLine open() {
        PrintStream original = System.err;
        ProgressLine line = new ProgressLine(original, width());
        System.setErr(new PrintStream(line.logs(), true, StandardCharsets.UTF_8));
        return line;
    }

    /**
     * True when standard error is a terminal, the only place a bar that redraws itself belongs: not a file,
     * a pipe or a log collector. Java 17 cannot ask this of stderr alone; Linux tells through /proc.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    private static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("\\d{2,4}")) {
            return Integer.parseInt(columns);
        }
        return 100;
    }

    /** Where log lines are written while the bar is shown. */
    OutputStream logs() {
        return new OutputStream() {
            private boolean lineStarted;

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (lock) {
                    if (!lineStarted && !bar.isEmpty()) {
                        terminal.print(WIPE);
                    }
                    terminal.write(b, off, len);
                    lineStarted = len > 0 && b[off + len - 1] != '\n';
                    if (!lineStarted && !bar.isEmpty() && !closed) {
                        terminal.print(bar);
                    }
                    terminal.flush();
                }
            }

            @Override
            public void flush() {
                terminal.flush();
            }
        };
    }

    @Override
    public int getMaxRenderedLength() {
        return width - 1;
    }

    @Override
    public void accept(String rendered) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            bar = rendered;
            terminal.print(WIPE + rendered);
            terminal.flush();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (!bar.isEmpty()) {
                terminal.println();
            }
            terminal.flush();
            if (System.err != terminal) {
                System.setErr(terminal);
            }
        }
    }
}
