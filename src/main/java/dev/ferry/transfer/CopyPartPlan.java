package dev.ferry.transfer;

import java.util.ArrayList;
import java.util.List;

/**
 * The byte ranges of a copy made in parts ({@code UploadPartCopy} on one server, ranged GETs into
 * {@code UploadPart} across two). CopyObject takes at most 5 GiB, so larger objects are copied in parts; the
 * part size is the upload path's own rule ({@link MultipartUploader#partSizeFor}: the configured size, grown so
 * that no object needs more than 10,000 parts).
 */
final class CopyPartPlan {
    /** S3's largest CopyObject (and PutObject): larger objects are copied in parts. */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

    /** One part: its number (from 1) and its inclusive byte range. */
    record Part(int number, long first, long last) {
        long length() {
            return last - first + 1;
        }

        /** The HTTP range, {@code bytes=first-last}. */
        String range() {
            return "bytes=" + first + "-" + last;
        }
    }

    private CopyPartPlan() {
    }

    /** The parts of an object of {@code size} bytes (more than 0) with the configured part size. */
    static List<Part> parts(long size, long configuredPartSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("a copy in parts needs a non-empty object, got " + size + " bytes");
        }
        long partSize = MultipartUploader.partSizeFor(size, configuredPartSize);
        List<Part> parts = new ArrayList<>();
        int n = 0;
        for (long first = 0; first < size; first += partSize) {
            parts.add(new Part(++n, first, Math.min(size, first + partSize) - 1));
        }
        return parts;
    }
}
