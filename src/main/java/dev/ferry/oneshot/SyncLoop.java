package dev.ferry.oneshot;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.SiteConfig;
import dev.ferry.config.SyncSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a configuration in seed 004's key=value form ({@code ferry --config config.txt}) as syncd ran it: without
 * {@code sync_interval}, one {@code ferry sync} and its exit code; with it, a {@code ferry sync} every interval
 * until SIGTERM or SIGINT (then exit 0). Syncs never overlap: starts are due on the grid first start + k x
 * interval, and a sync that runs past one or more of them makes the next start at the first one after it ends
 * (the ones it ran over are skipped, with a warning), as syncd skipped a tick while a sync was still running.
 */
public final class SyncLoop {
    private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);
    /** Attempts per file in each sync, as {@code ferry sync}'s default. */
    static final int MAX_ATTEMPTS = 5;

    /** One sync; returns its exit code. */
    @FunctionalInterface
    interface Run {
        int run() throws IOException, InterruptedException;
    }

    /** Waits up to the given time; true when asked to stop (then at once). */
    @FunctionalInterface
    interface Pause {
        boolean await(Duration time) throws InterruptedException;
    }

    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Run run;
    private final Pause pause;
    private final AtomicBoolean stopping;

    SyncLoop(Duration interval, LongSupplier nanoTime, Run run, Pause pause, AtomicBoolean stopping) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.nanoTime = nanoTime;
        this.run = run;
        this.pause = pause;
        this.stopping = stopping;
    }

    /** The configuration's schedule: one sync (its exit code), or syncs until stopped (exit 0). */
    public static int run(FerryConfig config, PrintStream out) throws IOException, InterruptedException {
        SyncSchedule schedule = config.syncSchedule().orElseThrow();
        Run once = () -> new SyncCommand(config, out, false, MAX_ATTEMPTS).run();
        if (!schedule.periodic()) {
            return once.run();
        }
        Duration every = schedule.interval().orElseThrow();
        for (SiteConfig site : config.sites()) {
            log.info("s3://{}/{}: syncing {} every {} (sync_interval, {}); marker file {}, nothing is deleted",
                    site.bucket(), site.prefix(), site.localPath(), text(every), schedule.from(), site.markerFile());
        }
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicBoolean inSync = new AtomicBoolean();
        Thread loopThread = Thread.currentThread();
        SignalHandler handler = s -> {
            stopping.set(true);
            stop.countDown();
            if (inSync.get()) {
                loopThread.interrupt(); // a sync under way ends now; its uploads are recorded as far as they went
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        Run guarded = () -> {
            inSync.set(true);
            try {
                return once.run();
            } finally {
                inSync.set(false);
            }
        };
        return new SyncLoop(every, System::nanoTime, guarded,
                time -> stop.await(time.toNanos(), TimeUnit.NANOSECONDS), stopping).loop();
    }

    /** Syncs until the pause says stop; returns 0. */
    int loop() {
        long period = interval.toNanos();
        long origin = nanoTime.getAsLong();
        long tick = 0; // the grid index of the sync under way
        for (long n = 1; ; n++) {
            long began = nanoTime.getAsLong();
            log.info("sync run {} started", n);
            int code;
            try {
                code = run.run();
            } catch (InterruptedException e) {
                if (stopping.get()) {
                    log.info("sync run {} stopped: Ferry is stopping", n);
                    return OneShotOptions.EXIT_OK;
                }
                Thread.currentThread().interrupt();
                return OneShotOptions.EXIT_OK;
            } catch (IOException | RuntimeException e) {
                log.error("sync run {} failed: {}", n, e.toString());
                code = SyncCommand.EXIT_INCOMPLETE;
            }
            long ended = nanoTime.getAsLong();
            long next = Math.max(tick + 1, ceilDiv(ended - origin, period));
            long skipped = next - tick - 1;
            long nextAt = startOf(origin, next, period);
            Duration wait = Duration.ofNanos(Math.max(0, remaining(nextAt, nanoTime.getAsLong())));
            Duration took = Duration.ofNanos(ended - began);
            log.info("sync run {} finished in {} with exit code {}; next run in {}", n, text(took), code, text(wait));
            if (skipped > 0) {
                log.warn("sync run {} took {}, longer than sync_interval {}: {} start{} skipped, so that syncs never "
                        + "overlap", n, text(took), text(interval), skipped, skipped == 1 ? "" : "s");
            }
            tick = next;
            try {
                if (pause.await(wait)) {
                    log.info("stopping: no sync under way");
                    return OneShotOptions.EXIT_OK;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OneShotOptions.EXIT_OK;
            }
        }
    }

    /**
     * Logs a WARN when a config.txt came with a watch_path (WATCH_PATH in the environment, say from a systemd
     * EnvironmentFile): the file is one site, as syncd ran it, and that folder is not synced.
     */
    public static void warnIgnoredWatchPath(FerryConfig config) {
        config.syncSchedule().flatMap(SyncSchedule::ignoredWatchPath).ifPresent(given -> log.warn("{} is ignored: "
                + "a key=value config file (syncd's config.txt) is one site, its local_dir; only that folder is "
                + "synced. Unset it, or use a YAML file to run both", given));
    }

    /** Logs a note when {@code ferry sync} is given a config.txt that asks for periodic syncs: it runs once. */
    public static void noteOneRun(FerryConfig config) {
        config.syncSchedule().flatMap(SyncSchedule::interval).ifPresent(every -> log.info("sync_interval {} ({}) is for "
                + "'ferry --config FILE'; 'ferry sync' runs once", text(every), config.syncSchedule().get().from()));
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }

    /** origin + index x period, or as far as a long goes (an interval of centuries). */
    private static long startOf(long origin, long index, long period) {
        try {
            return Math.addExact(origin, Math.multiplyExact(index, period));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long remaining(long at, long now) {
        try {
            return Math.subtractExact(at, now);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A duration as people read it: 750ms, 42s, 5m, 1h30m. */
    static String text(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() % 1000 == 0 ? s + "s" : String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        long h = s / 3600;
        long m = s % 3600 / 60;
        long rest = s % 60;
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (rest > 0 ? rest + "s" : "");
    }
}
