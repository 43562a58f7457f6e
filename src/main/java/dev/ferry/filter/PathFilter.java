package dev.ferry.filter;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A site's exclusions and inclusions, matched against the path relative to the site's folder ('/'-separated):
 * a pattern is a regex found anywhere in that path (seed 002's syntax), or a glob with "glob:", or a regex
 * with "regex:". Matching the relative path, not the absolute one as seed 002 did, means an exclusion
 * such as {@code logs} can never exclude a parent folder of the site.
 */
public final class PathFilter {
    private final List<Rule> exclusions;
    private final List<Rule> inclusions;

    /** One exclusion or inclusion as written, so a refusal can name the one that matched. */
    private record Rule(String text, Predicate<String> test) {
    }

    public PathFilter(List<String> exclusions, List<String> inclusions) {
        this.exclusions = compile(exclusions);
        this.inclusions = compile(inclusions);
    }

    public static PathFilter none() {
        return new PathFilter(List.of(), List.of());
    }

    /** Why the file at {@code relative} is not uploaded, or null when it is. */
    public String refusal(String relative) {
        for (Rule p : exclusions) {
            if (p.test().test(relative)) {
                return "matches an exclusion: " + p.text();
            }
        }
        if (!inclusions.isEmpty() && inclusions.stream().noneMatch(p -> p.test().test(relative))) {
            return "matches no inclusion";
        }
        return null;
    }

    private static List<Rule> compile(List<String> patterns) {
        List<Rule> out = new ArrayList<>();
        for (String p : patterns) {
            if (p.startsWith("glob:")) {
                PathMatcher m = FileSystems.getDefault().getPathMatcher(p);
                out.add(new Rule(p, rel -> m.matches(Path.of(rel))));
            } else {
                Pattern regex = Pattern.compile(p.startsWith("regex:") ? p.substring(6) : p);
                out.add(new Rule(p, rel -> regex.matcher(rel).find()));
            }
        }
        return List.copyOf(out);
    }
}
