package dev.ferry.filter;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Glob patterns for files that are never uploaded (editor swap files, partial downloads...). A pattern
 * without '/' is matched against the file name, one with '/' against the path relative to the watch root.
 */
public final class IgnoreRules {
    private final List<Rule> nameRules = new ArrayList<>();
    private final List<Rule> pathRules = new ArrayList<>();

    /** A compiled glob with the text it was written as, so a skipped file can name the pattern that matched. */
    private record Rule(String glob, PathMatcher matcher) {
    }

    /** Throws IllegalArgumentException naming the pattern when one is not a valid glob. */
    public IgnoreRules(List<String> globs) {
        for (String glob : globs) {
            PathMatcher matcher;
            try {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid glob pattern '" + glob + "': " + e.getMessage(), e);
            }
            (glob.contains("/") ? pathRules : nameRules).add(new Rule(glob, matcher));
        }
    }

    /** True when the file at {@code relative} (relative to the watch root) is to be ignored. */
    public boolean ignores(Path relative) {
        return matching(relative).isPresent();
    }

    /** The pattern that ignores the file at {@code relative} (relative to the watch root), if one does. */
    public Optional<String> matching(Path relative) {
        Path name = relative.getFileName();
        if (name != null) {
            for (Rule r : nameRules) {
                if (r.matcher().matches(name)) {
                    return Optional.of(r.glob());
                }
            }
        }
        for (Rule r : pathRules) {
            if (r.matcher().matches(relative)) {
                return Optional.of(r.glob());
            }
        }
        return Optional.empty();
    }

    /** Why a file is skipped when {@code glob} ignores it: the reason names the pattern, so a user can find it. */
    public static String reason(String glob) {
        return "matches an ignore pattern: " + glob;
    }
}
