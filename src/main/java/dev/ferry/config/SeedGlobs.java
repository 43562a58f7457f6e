package dev.ferry.config;

import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003's {@code input_file_pattern} (a node-glob pattern such as {@code data/**}{@code /*.csv}) as a site:
 * its fixed leading folders are the site's folder, the rest an inclusion matched against the path under it.
 * node-glob's {@code **}{@code /} also matches no folder at all, which Java's glob does not: it becomes
 * {@code {**}{@code /,}}.
 */
final class SeedGlobs {
    private static final String META = "*?[{";

    private SeedGlobs() {
    }

    /** A pattern split in two: the folder part before the first segment with a wildcard, and the rest. */
    record Split(String fixed, String rest) {
    }

    /** "data/in/**" gives ("data/in/", "**"); "**" gives ("", "**"); "/var/x/*.csv" gives ("/var/x/", "*.csv"). */
    static Split split(String pattern) {
        String p = pattern.strip().replace('\\', '/');
        int end = 0; // the end of the fixed part: just after a '/'
        int segmentStart = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (META.indexOf(c) >= 0) {
                break;
            }
            if (c == '/') {
                end = i + 1;
                segmentStart = i + 1;
            }
        }
        if (segmentStart == 0 && p.startsWith("/")) {
            end = 1;
        }
        return new Split(p.substring(0, end), p.substring(end));
    }

    /** The site inclusions ("glob:...") of the part after the fixed folders; throws when it is not a glob. */
    static List<String> inclusions(String rest) throws BadValue {
        String r = rest.strip();
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        if (r.isEmpty()) {
            throw new BadValue("'" + rest + "' names a folder, not files: end it with /** for every file in it", false);
        }
        List<String> out = new ArrayList<>();
        if (!r.contains("{")) {
            out.add("glob:" + r.replace("**/", "{**/,}"));
        } else { // groups do not nest in Java's glob: the pattern as written and without its first **/
            out.add("glob:" + r);
            if (r.contains("**/")) {
                out.add("glob:" + r.replaceFirst("\\*\\*/", ""));
            }
        }
        for (String glob : out) {
            try {
                FileSystems.getDefault().getPathMatcher(glob);
            } catch (IllegalArgumentException e) { // PatternSyntaxException too
                throw new BadValue("'" + rest + "' is not a valid glob", false);
            }
        }
        return out;
    }
}
