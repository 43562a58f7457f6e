package dev.ferry.source.local;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ItemContent;
import dev.ferry.core.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSourceTest {
    @TempDir
    Path root;

    @Test
    void listsRegularFilesByAbsolutePathInKeyOrderWithTheirVersions() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/c"), "abc");
        Files.writeString(root.resolve("a-b"), "x");
        Files.writeString(root.resolve("a0"), "yy");
        LocalSource source = new LocalSource(TestIds.SOURCE, root);
        try (Stream<Source.Item> items = source.list()) {
            List<Source.Item> all = items.toList();
            assertThat(all).extracting(Source.Item::item).containsExactly(root.resolve("a-b").toString(),
                    root.resolve("a/c").toString(), root.resolve("a0").toString());
            assertThat(all.get(1).version().size()).isEqualTo(3);
            assertThat(all.get(1).version().stat().knowsIdentity()).isTrue();
        }
    }

    @Test
    void tellsADeletedFileFromSomethingThatIsNoFile() throws IOException {
        LocalSource source = new LocalSource(TestIds.SOURCE, root);
        Path folder = Files.createDirectories(root.resolve("folder"));
        assertThat(source.version(folder.toString())).isEmpty();
        assertThat(source.notAnItem(folder.toString())).as("a folder in a file's place: the file is gone").isEmpty();
        Path dangling = Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));
        assertThat(source.version(dangling.toString())).isEmpty();
        assertThat(source.notAnItem(dangling.toString())).isPresent();
        String gone = root.resolve("gone.txt").toString();
        assertThat(source.version(gone)).isEmpty();
        assertThat(source.notAnItem(gone)).isEmpty();
        assertThat(source.available()).isTrue();
        assertThat(new LocalSource(TestIds.SOURCE, root.resolve("missing")).available()).isFalse();
    }

    @Test
    void ownsTheFilesUnderItsFolderOnly() {
        LocalSource source = new LocalSource(TestIds.SOURCE, root.resolve("site"));
        assertThat(source.owns(root.resolve("site/x.txt").toString())).isTrue();
        assertThat(source.owns(root.resolve("site-other/x.txt").toString())).isFalse();
        assertThat(source.ref(root.resolve("site/x.txt").toString()))
                .isEqualTo(LocalSource.ref(TestIds.SOURCE, root.resolve("site/x.txt")));
    }

    @Test
    void servesRangesEachFromItsOwnStream() throws IOException {
        Path file = root.resolve("f.bin");
        Files.writeString(file, "0123456789");
        ItemContent content = new LocalSource(TestIds.SOURCE, root).content(file.toString());
        assertThat(content.name()).isEqualTo("f.bin");
        assertThat(content.currentLength()).isEqualTo(10);
        try (InputStream whole = content.open(0, 10); InputStream tail = content.open(6, 4)) {
            assertThat(new String(tail.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("6789");
            assertThat(new String(whole.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
        }
    }
}
