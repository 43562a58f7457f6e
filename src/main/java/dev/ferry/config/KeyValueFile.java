package dev.ferry.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax of seed 004's {@code config.txt} (syncd): one {@code key=value} per line, split at the first
 * {@code =}, key and value trimmed; blank lines and lines starting with {@code #} are skipped. Beyond what syncd
 * read, a value may be quoted ({@code "..."} or {@code '...'}: the quotes are not part of it) and may end with a
 * comment after whitespace ({@code  # ...}), as syncd's own example file writes one. Problems name the file and
 * line, never a value (a line may hold a secret).
 */
final class KeyValueFile {
    /** A key's first significant line looks like this: a name, then {@code =} (YAML would have a colon). */
    private static final Pattern KEY_VALUE_LINE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*[ \\t]*=.*");
    private static final char BOM = '\uFEFF';

    /**
     * One {@code key=value} line: the key as written, the value unquoted, and its 1-based line number. A
     * {@code malformed} line's value could not be read (a problem says why); its value is "".
     */
    record Line(String key, String value, int number, boolean malformed) {
        Line(String key, String value, int number) {
            this(key, value, number, false);
        }
    }

    private KeyValueFile() {
    }

    /**
     * Whether the file is in the key=value form, judged by its content: its first line that is neither blank
     * nor a comment is {@code name=...}. Such a file is never valid Ferry YAML (a YAML file maps keys with a
     * colon), so the judgement cannot take a YAML file away from the YAML reader. False when the file cannot
     * be read: the YAML reader then reports why.
     */
    static boolean isKeyValue(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            for (String line : lines(Files.readString(file, StandardCharsets.UTF_8))) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    return KEY_VALUE_LINE.matcher(t).matches();
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * The file's {@code key=value} lines in order, or empty (with the reason added to {@code problems}) when the
     * file cannot be read as a whole. A line that is not {@code key=value}, or whose value is badly quoted, is
     * a problem of its own; the other lines are still returned.
     */
    static Optional<List<Line>> read(Path file, List<String> problems) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            problems.add(file + ": config file is not UTF-8 text");
            return Optional.empty();
        } catch (IOException e) {
            problems.add(file + ": config file cannot be read (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
        List<Line> out = new ArrayList<>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                problems.add(file + " line " + number + ": not a key=value line (one key=value per line, # starts "
                        + "a comment)");
                continue;
            }
            String key = t.substring(0, eq).strip();
            if (key.isEmpty()) {
                problems.add(file + " line " + number + ": the line starts with '=': a key is missing before it");
                continue;
            }
            try {
                out.add(new Line(key, value(t.substring(eq + 1)), number));
            } catch (BadValue e) {
                problems.add(key + " (" + file + " line " + number + "): " + e.getMessage());
                out.add(new Line(key, "", number, true)); // set, though not readably: never "missing" as well
            }
        }
        return Optional.of(out);
    }

    /** Lines split at \n, a trailing \r dropped, a leading byte order mark ignored. */
    private static List<String> lines(String text) {
        String t = !text.isEmpty() && text.charAt(0) == BOM ? text.substring(1) : text;
        List<String> lines = new ArrayList<>();
        for (String line : t.split("\n", -1)) {
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        return lines;
    }

    /** The value as meant: trimmed, quotes removed, a trailing {@code  # comment} left out. */
    static String value(String raw) throws BadValue {
        String v = raw.strip();
        if (v.startsWith("\"") || v.startsWith("'")) {
            char quote = v.charAt(0);
            int end = v.indexOf(quote, 1);
            if (end < 0) {
                throw new BadValue("the value opens a quote (" + quote + ") that is never closed");
            }
            String rest = v.substring(end + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new BadValue("text follows the closing quote; only a # comment may");
            }
            return v.substring(1, end);
        }
        for (int i = 1; i < v.length(); i++) {
            if (v.charAt(i) == '#' && Character.isWhitespace(v.charAt(i - 1))) {
                return v.substring(0, i).strip();
            }
        }
        return v;
    }
}
