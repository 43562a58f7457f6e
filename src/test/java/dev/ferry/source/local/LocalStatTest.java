package dev.ferry.source.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FileStat;
import dev.ferry.source.local.LocalStat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStatTest {
    @TempDir
    Path dir;

    @Test
    void followsALinkToAFile() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "12345");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThat(LocalStat.of(link)).hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(5));
    }

    @Test
    void aLinkLoopOrADanglingLinkIsNoFileAndSaysWhy() throws Exception {
        Path loop1 = Files.createSymbolicLink(dir.resolve("loop1"), dir.resolve("loop2"));
        Files.createSymbolicLink(dir.resolve("loop2"), loop1);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));

        assertThat(LocalStat.of(loop1)).isEmpty();
        assertThat(LocalStat.of(dangling)).isEmpty();
        assertThat(LocalStat.notARegularFile(loop1)).startsWith("a symbolic link that leads to no regular file");
        assertThat(LocalStat.notARegularFile(dangling)).startsWith("a symbolic link that leads to no regular file");
    }

    @Test
    void saysWhetherAPathIsGoneOrSomethingElse() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        assertThat(LocalStat.of(fifo)).isEmpty();
        assertThat(LocalStat.notARegularFile(fifo)).startsWith("not a regular file (a FIFO");
        assertThat(LocalStat.notARegularFile(dir.resolve("never-there"))).isEqualTo("no longer exists");
        assertThat(LocalStat.notARegularFile(dir)).isEqualTo("a folder, not a file");
    }

    @Test
    void knowsTheInodeAndCtimeAndSeesThemMoveWhenSizeAndMtimeDoNot() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "abcd");
        FileStat before = LocalStat.of(file).orElseThrow();
        assertThat(before.knowsIdentity()).isTrue();
        assertThat(before.inode()).isEqualTo(Files.getAttribute(file, "unix:ino"));

        Path other = Files.writeString(dir.resolve("g"), "wxyz");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(file));
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FileStat after = LocalStat.of(file).orElseThrow();

        assertThat(after.sameSizeAndMtime(before)).isTrue();
        assertThat(after.identityMovedFrom(before)).isTrue();
        assertThat(after).isNotEqualTo(before);
        assertThat(after.identityMovedFrom(new FileStat(4, after.mtimeMillis()))).as("unknown is not moved").isFalse();
    }
}
