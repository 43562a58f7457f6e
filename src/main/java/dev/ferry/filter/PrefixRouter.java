package dev.ferry.filter;

import dev.ferry.core.KeyRewrite;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A site's mapping: every file under the site's folder goes to one bucket, under a prefix, keyed by its
 * relative path; the site's exclusions and inclusions and the global ignore patterns apply. Seed 003's key
 * rule: the file's path as its policy's pattern spells it ({@code pathPrefix} + relative path) loses the
 * remove prefix (input_remove_prefix) when it starts with it, and {@code prefix + rest} is the key. The site's
 * {@link KeyRewrite} rules then rewrite that key (a file none matches is rejected as ignored when they are
 * required), and the result is checked as every key is (length, UTF-8). Pure.
 */
public final class PrefixRouter implements Router {
    private final Path root;
    private final String bucket;
    private final String prefix;
    private final IgnoreRules ignoreRules;
    private final PathFilter filter;
    private final String pathPrefix;
    private final String removePrefix;
    private final KeyRewrite rewrite;

    /** @param prefix "" or ending in "/" */
    public PrefixRouter(Path root, String bucket, String prefix, IgnoreRules ignoreRules, PathFilter filter) {
        this(root, bucket, prefix, ignoreRules, filter, "", "");
    }

    /**
     * @param prefix       put before every key as it is (seed 003's output_key_prefix need not end in "/")
     * @param pathPrefix   put before the relative path to spell the file's path as a seed 003 policy's pattern
     *                     does (its fixed folders, e.g. "data/"); "" for the relative path alone
     * @param removePrefix cut from that path ('/'-separated) when it starts with it; "" for none
     */
    public PrefixRouter(Path root, String bucket, String prefix, IgnoreRules ignoreRules, PathFilter filter,
            String pathPrefix, String removePrefix) {
        this(root, bucket, prefix, ignoreRules, filter, pathPrefix, removePrefix, KeyRewrite.NONE);
    }

    /** @param rewrite the site's key rewrites, applied to {@code prefix + rest} */
    public PrefixRouter(Path root, String bucket, String prefix, IgnoreRules ignoreRules, PathFilter filter,
            String pathPrefix, String removePrefix, KeyRewrite rewrite) {
        this.rewrite = rewrite;
        this.pathPrefix = pathPrefix;
        this.removePrefix = removePrefix;
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

    /** Cut from the start of each path (pathPrefix + relative path) before the prefix is put in front. */
    public String removePrefix() {
        return removePrefix;
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
        String path = pathPrefix + rel;
        String rest = !removePrefix.isEmpty() && path.startsWith(removePrefix) ? path.substring(removePrefix.length())
                : path;
        if (rest.isEmpty()) {
            return new RouteDecision.Skipped("input_remove_prefix '" + removePrefix + "' is its whole path: no key left");
        }
        String key = prefix + rest;
        Optional<String> rewritten = rewrite.apply(key);
        if (rewritten.isEmpty()) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.NO_REWRITE, bucket, key,
                    rewrite.noMatchReason(key));
        }
        if (rewritten.get().isEmpty()) {
            return new RouteDecision.Rejected(RouteDecision.Rejection.NO_REWRITE, bucket, key,
                    "rewrite: a rule turned its key '" + key + "' into an empty key");
        }
        return Router.checked(bucket, rewritten.get());
    }

    /**
     * The key of the file at {@code relative} ('/'-separated, under the root) as {@link #route} makes it, before
     * its checks and filters: what a comparison with a listing pairs the file with (a file a rewrite rule must but
     * does not match keeps its unrewritten key).
     */
    public String keyFor(String relative) {
        String path = pathPrefix + relative;
        String rest = !removePrefix.isEmpty() && path.startsWith(removePrefix) ? path.substring(removePrefix.length())
                : path;
        String key = prefix + rest;
        return rewrite.apply(key).filter(k -> !k.isEmpty()).orElse(key);
    }

    /**
     * Whether keys sort as the relative paths do, so a comparison may merge a walk in path order with a listing in
     * key order: no rewrite rules, and no remove prefix that only some paths start with.
     */
    public boolean keysFollowPaths() {
        return rewrite.rules().isEmpty() && (removePrefix.isEmpty() || pathPrefix.startsWith(removePrefix));
    }

    /**
     * What every key of this site starts with where that is known (the prefix and the fixed folders of its
     * pattern that stay in the key), else the prefix: the listing a comparison asks for. Objects of other
     * policies under the same prefix are then no extra objects of this one.
     */
    public String keyStart() {
        if (!rewrite.rules().isEmpty()) {
            return prefix;
        }
        if (removePrefix.isEmpty()) {
            return prefix + pathPrefix;
        }
        return pathPrefix.startsWith(removePrefix) ? prefix + pathPrefix.substring(removePrefix.length()) : prefix;
    }

    /**
     * The relative path of a key under this site's prefix, or null when the key is not under it. With a remove
     * prefix, the path that had it (a file whose path did not start with it gives the same key: ambiguous).
     */
    public String relativeOf(String key) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        String rest = key.substring(prefix.length());
        boolean keptWhole = !pathPrefix.isEmpty() && rest.startsWith(pathPrefix); // ambiguous: this reading first
        for (String path : keptWhole ? new String[] {rest} : new String[] {removePrefix + rest, rest}) {
            if (path.startsWith(pathPrefix)) {
                return path.substring(pathPrefix.length());
            }
        }
        return null;
    }
}
