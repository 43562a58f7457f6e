package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index of a tree's symbolic links by the file they lead to, on real files and links. */
class LinkIndexTest {
    @TempDir
    Path tmp;

    private final LinkIndex index = new LinkIndex();

    @Test
    void aLinkToAFileIsFoundByItsTargetAndNothingElseIsIndexed() throws Exception {
        Path target = Files.writeString(tmp.resolve("target.txt"), "v1");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), target);
        Path chained = Files.createSymbolicLink(tmp.resolve("chained.txt"), link);
        Path folder = Files.createDirectories(tmp.resolve("folder"));
        Path toFolder = Files.createSymbolicLink(tmp.resolve("to-folder"), folder);
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling.txt"), tmp.resolve("nothing"));

        assertThat(index.linksTo(target)).as("nothing known yet").isEmpty();
        for (Path p : new Path[] {target, link, chained, toFolder, dangling}) {
            index.seen(p);
        }
        assertThat(index.linksTo(target)).containsExactlyInAnyOrder(link, chained);
        assertThat(index.linksTo(folder)).as("a link to a folder is not followed").isEmpty();
        assertThat(index.linksTo(tmp.resolve("nothing"))).as("a dangling link leads nowhere").isEmpty();
    }

    @Test
    void aRetargetedLinkMovesAndADeletedOneIsForgotten() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.txt"), "a");
        Path b = Files.writeString(tmp.resolve("b.txt"), "b");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), a);
        index.seen(link);
        assertThat(index.linksTo(a)).containsExactly(link);

        Files.delete(link);
        Files.createSymbolicLink(link, b);
        index.seen(link);
        assertThat(index.linksTo(a)).isEmpty();
        assertThat(index.linksTo(b)).containsExactly(link);

        Files.delete(link);
        Files.writeString(link, "now a regular file");
        index.seen(link);
        assertThat(index.linksTo(b)).as("a link replaced by a file").isEmpty();

        Path again = Files.createSymbolicLink(tmp.resolve("again.txt"), b);
        index.seen(again);
        index.forget(again);
        assertThat(index.linksTo(b)).isEmpty();
    }

    @Test
    void theLinksOfADeletedTargetAreStillFoundByItsPath() throws Exception {
        Path tree = tmp.toRealPath();
        Path target = Files.writeString(tree.resolve("target.txt"), "v1");
        Path link = Files.createSymbolicLink(tree.resolve("link.txt"), target);
        index.seen(link);
        Files.delete(target);
        assertThat(index.linksTo(target)).containsExactly(link);
    }

    @Test
    void theOtherNamesOfAHardLinkedFileAreFoundByEitherName() throws Exception {
        Path one = Files.writeString(tmp.resolve("one.txt"), "v1");
        Path alone = Files.writeString(tmp.resolve("alone.txt"), "a");
        index.seen(alone);
        assertThat(index.linksTo(alone)).as("a file of one name is not indexed").isEmpty();

        Path two = Files.createLink(tmp.resolve("two.txt"), one);
        index.seen(two); // the event of the new name

        assertThat(index.linksTo(one)).as("a change through the first name").containsExactly(two);
        index.seen(one);
        assertThat(index.linksTo(two)).containsExactly(one);

        Files.delete(two);
        index.forget(two);
        assertThat(index.linksTo(one)).isEmpty();
    }
}
