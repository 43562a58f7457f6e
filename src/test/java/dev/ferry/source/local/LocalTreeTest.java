package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTreeTest {
    @TempDir
    Path root;

    private void touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
    }

    @Test
    void walksInTheOrderS3ListsKeys() throws IOException {
        for (String f : List.of("a0", "a/c", "a-b", "a/b/d", "b", "é", "z", "a/b.txt")) {
            touch(f);
        }
        List<String> seen = new ArrayList<>();
        new LocalTree(root).forEachRemaining(e -> seen.add(e.relative()));
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(dev.ferry.core.RemoteEntry.KEY_ORDER);
        assertThat(seen).isEqualTo(sorted).containsExactly("a-b", "a/b.txt", "a/b/d", "a/c", "a0", "b", "z", "é");
    }

    @Test
    void anEmptyFolderYieldsNothing() {
        assertThat(new LocalTree(root).hasNext()).isFalse();
    }

    @Test
    void aWalkFromAFolderOrAFileUnderTheRootKeepsTheRootsRelativePaths() throws IOException {
        for (String f : List.of("a/b/d", "a/b.txt", "a/c", "b")) {
            touch(f);
        }
        List<String> seen = new ArrayList<>();
        new LocalTree(root, root.resolve("a")).forEachRemaining(e -> seen.add(e.relative()));
        assertThat(seen).containsExactly("a/b.txt", "a/b/d", "a/c");

        seen.clear();
        new LocalTree(root, root.resolve("a/b/d")).forEachRemaining(e -> {
            seen.add(e.relative());
            assertThat(e.path()).isEqualTo(root.resolve("a/b/d"));
        });
        assertThat(seen).containsExactly("a/b/d");

        LocalTree gone = new LocalTree(root, root.resolve("gone"));
        assertThat(gone.hasNext()).isFalse();
        assertThat(gone.unreadable()).isEqualTo(1);
    }
}
