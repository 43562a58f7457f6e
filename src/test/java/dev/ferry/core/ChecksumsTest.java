package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChecksumsTest {
    @TempDir
    Path dir;

    @Test
    void md5HexOfKnownContent() throws IOException {
        Path file = Files.writeString(dir.resolve("hello.txt"), "hello");

        assertThat(Checksums.md5Hex(file)).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(Checksums.md5Hex(Files.write(dir.resolve("empty"), new byte[0])))
                .isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 1000, 1",         // an empty file is one empty part
        "1, 1000, 1",
        "999, 1000, 1",
        "1000, 1000, 1",      // exactly one part
        "1001, 1000, 2",
        "3000, 1000, 3",      // an exact multiple has no empty last part
        "200001, 65537, 4",   // parts that straddle the read buffer
        "300000, 7, 42858"
    })
    void multipartEtagIsTheMd5OfThePartMd5sAndTheCount(int size, long partSize, int parts) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        Path file = Files.write(dir.resolve("f" + size), content);

        assertThat(Checksums.multipartEtag(file, partSize)).isEqualTo(expected(content, (int) partSize))
                .endsWith("-" + parts);
    }

    @Test
    void knownValueForThreeShortParts() throws Exception {
        // parts "abc", "def", "g": md5s concatenated, then md5 again
        Path file = Files.writeString(dir.resolve("abc"), "abcdefg");

        assertThat(Checksums.multipartEtag(file, 3)).isEqualTo(expected("abcdefg".getBytes(), 3));
        assertThat(Checksums.multipartEtag(file, 3)).matches("[0-9a-f]{32}-3");
    }

    @Test
    void rejectsANonPositivePartSizeAndAMissingFile() {
        assertThatThrownBy(() -> Checksums.multipartEtag(dir.resolve("x"), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checksums.multipartEtag(dir.resolve("missing"), 10))
                .isInstanceOf(IOException.class);
    }

    /** The definition, spelled out on an in-memory copy. */
    private static String expected(byte[] content, int partSize) throws Exception {
        MessageDigest outer = MessageDigest.getInstance("MD5");
        int count = 0;
        for (int offset = 0; offset < content.length || count == 0; offset += partSize) {
            byte[] part = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + partSize));
            outer.update(MessageDigest.getInstance("MD5").digest(part));
            count++;
        }
        return HexFormat.of().formatHex(outer.digest()) + "-" + count;
    }
}
