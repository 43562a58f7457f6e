package dev.ferry.filter;

import dev.ferry.core.Destination;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Maps a local path under the watch root to its destination: the first folder is the bucket, the rest of
 * the path, '/'-separated, is the key. Pure: touches neither the disk nor the network.
 */
public final class Router {
    /** S3's limit on key length, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private final Path root;
    private final IgnoreRules ignoreRules;

    public Router(Path root, IgnoreRules ignoreRules) {
        this.root = root.toAbsolutePath().normalize();
        this.ignoreRules = ignoreRules;
    }

    public Path root() {
        return root;
    }

    public RouteDecision route(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(root) || absolute.equals(root)) {
            return new RouteDecision.Skipped("outside the watch root " + root);
        }
        Path relative = root.relativize(absolute);
        if (ignoreRules.ignores(relative)) {
            return new RouteDecision.Skipped("matches an ignore pattern");
        }
        if (relative.getNameCount() < 2) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.ROOT_FILE, "", "",
                    "file directly under the watch root: only files inside a bucket folder are uploaded");
        }
        String bucket = relative.getName(0).toString();
        String key = keyOf(relative.subpath(1, relative.getNameCount()));
        Optional<String> bucketProblem = BucketNames.problem(bucket);
        if (bucketProblem.isPresent()) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.INVALID_BUCKET, bucket, key,
                    "folder '" + bucket + "' is not a valid S3 bucket name: " + bucketProblem.get());
        }
        int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > MAX_KEY_BYTES) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.KEY_TOO_LONG, bucket, key,
                    "key too long: " + keyBytes + " bytes in UTF-8, S3 allows " + MAX_KEY_BYTES);
        }
        return new RouteDecision.Routed(new Destination(bucket, key));
    }

    /** The first path segment under the root (the bucket folder, for a path inside one); empty for the root itself and outside it. */
    public Optional<String> bucketOf(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(root) || absolute.equals(root)) {
            return Optional.empty();
        }
        return Optional.of(root.relativize(absolute).getName(0).toString());
    }

    private static String keyOf(Path relativeInBucket) {
        StringBuilder key = new StringBuilder();
        for (Path part : relativeInBucket) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }
}
