package dev.ferry.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Checksums of local files as S3 reports them, for comparing a file with an object without downloading it:
 * the MD5 that is the ETag of a single-part upload, and the ETag a multipart upload with a given part size gets.
 */
public final class Checksums {
    private static final int BUFFER = 64 * 1024;

    private Checksums() {
    }

    /** Lower-case hex MD5 of the file's content. */
    public static String md5Hex(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return md5Hex(in);
        }
    }

    /** Lower-case hex MD5 of what {@code in} holds to its end (left open: the caller closes it). */
    public static String md5Hex(InputStream in) throws IOException {
        MessageDigest digest = newMd5();
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return hex(digest.digest());
    }

    /** A fresh MD5 digest. */
    public static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** Lower-case hex of a digest. */
    public static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    /**
     * The ETag S3 gives the file when uploaded in parts of {@code partSize} bytes (the last one shorter): the hex
     * MD5 of the concatenated binary MD5s of the parts, then "-" and the number of parts, e.g.
     * {@code "d41d8cd98f00b204e9800998ecf8427e-3"}. An empty file counts as one empty part. Seed 002
     * (s3sync-service) uploaded with 5 MiB parts. Compare single-part objects with {@link #md5Hex} instead.
     *
     * @throws IOException when the file cannot be read
     */
    public static String multipartEtag(Path file, long partSize) throws IOException {
        requirePositive(partSize);
        List<byte[]> parts;
        try (InputStream in = Files.newInputStream(file)) {
            parts = partMd5s(in, partSize, null);
        }
        MessageDigest ofParts = newMd5();
        parts.forEach(ofParts::update);
        return hex(ofParts.digest()) + "-" + parts.size();
    }

    /**
     * The binary MD5 of each part of the stream cut into parts of {@code partSize} bytes (the last one shorter;
     * an empty stream is one empty part), reading it once; every byte also goes into {@code whole} when given.
     */
    public static List<byte[]> partMd5s(InputStream in, long partSize, MessageDigest whole) throws IOException {
        requirePositive(partSize);
        List<byte[]> parts = new ArrayList<>();
        MessageDigest part = newMd5();
        long inPart = 0;
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (whole != null) {
                whole.update(buffer, 0, n);
            }
            int offset = 0;
            while (offset < n) {
                int take = (int) Math.min(n - offset, partSize - inPart);
                part.update(buffer, offset, take);
                offset += take;
                inPart += take;
                if (inPart == partSize) {
                    parts.add(part.digest());
                    inPart = 0;
                }
            }
        }
        if (inPart > 0 || parts.isEmpty()) {
            parts.add(part.digest());
        }
        return parts;
    }

    private static void requirePositive(long partSize) {
        if (partSize < 1) {
            throw new IllegalArgumentException("part size must be positive, got " + partSize);
        }
    }
}
