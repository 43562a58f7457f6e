package dev.ferry.filter;

import dev.ferry.core.Destination;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Maps a local path under a root to its destination, or says why it is skipped or rejected. Pure. */
public interface Router {
    /** S3's limit on key length, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 1024;

    /** The folder this router maps. */
    Path root();

    RouteDecision route(Path file);

    /** The first path segment under the root; empty for the root itself and outside it. */
    default Optional<String> firstSegment(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(root()) || absolute.equals(root())) {
            return Optional.empty();
        }
        return Optional.of(root().relativize(absolute).getName(0).toString());
    }

    /** The relative path's segments joined with '/'. */
    static String keyOf(Path relative) {
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    /**
     * Routed, unless the key is longer than S3 allows, holds U+FFFD (the character Java reads for bytes that are
     * not UTF-8, so the true name, and a key that tells it from another, cannot be known) or has a dot segment
     * (which only a rewrite can make: a file name is never "." or "..").
     */
    static RouteDecision checked(String bucket, String key) {
        if (key.indexOf('\uFFFD') >= 0) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.NAME_NOT_UTF8, bucket, key,
                    "file name is not valid UTF-8 (shown with \uFFFD): rename it with UTF-8 characters, e.g. "
                            + "convmv -f latin1 -t utf-8; its S3 key cannot be known");
        }
        java.util.Optional<String> dot = dev.ferry.core.DotSegments.in(key);
        if (dot.isPresent()) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.DOT_SEGMENT, bucket, key,
                    dev.ferry.core.DotSegments.why(dot.get()) + ": not uploaded; change the rewrite that made it");
        }
        int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > MAX_KEY_BYTES) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.KEY_TOO_LONG, bucket, key,
                    "key too long: " + keyBytes + " bytes in UTF-8, S3 allows " + MAX_KEY_BYTES);
        }
        return new RouteDecision.Routed(new Destination(bucket, key));
    }
}
