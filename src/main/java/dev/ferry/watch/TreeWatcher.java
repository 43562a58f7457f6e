package dev.ferry.watch;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recursive native watching of one tree (directory-watcher: inotify on Linux, one watch per directory).
 * The library reports a kernel queue overflow as an exception rather than an OVERFLOW event, and loses
 * events when it does; so every exception and overflow means "rescan". When the tree cannot be watched
 * whole (the inotify watch limit, at start or later for a new directory) the listener is told it
 * {@link WatchListener#failed failed}, so the daemon polls instead of missing files in unwatched folders.
 * Deletions are reported; whether they delete anything from S3 is the site's choice (retire_deleted).
 */
public final class TreeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TreeWatcher.class);

    private final Path root;
    private final WatchListener listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "watcher");
        t.setDaemon(true);
        return t;
    });
    private volatile DirectoryWatcher watcher;
    private volatile boolean closed;
    private final AtomicBoolean limitReported = new AtomicBoolean();

    public TreeWatcher(Path root, WatchListener listener) {
        this.root = root;
        this.listener = listener;
    }

    /**
     * Registers the tree and starts delivering events. Registration of a large tree takes a while; it
     * happens on the watcher's thread. A failure (for example the inotify watch limit) is reported to
     * {@link WatchListener#failed}.
     */
    public void start() {
        thread.execute(() -> {
            try {
                watcher = DirectoryWatcher.builder()
                        .path(root)
                        .fileHashing(false)
                        .listener(new Listener())
                        .logger(LoggerFactory.getLogger(DirectoryWatcher.class))
                        .build();
                CompletableFuture<Void> done = watcher.watchAsync(thread);
                done.whenComplete((ok, error) -> {
                    if (!closed) {
                        String reason = error == null ? "watcher stopped" : describe(error);
                        log.error("{}: native watching stopped: {}; falling back to polling sweeps{}", root, reason,
                                hint(reason));
                        listener.failed(reason);
                    }
                });
                if (!done.isDone()) {
                    log.info("{}: watching for changes", root);
                }
            } catch (IOException | RuntimeException e) {
                String reason = describe(e);
                log.error("{}: cannot watch ({}); falling back to polling sweeps{}", root, reason, hint(reason));
                listener.failed(reason);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        DirectoryWatcher w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                log.debug("{}: closing watcher: {}", root, e.toString());
            }
        }
        thread.shutdownNow();
    }

    private final class Listener implements DirectoryChangeListener {
        @Override
        public void onEvent(DirectoryChangeEvent event) {
            switch (event.eventType()) {
                case CREATE, MODIFY -> {
                    if (event.isDirectory()) {
                        if (event.eventType() == DirectoryChangeEvent.EventType.CREATE) {
                            listener.directoryCreated(event.path());
                        }
                    } else {
                        listener.fileChanged(event.path());
                    }
                }
                case OVERFLOW -> {
                    log.warn("{}: watch events overflowed; rescanning", root);
                    listener.rescan("watch events overflowed");
                }
                case DELETE -> {
                    if (!event.isDirectory()) {
                        listener.fileDeleted(event.path());
                    }
                }
                default -> {
                    // nothing else is reported
                }
            }
        }

        @Override
        public boolean isWatching() {
            return !closed;
        }

        @Override
        public void onException(Exception e) {
            String reason = describe(e);
            if (isWatchLimit(reason)) {
                // A new directory could not be watched: its files would only be found by the safety sweep.
                if (limitReported.compareAndSet(false, true)) {
                    log.error("{}: a new directory cannot be watched ({}); polling the whole tree from now on{}",
                            root, reason, hint(reason));
                }
                listener.failed(reason);
                return;
            }
            log.warn("{}: watcher error ({}); events may have been lost, rescanning", root, reason);
            listener.rescan("watcher error: " + reason);
        }
    }

    /** The JDK's messages for inotify's ENOSPC and EMFILE on watch registration. */
    static boolean isWatchLimit(String reason) {
        return reason.contains("inotify watches") || reason.contains("inotify instances");
    }

    private static String hint(String reason) {
        return isWatchLimit(reason) ? "; raise fs.inotify.max_user_watches (see docs/operations.md) and restart Ferry"
                : "";
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
