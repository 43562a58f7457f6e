package dev.ferry.filter;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Glob patterns for files that are never uploaded (editor swap files, partial downloads...). A pattern
 * without '/' is matched against the file name, one with '/' against the path relative to the watch root.
 */
public final class IgnoreRules {
    private final List<PathMatcher> nameMatchers = new ArrayList<>();
    private final List<PathMatcher> pathMatchers = new ArrayList<>();

    /** Throws IllegalArgumentException naming the pattern when one is not a valid glob. */
    public IgnoreRules(List<String> globs) {
        for (String glob : globs) {
            PathMatcher matcher;
            try {
                matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid glob pattern '" + glob + "': " + e.getMessage(), e);
            }
            (glob.contains("/") ? pathMatchers : nameMatchers).add(matcher);
        }
    }

    /** True when the file at {@code relative} (relative to the watch root) is to be ignored. */
    public boolean ignores(Path relative) {
        Path name = relative.getFileName();
        if (name != null) {
            for (PathMatcher m : nameMatchers) {
                if (m.matches(name)) {
                    return true;
                }
            }
        }
        for (PathMatcher m : pathMatchers) {
            if (m.matches(relative)) {
                return true;
            }
        }
        return false;
    }
}
