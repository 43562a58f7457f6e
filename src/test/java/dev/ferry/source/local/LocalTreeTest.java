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
}
