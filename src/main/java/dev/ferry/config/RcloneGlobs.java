package dev.ferry.config;

import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * rclone's {@code --include}/{@code --exclude} globs, as the site filter's {@code glob:} patterns (matched
 * against the path relative to the synced folder, '/'-separated):
 * <ul>
 * <li>{@code *} matches within one path element, {@code **} across elements, {@code ?} one character,
 * {@code [a-z]} and {@code [^a-z]} (or {@code [!a-z]}) a class, {@code {jpg,png}} alternatives; {@code \} escapes.
 * <li>A glob starting with {@code /} matches from the top of the folder; any other matches the end of the path
 * on whole elements: {@code file.jpg} matches {@code file.jpg} and {@code dir/file.jpg}, not {@code afile.jpg}.
 * <li>A glob ending with {@code /} matches everything inside such a folder ({@code cache/} is {@code cache/**}).
 * </ul>
 */
public final class RcloneGlobs {
    private RcloneGlobs() {
    }

    /** The site patterns of one rclone glob; throws BadValue (reason only, the caller names the option). */
    static List<String> patterns(String glob) throws BadValue {
        String g = glob.strip();
        if (g.isEmpty()) {
            throw new BadValue("must be a glob such as '*.jpg' or '/photos/**', not empty", false);
        }
        boolean anchored = g.startsWith("/");
        while (g.startsWith("/")) {
            g = g.substring(1);
        }
        if (g.isEmpty()) {
            throw new BadValue("'" + glob + "' matches nothing: write '/**' for every file, or a glob such as "
                    + "'/photos/**'", false);
        }
        if (g.endsWith("/")) {
            g = g + "**";
        }
        g = g.replace("[^", "[!"); // rclone (Go) negates a class with ^, Java's glob with !
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + g);
        } catch (PatternSyntaxException e) {
            throw new BadValue("'" + glob + "' is not a valid glob: " + e.getDescription(), false);
        } catch (IllegalArgumentException e) {
            throw new BadValue("'" + glob + "' is not a valid glob", false);
        }
        List<String> out = new ArrayList<>();
        out.add("glob:" + g);
        if (!anchored && !g.startsWith("**/")) {
            out.add("glob:**/" + g); // the end of the path, on whole elements
        }
        return out;
    }
}
