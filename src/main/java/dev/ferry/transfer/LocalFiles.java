package dev.ferry.transfer;

import dev.ferry.core.ItemContent;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reading an item's content for upload: whole small items, and MD5 digests of big ones, always of the expected
 * length.
 */
final class LocalFiles {
    private static final int BUFFER = 64 * 1024;

    private LocalFiles() {
    }

    /** Reads a file that must be exactly {@code expected} bytes long. */
    static byte[] readExactly(ItemContent file, long expected) throws IOException {
        if (expected > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too large to read into memory: " + expected);
        }
        byte[] content = new byte[(int) expected];
        try (InputStream in = open(file, expected)) {
            int offset = 0;
            while (offset < content.length) {
                int n = in.read(content, offset, content.length - offset);
                offset += n; // never -1 before the end: ExactLengthInputStream throws instead
            }
            if (in.read() != -1) {
                throw new FileChangedException("file grew past " + expected + " bytes: it changed while uploading");
            }
        }
        return content;
    }

    /** MD5 of a file that must be exactly {@code expected} bytes long, streamed in small chunks. */
    static byte[] md5(ItemContent file, long expected) throws IOException {
        MessageDigest digest = newMd5();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = open(file, expected)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /** Opens the content as a stream that fails unless it holds exactly {@code expected} bytes. */
    static InputStream open(ItemContent file, long expected) throws IOException {
        return new ExactLengthInputStream(file.open(0, expected), expected);
    }

    static MessageDigest newMd5() {
        return dev.ferry.core.Checksums.newMd5();
    }

    static byte[] md5(byte[] content, int length) {
        MessageDigest digest = newMd5();
        digest.update(content, 0, length);
        return digest.digest();
    }

    static String hex(byte[] digest) {
        return dev.ferry.core.Checksums.hex(digest);
    }

    static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }
}
