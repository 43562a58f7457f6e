package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched folder that is a symbolic link to a folder is watched through its link: files created after the
 * start, in it and in its folders, are reported under the link's path. (The walk that registers the tree follows
 * no link, and took the root itself for a file: nothing was watched while the watcher said it was watching.)
 */
class TreeWatcherLinkedRootTest {
    @TempDir
    Path tmp;

    @Test
    void aWatchedFolderThatIsALinkIsWatchedThroughItsLink() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("disk2/photos/day1"));
        Path link = Files.createSymbolicLink(tmp.resolve("photos"), real.getParent());
        List<String> heard = new CopyOnWriteArrayList<>();
        TreeWatcher watcher = new TreeWatcher(link, new WatchListener() {
            @Override
            public void fileChanged(Path path) {
                heard.add("changed " + link.relativize(path));
            }

            @Override
            public void fileDeleted(Path path) {
            }

            @Override
            public void directoryCreated(Path path) {
            }

            @Override
            public void rescan(String reason) {
            }

            @Override
            public void rescanFolder(Path folder, String reason) {
            }

            @Override
            public void folderUnwatched(Path folder, String reason) {
                heard.add("unwatched " + folder);
            }

            @Override
            public void unwatchedFolderChanged(Path folder) {
            }

            @Override
            public void watching() {
                heard.add("watching");
            }

            @Override
            public void failed(String reason) {
                heard.add("failed " + reason);
            }
        });
        try {
            watcher.start();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> heard.contains("watching"));

            Files.writeString(real.getParent().resolve("a.jpg"), "a");
            Files.writeString(real.resolve("b.jpg"), "b");

            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> heard.contains("changed a.jpg") && heard.contains("changed day1/b.jpg"));
            assertThat(heard).noneMatch(h -> h.startsWith("unwatched") || h.startsWith("failed"));
        } finally {
            watcher.close();
        }
    }
}
