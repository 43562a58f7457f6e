package dev.ferry.sweep;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.queue.Backoff;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when to sweep and runs the sweeps: a full sweep at start, on an interval, and whenever the
 * watcher may have lost events (requests while one runs are coalesced into one more run); a folder sweep
 * when a directory appears or a full queue has room again. A full sweep walks each bucket folder on its
 * own thread, so one bucket waiting for queue room never holds up another. No full sweep runs while the root
 * folder is missing: an absent tree must never read as "every file was deleted".
 */
public final class SweepScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SweepScheduler.class);

    private final Path root;
    private final StateSweep sweeper;
    private final Clock clock;
    private final boolean splitByFolder;
    private final ExecutorService control;
    private final ExecutorService walkers;
    private volatile java.util.function.Consumer<Path> folderGoneHandler;
    private final java.util.function.LongSupplier nanoTime;
    private final AtomicBoolean fullRunning = new AtomicBoolean();
    private final AtomicBoolean fullPending = new AtomicBoolean();
    private final AtomicBoolean pendingHoldsDeletions = new AtomicBoolean();
    private final AtomicLong fullSweeps = new AtomicLong();
    private final AtomicReference<Instant> lastFullAt = new AtomicReference<>();
    /** Why the last full sweep could not finish while it runs again (S3 failed it); null once one finished. */
    private final AtomicReference<String> failing = new AtomicReference<>();
    private volatile boolean closed;
    private volatile FullSweepListener fullSweepListener = (took, files, queued) -> { };
    /** How a full sweep that S3 failed waits before it runs again; see {@link #retryFailedSweeps}. */
    private volatile java.util.function.Function<FailureKind, Backoff> retryBackoff = SweepScheduler::retryBackoff;
    private volatile Backoff.Sleeper retrySleeper = Backoff.Sleeper.THREAD;

    /**
     * How long a full sweep that S3 failed waits before it runs again: while S3 cannot be reached (network error,
     * timeout, busy), the endpoint probes' pace (1 s doubling to 4 s, jittered: one listing every few seconds, and
     * the sweep runs within seconds of S3's return); for any other error S3 answered with (access denied, server
     * error, credentials refused), 1 s doubling to 5 minutes, as a file's retries.
     */
    static Backoff retryBackoff(FailureKind kind) {
        return kind == FailureKind.UNREACHABLE ? new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Math::random)
                : Backoff.standard();
    }

    /**
     * A sweep of the tree under a start (the root, a folder or a file in it) against the state store: the site's
     * {@link Reconciler#sweep} with its sink.
     */
    @FunctionalInterface
    public interface StateSweep {
        SweepResult sweep(Path start, java.util.function.BooleanSupplier cancelled) throws InterruptedException;
    }

    /** A full sweep done another way (a reconciliation against S3) instead of a sweep against the state store. */
    @FunctionalInterface
    public interface FullRun {
        /**
         * @param holdDeletions the tree was just replaced or came back: what is missing from it may still be
         *                      arriving (a restore), so this run deletes nothing from S3
         */
        SweepResult run(java.util.function.BooleanSupplier cancelled, boolean holdDeletions)
                throws InterruptedException;
    }

    private volatile FullRun fullRun;

    /** Full sweeps use {@code run} (folder sweeps are still against the state store). */
    public void fullRunBy(FullRun run) {
        this.fullRun = run;
    }

    private volatile FullRun firstRun;

    /**
     * The first full sweep (start-up) uses {@code run}, later ones the state sweep (or {@link #fullRunBy}); a first
     * sweep that does not complete leaves {@code run} for the next.
     */
    public void firstFullRunBy(FullRun run) {
        this.firstRun = run;
    }

    /** Told of every completed full sweep (metrics). Called on the sweep thread: must be fast and not throw. */
    @FunctionalInterface
    public interface FullSweepListener {
        void completed(Duration took, long files, long queued);
    }

    /**
     * @param splitByFolder walk each first-level folder on its own thread (watch_path mode, where each is a
     *                      bucket with its own queue); otherwise one walk of the whole tree
     */
    public SweepScheduler(Path root, StateSweep sweeper, Clock clock, boolean splitByFolder) {
        this(root, sweeper, clock, splitByFolder, Executors.newSingleThreadExecutor(named("sweep-control")),
                Executors.newCachedThreadPool(named("sweep")), System::nanoTime);
    }

    /**
     * @param control  runs the full sweeps one after the other (one thread: a second would break coalescing)
     * @param walkers  runs the walks of a full sweep and the folder sweeps
     * @param nanoTime the monotonic time a full sweep's duration is measured with
     */
    public SweepScheduler(Path root, StateSweep sweeper, Clock clock, boolean splitByFolder, ExecutorService control,
            ExecutorService walkers, java.util.function.LongSupplier nanoTime) {
        this.control = control;
        this.walkers = walkers;
        this.nanoTime = nanoTime;
        this.root = root;
        this.sweeper = sweeper;
        this.clock = clock;
        this.splitByFolder = splitByFolder;
    }

    /** Asks for a full sweep; if one is running, one more follows it. */
    public void requestFull(String reason) {
        requestFull(reason, false);
    }

    /**
     * Asks for a full sweep; if one is running, one more follows it. With {@code holdDeletions} (the root was
     * just replaced or came back), that sweep deletes nothing from S3 even where the site retires deletions.
     */
    public void requestFull(String reason, boolean holdDeletions) {
        if (closed) {
            return;
        }
        if (fullRunning.get()) {
            if (holdDeletions) {
                pendingHoldsDeletions.set(true);
            }
            fullPending.set(true);
            return;
        }
        control.execute(() -> runFull(reason, holdDeletions));
    }

    /** Sweeps one folder (a new directory, or a bucket whose queue dropped changes). */
    public void requestFolder(Path folder, String reason) {
        if (closed) {
            return;
        }
        walkers.execute(() -> {
            try {
                SweepResult r = sweeper.sweep(folder, () -> closed);
                log.debug("{}: swept ({}): {} files, {} queued", folder, reason, r.files(), r.queued());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * A folder of the tree was deleted or renamed away: {@code gone} runs for it on a walker thread (never on the
     * watcher's), if one is set ({@link #onFolderGone}).
     */
    public void folderGone(Path folder) {
        java.util.function.Consumer<Path> handler = folderGoneHandler;
        if (closed || handler == null) {
            return;
        }
        walkers.execute(() -> handler.accept(folder));
    }

    /** Sets what runs for a folder deleted or renamed away (the daemon closes the failed records under it). */
    public void onFolderGone(java.util.function.Consumer<Path> handler) {
        this.folderGoneHandler = java.util.Objects.requireNonNull(handler, "handler");
    }

    /**
     * Replaces how a full sweep that S3 failed waits before running again (tests: no jitter, no real waiting).
     * The sleeper returns false to give up (stopping).
     */
    void retryFailedSweeps(java.util.function.Function<FailureKind, Backoff> backoff, Backoff.Sleeper sleeper) {
        this.retryBackoff = java.util.Objects.requireNonNull(backoff, "backoff");
        this.retrySleeper = java.util.Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Sets the one listener told of completed full sweeps. */
    public void onFullSweep(FullSweepListener listener) {
        this.fullSweepListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    /** Number of full sweeps completed. */
    public long fullSweeps() {
        return fullSweeps.get();
    }

    /**
     * Why the full sweep could not finish and runs again (S3 failed it: unreachable at start-up, say, when the
     * files the state store does not know wait to be compared with S3); empty once a full sweep finished.
     */
    public Optional<String> failing() {
        return Optional.ofNullable(failing.get());
    }

    public Optional<Instant> lastFullSweepAt() {
        return Optional.ofNullable(lastFullAt.get());
    }

    private void runFull(String reason, boolean holdDeletions) {
        int failures = 0;
        do {
            fullPending.set(false);
            fullRunning.set(true);
            boolean hold = holdDeletions || pendingHoldsDeletions.getAndSet(false);
            try {
                Optional<TransferException> failed = sweepAll(reason, hold, failures > 0);
                if (failed.isPresent() && !closed) {
                    // S3 failed the sweep (it cannot be reached, or it answered with an error that may pass): the
                    // files it did not hand over wait for no periodic sweep, this one runs again. Requests meanwhile
                    // are coalesced into it, as into a running sweep.
                    failures++;
                    Duration delay = retryBackoff.apply(failed.get().kind()).delay(failures);
                    failing.set("full sweep could not finish, S3 failed it (" + failed.get().getMessage()
                            + "); it runs again with backoff while S3 fails it");
                    if (failures == 1) {
                        log.warn("{}: full sweep could not finish, S3 failed it ({}); it runs again in {}, and again "
                                + "with backoff while S3 fails it", root, failed.get().getMessage(),
                                dev.ferry.core.Durations.text(delay));
                    } else {
                        log.debug("{}: full sweep failed again ({}, attempt {}); retrying in {}", root,
                                failed.get().getMessage(), failures, dev.ferry.core.Durations.text(delay));
                    }
                    if (!retrySleeper.sleep(delay)) {
                        return;
                    }
                    reason = "retrying a sweep S3 failed";
                    holdDeletions = hold;
                    fullPending.set(true);
                    continue;
                }
                failing.set(null);
                if (failures > 0) {
                    log.info("{}: full sweep done after {} failed attempt{}", root, failures, failures == 1 ? "" : "s");
                }
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                fullRunning.set(false);
            }
            reason = "requested while the previous sweep ran";
            holdDeletions = false;
        } while (fullPending.get() && !closed);
    }

    /**
     * Runs one full sweep. Returns the error of S3 that stopped a part of it when that error may pass (the sweep is
     * then to run again); an unexpected failure is logged here and returns empty, as does a sweep that completed.
     */
    private Optional<TransferException> sweepAll(String reason, boolean holdDeletions, boolean again)
            throws InterruptedException {
        if (!Files.isDirectory(root)) {
            log.info("{}: full sweep ({}) skipped: the watched folder is missing", root, reason);
            return Optional.empty();
        }
        long began = nanoTime.getAsLong();
        // the attempts after a failed one are told once, by the failure's WARN and the INFO when one completes
        (again ? log.atDebug() : log.atInfo()).log("{}: full sweep started ({}{})", root, reason,
                holdDeletions ? "; deleting nothing from S3" : "");
        List<Path> rootFiles = new ArrayList<>();
        List<Future<SweepResult>> parts = new ArrayList<>();
        FullRun first = firstRun;
        FullRun run = first != null ? first : fullRun;
        if (run != null) {
            parts.add(walkers.submit(() -> run.run(() -> closed, holdDeletions)));
        } else if (!splitByFolder) {
            parts.add(walkers.submit(() -> sweeper.sweep(root, () -> closed)));
        } else if (!splitRoot(rootFiles, parts)) {
            return Optional.empty();
        }
        long files = 0;
        long queued = 0;
        boolean complete = true;
        Optional<TransferException> retry = Optional.empty();
        for (Path file : rootFiles) {
            SweepResult r = sweeper.sweep(file, () -> closed);
            files += r.files();
            complete &= r.complete();
        }
        for (Future<SweepResult> part : parts) {
            try {
                SweepResult r = part.get();
                files += r.files();
                queued += r.queued();
                complete &= r.complete();
            } catch (ExecutionException e) {
                complete = false;
                Optional<TransferException> s3 = transferFailure(e.getCause());
                if (s3.isPresent() && s3.get().kind().retryable()) {
                    retry = s3; // said once, with when it runs again, by the caller
                } else {
                    log.error("{}: a folder sweep failed", root, e.getCause());
                }
            }
        }
        if (complete && !closed) {
            if (first != null) {
                firstRun = null;
            }
            Duration took = Duration.ofNanos(nanoTime.getAsLong() - began);
            fullSweeps.incrementAndGet();
            lastFullAt.set(clock.instant());
            log.info("{}: full sweep done: {} files, {} queued for upload, in {} ms", root, files, queued,
                    took.toMillis());
            try {
                fullSweepListener.completed(took, files, queued);
            } catch (RuntimeException e) {
                log.warn("{}: full sweep listener failed: {}", root, e.toString());
            }
        }
        return retry;
    }

    /** The error of S3 that caused {@code failure}, if one did. */
    private static Optional<TransferException> transferFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransferException e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** One walk per first-level folder; files at the root are collected. False when the root cannot be listed. */
    private boolean splitRoot(List<Path> rootFiles, List<Future<SweepResult>> parts) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    parts.add(walkers.submit(() -> sweeper.sweep(entry, () -> closed)));
                } else {
                    rootFiles.add(entry);
                }
            }
            return true;
        } catch (IOException e) {
            log.error("{}: cannot list the watch root: {}", root, e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        control.shutdownNow();
        walkers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
