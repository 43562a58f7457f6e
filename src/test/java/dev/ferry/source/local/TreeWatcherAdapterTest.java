package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeEvent.EventType;
import io.methvin.watcher.DirectoryChangeListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher adapter: what each library event or error becomes for the daemon. An overflow or any error
 * means "rescan" (the library reports a kernel queue overflow as an exception and loses events); the
 * inotify limits mean "failed" (poll instead). No tree is watched: the events are handed in.
 */
class TreeWatcherAdapterTest {
    private static final Path ROOT = Path.of("/srv/tree");

    private final List<String> heard = new ArrayList<>();
    private final ExecutorService unused = Executors.newSingleThreadExecutor();
    private final TreeWatcher watcher = new TreeWatcher(ROOT, new WatchListener() {
        @Override
        public void fileChanged(Path path) {
            heard.add("changed " + path);
        }

        @Override
        public void fileDeleted(Path path) {
            heard.add("deleted " + path);
        }

        @Override
        public void directoryCreated(Path path) {
            heard.add("new folder " + path);
        }

        @Override
        public void rescan(String reason) {
            heard.add("rescan: " + reason);
        }

        @Override
        public void rescanFolder(Path folder, String reason) {
            heard.add("rescan " + folder);
        }

        @Override
        public void folderUnwatched(Path folder, String reason) {
            heard.add("unwatched " + folder);
        }

        @Override
        public void unwatchedFolderChanged(Path folder) {
            heard.add("unwatched changed " + folder);
        }

        @Override
        public void watching() {
            heard.add("watching");
        }

        @Override
        public void failed(String reason) {
            heard.add("failed: " + reason);
        }
    }, unused);
    private final DirectoryChangeListener adapter = watcher.adapter();

    @AfterEach
    void close() {
        watcher.close();
    }

    private static DirectoryChangeEvent event(EventType type, boolean directory, String relative) {
        return new DirectoryChangeEvent(type, directory, ROOT.resolve(relative), null, 1, ROOT);
    }

    @Test
    void fileEventsAreChangesAndDeletionsAndANewFolderIsSwept() throws Exception {
        adapter.onEvent(event(EventType.CREATE, false, "photos/a.jpg"));
        adapter.onEvent(event(EventType.MODIFY, false, "photos/a.jpg"));
        adapter.onEvent(event(EventType.DELETE, false, "photos/b.jpg"));
        adapter.onEvent(event(EventType.CREATE, true, "photos/2026"));
        adapter.onEvent(event(EventType.MODIFY, true, "photos/2026"));
        adapter.onEvent(event(EventType.DELETE, true, "photos/old"));
        assertThat(heard).containsExactly("changed /srv/tree/photos/a.jpg", "changed /srv/tree/photos/a.jpg",
                "deleted /srv/tree/photos/b.jpg", "new folder /srv/tree/photos/2026");
    }

    @Test
    void aChangeOrDeletionOfAFileIsAlsoAChangeOfTheLinksThatLeadToIt(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path tree = tmp.toRealPath();
        Path target = java.nio.file.Files.writeString(tree.resolve("target.txt"), "v1");
        Path link = java.nio.file.Files.createSymbolicLink(tree.resolve("link.txt"), target);
        adapter.onEvent(new DirectoryChangeEvent(EventType.CREATE, false, link, null, 1, tree));
        adapter.onEvent(new DirectoryChangeEvent(EventType.MODIFY, false, target, null, 1, tree));
        java.nio.file.Files.delete(target);
        adapter.onEvent(new DirectoryChangeEvent(EventType.DELETE, false, target, null, 1, tree));
        java.nio.file.Files.delete(link);
        adapter.onEvent(new DirectoryChangeEvent(EventType.DELETE, false, link, null, 1, tree));
        java.nio.file.Files.writeString(target, "v2");
        adapter.onEvent(new DirectoryChangeEvent(EventType.CREATE, false, target, null, 1, tree));
        assertThat(heard).containsExactly("changed " + link, "changed " + target, "changed " + link,
                "deleted " + target, "changed " + link, "deleted " + link, "changed " + target);
    }

    @Test
    void anOverflowOrAnyErrorMeansRescan() throws Exception {
        adapter.onEvent(event(EventType.OVERFLOW, false, ""));
        adapter.onException(new IOException("queue overflow"));
        adapter.onException(new IllegalStateException("odd"));
        assertThat(heard).containsExactly("rescan: watch events overflowed",
                "rescan: watcher error: IOException: queue overflow", "rescan: watcher error: IllegalStateException: odd");
    }

    @Test
    void theLibrarysNullPointerExceptionForAnOverflowIsSaidAsAnOverflow() {
        NullPointerException fromLibrary = new NullPointerException();
        fromLibrary.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.util.Objects", "requireNonNull", null, 1),
            new StackTraceElement("sun.nio.fs.UnixPath", "resolve", null, 1),
            new StackTraceElement("io.methvin.watcher.DirectoryWatcher", "runEventLoop", null, 1)});
        NullPointerException ours = new NullPointerException("a bug of ours");
        ours.setStackTrace(new StackTraceElement[] {new StackTraceElement("dev.ferry.X", "y", null, 1)});

        adapter.onException(fromLibrary);
        adapter.onException(ours);

        assertThat(heard).containsExactly("rescan: event queue overflowed (a burst of changes): rescanned",
                "rescan: watcher error: NullPointerException: a bug of ours");
    }

    @Test
    void theInotifyLimitMeansPollingNotARescan() {
        adapter.onException(new IOException("User limit of inotify watches reached"));
        assertThat(heard).containsExactly("failed: IOException: User limit of inotify watches reached");
    }

    @Test
    void itStopsWatchingWhenClosedAndShutsItsExecutorDown() {
        assertThat(adapter.isWatching()).isTrue();
        watcher.close();
        assertThat(adapter.isWatching()).isFalse();
        assertThat(unused.isShutdown()).isTrue();
    }
}
