package dev.ferry.source.local;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recursive native watching of one tree (directory-watcher: inotify on Linux, one watch per directory).
 * The library reports a kernel queue overflow as an exception rather than an OVERFLOW event, and loses
 * events when it does; so every exception and overflow means "rescan". When the tree cannot be watched
 * whole (the inotify watch limit, at start or later for a new directory) the listener is told it
 * {@link WatchListener#failed failed}, so the daemon polls instead of missing files in unwatched folders.
 * A folder that cannot be listed or registered (permission denied, too many open files), which the library
 * would skip silently, is logged and reported as {@link WatchListener#folderUnwatched unwatched}; one that
 * vanished meanwhile makes its parent swept again. Deletions are reported; whether they delete anything from
 * S3 is the site's choice (retire_deleted). A watcher watches one directory (inode): when the folder is
 * replaced, a new watcher is needed ({@link RootMonitor}).
 */
public final class TreeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TreeWatcher.class);

    private final Path root;
    private final WatchListener listener;
    private final ExecutorService thread;
    private volatile DirectoryWatcher watcher;
    private volatile boolean closed;
    private volatile boolean registered;
    private final AtomicBoolean limitReported = new AtomicBoolean();
    /** Folders already reported by this watcher (the library walks a folder more than once). */
    private final Set<Path> reported = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unwatched = new AtomicInteger();
    private final LinkIndex links = new LinkIndex();
    /** At most this many unwatched folders are named in the log per watcher; the count says the rest. */
    private static final int NAMED_IN_LOG = 10;

    public TreeWatcher(Path root, WatchListener listener) {
        this(root, listener, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "watcher");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * @param thread registers the tree and delivers its events (one thread: events arrive in order); shut down
     *               by {@link #close()}
     */
    public TreeWatcher(Path root, WatchListener listener, ExecutorService thread) {
        this.root = root;
        this.listener = listener;
        this.thread = thread;
    }

    /** The adapter from the library's events and errors to {@link WatchListener}. */
    DirectoryChangeListener adapter() {
        return new Listener();
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
                        .fileTreeVisitor(new ReportingTreeVisitor(root, this::cannotWatch, links::seen))
                        .listener(new Listener())
                        .logger(LoggerFactory.getLogger(DirectoryWatcher.class))
                        .build();
                CompletableFuture<Void> done = watcher.watchAsync(thread);
                done.whenComplete((ok, error) -> {
                    if (!closed) {
                        String reason = error == null ? "watcher stopped" : describe(error);
                        if (rootPresent()) {
                            log.error("{}: native watching stopped: {}; falling back to polling sweeps{}", root,
                                    reason, hint(reason));
                        }
                        listener.failed(reason);
                    }
                });
                registered = true;
                if (!done.isDone()) {
                    int n = unwatched.get();
                    if (n > NAMED_IN_LOG) {
                        log.warn("{}: {} folders cannot be watched in all (the first {} are named above)", root, n,
                                NAMED_IN_LOG);
                    }
                    log.info("{}: watching for changes{}", root, limitReported.get()
                            ? " in the part of the tree the inotify watch limit allows"
                            : n == 0 ? "" : " (except in " + n + " folders)");
                    listener.watching();
                }
            } catch (IOException | RuntimeException e) {
                String reason = describe(e);
                if (rootPresent()) {
                    log.error("{}: cannot watch ({}); falling back to polling sweeps{}", root, reason, hint(reason));
                }
                listener.failed(reason);
            }
        });
    }

    /** A failure of the library's walk: the folder stays unwatched, or it vanished (its parent is swept). */
    private void cannotWatch(Path path, IOException e) {
        if (closed) {
            return;
        }
        String reason = describe(e);
        if (isWatchLimit(reason)) {
            watchLimit(reason);
            return;
        }
        boolean gone = e instanceof NoSuchFileException || Files.notExists(path, LinkOption.NOFOLLOW_LINKS);
        // neither gone nor there: its folder cannot be searched, so what it is cannot be told (not "no folder")
        boolean told = gone || Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        if (gone || told && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = path.equals(root) || path.getParent() == null ? root : path.getParent();
            log.info("{}: could not be watched ({}); it {}, so {} is swept again", path, reason,
                    gone ? "vanished meanwhile" : "is not a folder", parent);
            listener.rescanFolder(parent, path + " could not be watched: " + reason);
            return;
        }
        if (!reported.add(path)) {
            return;
        }
        if (unwatched.incrementAndGet() <= NAMED_IN_LOG) {
            log.warn("{}: cannot watch this folder ({}); its changes are found by polling sweeps until it can be "
                    + "watched", path, reason);
        } else {
            log.debug("{}: cannot watch this folder ({})", path, reason);
        }
        listener.folderUnwatched(path, path + ": cannot watch this folder: " + reason);
    }

    private void watchLimit(String reason) {
        // A directory could not be watched: its files would only be found by the safety sweep.
        if (limitReported.compareAndSet(false, true)) {
            if (registered) {
                log.error("{}: a new directory cannot be watched ({}); polling the whole tree until it can all be "
                        + "watched{}", root, reason, hint(reason));
            } else {
                log.error("{}: cannot watch the whole tree ({}); falling back to polling sweeps{}", root, reason,
                        hint(reason));
            }
        }
        listener.failed(reason);
    }

    /** When the folder itself is gone, that is said once by whoever checks the root, not as a watcher error. */
    private boolean rootPresent() {
        return Files.isDirectory(root);
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

    /** The links that lead to a changed or deleted file changed too: their objects carry its content. */
    private void linksOf(Path file) {
        for (Path link : links.linksTo(file)) {
            if (!link.equals(file)) {
                listener.fileChanged(link);
            }
        }
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
                    } else if (reported.contains(event.path())) {
                        // a folder that could not be watched changed (its permissions were fixed?): the library
                        // never saw it as a folder; try to watch the tree again now rather than later
                        listener.unwatchedFolderChanged(event.path());
                    } else {
                        links.seen(event.path());
                        listener.fileChanged(event.path());
                        linksOf(event.path());
                    }
                }
                case OVERFLOW -> {
                    log.warn("{}: watch events overflowed; rescanning", root);
                    listener.rescan("watch events overflowed");
                }
                case DELETE -> {
                    if (event.isDirectory()) { // a folder the library watched: deleted, or renamed away
                        listener.folderDeleted(event.path());
                    } else {
                        listener.fileDeleted(event.path());
                        linksOf(event.path());
                        links.forget(event.path());
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
                watchLimit(reason);
                return;
            }
            if (overflow(e)) {
                // the library reports the kernel's OVERFLOW event as a NullPointerException of its own (a burst of
                // changes beyond inotify's queue): said as what it is, not as a crash
                log.warn("{}: the kernel's queue of file events overflowed (a burst of changes); events were lost,"
                        + " rescanning", root);
                listener.rescan("event queue overflowed (a burst of changes): rescanned");
                return;
            }
            log.warn("{}: watcher error ({}); events may have been lost, rescanning", root, reason);
            listener.rescan("watcher error: " + reason);
        }
    }

    /**
     * Whether {@code e} is the directory watcher's report of an OVERFLOW event: a NullPointerException without a
     * message raised inside the library (its event's context, the path, is null for OVERFLOW).
     */
    static boolean overflow(Throwable e) {
        Throwable cause = unwrapped(e);
        if (!(cause instanceof NullPointerException) || cause.getStackTrace().length == 0) {
            return false;
        }
        return cause.getStackTrace()[0].getClassName().startsWith("io.methvin.")
                || java.util.Arrays.stream(cause.getStackTrace()).limit(8)
                        .anyMatch(f -> f.getClassName().startsWith("io.methvin."));
    }

    /** The JDK's messages for inotify's ENOSPC and EMFILE on watch registration. */
    public static boolean isWatchLimit(String reason) {
        return reason.contains("inotify watches") || reason.contains("inotify instances");
    }

    private static String hint(String reason) {
        return isWatchLimit(reason) ? "; raise fs.inotify.max_user_watches (see docs/operations.md): Ferry tries to "
                + "watch again from time to time" : "";
    }

    /** What failed: the cause of the library's CompletionException, else {@code e}. */
    private static Throwable unwrapped(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String describe(Throwable e) {
        Throwable cause = unwrapped(e);
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
