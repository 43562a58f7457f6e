package dev.ferry.core;

import java.util.Optional;

/**
 * A key with a {@code .} or {@code ..} path segment ({@code photos/../other/x.jpg}) is a different key from the
 * one it seems to name on S3 itself, but some S3 servers (S3Proxy among them) resolve dot segments in the request
 * path: a request for it reads, writes or deletes {@code other/x.jpg}, outside the prefix it was checked against.
 * Such a key is never written or deleted: the one rule for sites, key rewrites and replication.
 */
public final class DotSegments {
    private DotSegments() {
    }

    /** The first {@code .} or {@code ..} segment of {@code key} (between slashes or at either end), if any. */
    public static Optional<String> in(String key) {
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of(segment);
            }
        }
        return Optional.empty();
    }

    /** Why a key with that segment is never written or deleted, for a log line or a record's reason. */
    public static String why(String segment) {
        return "the key has a '" + segment + "' path segment (a dot segment), which some S3 servers resolve, so a "
                + "request for it would reach an object outside the prefix";
    }
}
