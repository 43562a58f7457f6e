package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the text of one key becomes a typed value, and how that value is shown again. Reasons thrown as
 * {@link BadValue} read after the key name ("must be ..."); they never quote the value of a secret.
 */
interface ValueType {

    /** Reads one value. */
    Object parse(String text, ParseContext ctx) throws BadValue;

    /** Reads a YAML sequence; only list-valued keys accept one. */
    default Object parseList(List<String> items, ParseContext ctx) throws BadValue {
        throw new BadValue("must be a single value, not a list");
    }

    /** Placeholder in --help, e.g. {@code <duration>}. */
    String label();

    /** Shows a parsed value the way a person would type it (masked for secrets). */
    default String display(Object value) {
        return String.valueOf(value);
    }

    /** A whole number in [min, max]. Parses to Integer. */
    record WholeNumber(int min, int max) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below with the accepted range
            }
            throw new BadValue("must be a whole number from " + min + " to " + max);
        }

        @Override
        public String label() {
            return "<n>";
        }
    }

    /**
     * A duration up to {@code max}. With an {@code off} word ("-1", "0") it parses to Optional (empty for
     * off) and other values must be positive; without one it parses to Duration.
     */
    record DurationType(Duration max, Optional<String> off) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            if (off.isPresent() && text.strip().equals(off.get())) {
                return Optional.empty();
            }
            String offHint = off.map(o -> " (" + o + " turns it off)").orElse("");
            Duration d;
            try {
                d = Units.parseDuration(text);
            } catch (BadValue e) {
                throw new BadValue(e.getMessage() + offHint);
            }
            if (d.compareTo(max) > 0) {
                throw new BadValue("must be at most " + Units.formatDuration(max));
            }
            if (off.isPresent()) {
                if (d.isZero()) {
                    throw new BadValue("must be longer than 0" + offHint);
                }
                return Optional.of(d);
            }
            return d;
        }

        @Override
        public String label() {
            return "<duration>";
        }

        @Override
        public String display(Object value) {
            if (value instanceof Optional<?> o) {
                return o.map(this::display).orElse(off.orElse("off") + " (off)");
            }
            return Units.formatDuration((Duration) value);
        }
    }

    /** A size in bytes in [min, max]. Parses to Long. */
    record SizeType(long min, long max) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            long bytes = Units.parseSize(text);
            if (bytes < min || bytes > max) {
                throw new BadValue("must be from " + Units.formatSize(min) + " to " + Units.formatSize(max));
            }
            return bytes;
        }

        @Override
        public String label() {
            return "<size>";
        }

        @Override
        public String display(Object value) {
            return Units.formatSize((Long) value);
        }
    }

    /** true/false (also yes/no, on/off, 1/0). Parses to Boolean. */
    record Bool() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1":
                    return Boolean.TRUE;
                case "false", "no", "off", "0":
                    return Boolean.FALSE;
                default:
                    throw new BadValue("must be true or false");
            }
        }

        @Override
        public String label() {
            return "<true|false>";
        }
    }

    /** Text matching a pattern; {@code secret} texts parse to {@link Secret}, others to String. */
    record Text(Pattern pattern, String rule, String label, boolean secret) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            String t = text.strip();
            if (!pattern.matcher(t).matches()) {
                throw new BadValue("must be " + rule);
            }
            return secret ? new Secret(t) : t;
        }

        @Override
        public String display(Object value) {
            return secret ? Secret.MASK : String.valueOf(value);
        }
    }

    /** A folder. When {@code mustExist}, it must exist; otherwise it must merely not be a file. Parses to Path. */
    record Folder(boolean mustExist) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            if (text.isBlank()) {
                throw new BadValue("must name a folder");
            }
            Path p;
            try {
                p = ctx.path(text);
            } catch (InvalidPathException e) {
                throw new BadValue("is not a valid path: " + e.getReason());
            }
            if (mustExist && !Files.exists(p)) {
                throw new BadValue("folder " + p + " does not exist", false);
            }
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new BadValue(p + " is not a folder", false);
            }
            if (mustExist && !Files.isReadable(p)) {
                throw new BadValue("folder " + p + " cannot be read", false);
            }
            return p;
        }

        @Override
        public String label() {
            return "<path>";
        }
    }
}
