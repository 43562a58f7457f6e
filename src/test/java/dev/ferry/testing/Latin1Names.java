package dev.ferry.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Files whose names are not valid UTF-8 (their characters written as Latin-1 bytes, as an old camera or an archive
 * does). Java cannot make such a name from a String where file names are UTF-8, so a shell writes it; the path
 * returned is the one a listing of its folder gives (it keeps the bytes; its string shows U+FFFD).
 */
public final class Latin1Names {
    private Latin1Names() {
    }

    /** Writes {@code content} to a file named {@code name} in Latin-1 bytes in {@code folder}. */
    public static Path write(Path folder, String name, String content) throws IOException, InterruptedException {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "file names are read as UTF-8 (LC_ALL=C.UTF-8, as surefire and failsafe set)");
        StringBuilder octal = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.ISO_8859_1)) {
            octal.append(String.format("\\%03o", b & 0xff));
        }
        Process p = new ProcessBuilder("sh", "-c", "printf '%s' \"$2\" > \"$1/$(printf '" + octal + "')\"", "sh",
                folder.toString(), content).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("sh could not write " + name + " in " + folder);
        }
        String shown = new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(e -> e.getFileName().toString().equals(shown)).findFirst()
                    .orElseThrow(() -> new IOException(shown + " not found in " + folder));
        }
    }
}
