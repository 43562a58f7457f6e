package dev.ferry.filter;

import dev.ferry.core.Destination;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The watch_path mode (seed 000): the first folder under the root is the bucket, the rest of the path,
 * '/'-separated, is the key. Pure: touches neither the disk nor the network.
 */
public final class FolderBucketRouter implements Router {
    private final Path root;
    private final IgnoreRules ignoreRules;

    public FolderBucketRouter(Path root, IgnoreRules ignoreRules) {
        this.root = root.toAbsolutePath().normalize();
        this.ignoreRules = ignoreRules;
    }


    @Override
    public Path root() {
        return root;
    }

    @Override
    public RouteDecision route(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(root) || absolute.equals(root)) {
            return new RouteDecision.Skipped("outside the watch root " + root);
        }
        Path relative = root.relativize(absolute);
        Optional<String> ignoredBy = ignoreRules.matching(relative);
        if (ignoredBy.isPresent()) {
            return new RouteDecision.Skipped(IgnoreRules.reason(ignoredBy.get()));
        }
        if (relative.getNameCount() < 2) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.ROOT_FILE, "", "",
                    "file directly under the watch root: only files inside a bucket folder are uploaded");
        }
        String bucket = relative.getName(0).toString();
        String key = Router.keyOf(relative.subpath(1, relative.getNameCount()));
        Optional<String> bucketProblem = BucketNames.problem(bucket);
        if (bucketProblem.isPresent()) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.INVALID_BUCKET, bucket, key,
                    "folder '" + bucket + "' is not a valid S3 bucket name: " + bucketProblem.get());
        }
        return Router.checked(bucket, key);
    }
}
