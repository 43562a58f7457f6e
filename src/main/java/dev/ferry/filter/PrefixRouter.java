package dev.ferry.filter;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A site's mapping: every file under the site's folder goes to one bucket, under a prefix, keyed by its
 * relative path; the site's exclusions and inclusions and the global ignore patterns apply. Pure.
 */
public final class PrefixRouter implements Router {
    private final Path root;
    private final String bucket;
    private final String prefix;
    private final IgnoreRules ignoreRules;
    private final PathFilter filter;

    /** @param prefix "" or ending in "/" */
    public PrefixRouter(Path root, String bucket, String prefix, IgnoreRules ignoreRules, PathFilter filter) {
        this.root = root.toAbsolutePath().normalize();
        this.bucket = bucket;
        this.prefix = prefix;
        this.ignoreRules = ignoreRules;
        this.filter = filter;
    }

    @Override
    public Path root() {
        return root;
    }


    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public RouteDecision route(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(root) || absolute.equals(root)) {
            return new RouteDecision.Skipped("outside the site folder " + root);
        }
        Path relative = root.relativize(absolute);
        Optional<String> ignoredBy = ignoreRules.matching(relative);
        if (ignoredBy.isPresent()) {
            return new RouteDecision.Skipped(IgnoreRules.reason(ignoredBy.get()));
        }
        String rel = Router.keyOf(relative);
        String refusal = filter.refusal(rel);
        if (refusal != null) {
            return new RouteDecision.Skipped(refusal);
        }
        return Router.checked(bucket, prefix + rel);
    }

    /** The relative path of a key under this site's prefix, or null when the key is not under it. */
    public String relativeOf(String key) {
        return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
    }
}
