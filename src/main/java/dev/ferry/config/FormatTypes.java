package dev.ferry.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.event.Level;

/** The value types whose text has a format of its own: URLs, glob lists, log levels and formats. */
final class FormatTypes {
    private FormatTypes() {
    }

    /** An http or https URL with a host. Parses to URI. */
    record HttpUrl() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            try {
                URI uri = new URI(text.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                        && uri.getUserInfo() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new BadValue("must be an http:// or https:// URL with a host (and no user name), e.g. http://127.0.0.1:9000");
        }

        @Override
        public String label() {
            return "<url>";
        }
    }

    /**
     * The status server's address: an IPv4 or IPv6 literal or a host name, which must be (or resolve to) an
     * address of this machine, or the wildcard. Checked here so that a typo is a configuration error (exit
     * 2, nothing started) rather than the server's "port already in use" after the state store and the S3
     * client were opened. Parses to the text as given (stripped), which the server resolves the same way.
     */
    record BindAddress() implements ValueType {
        private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
        private static final Pattern IPV4 = Pattern.compile(
                "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
        /** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
        private static final Pattern HOST_NAME = Pattern.compile(
                "(?=.{1,253}\\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
        private static final String RULE = "must be an IP address or host name of this machine: ";

        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            String t = text.strip();
            String quoted = "'" + (t.length() > 100 ? t.substring(0, 100) + "..." : t) + "'";
            boolean literal;
            if (IPV4_LIKE.matcher(t).matches()) {
                // Checked here: InetAddress would take 999.1.1.1 for a host name and ask DNS.
                if (!IPV4.matcher(t).matches()) {
                    throw new BadValue(RULE + quoted + " is not a valid IPv4 address (four numbers from 0 to 255)", false);
                }
                literal = true;
            } else if (t.contains(":")) {
                literal = true; // InetAddress parses text with a colon as an IPv6 literal, never as a name
            } else if (HOST_NAME.matcher(t).matches()) {
                literal = false;
            } else {
                throw new BadValue(RULE + quoted + " is not a valid IP address or host name", false);
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(t);
            } catch (UnknownHostException e) {
                throw new BadValue(RULE + (literal ? quoted + " is not a valid IPv6 address"
                        : "host name " + quoted + " cannot be resolved"), false);
            }
            if (!isOfThisMachine(address)) {
                String what = literal ? quoted : quoted + " resolves to " + address.getHostAddress() + ", which";
                throw new BadValue(RULE + what + " is not an address of this machine (0.0.0.0 listens on all of "
                        + "them, 127.0.0.1 on this machine only)", false);
            }
            return t;
        }

        private static boolean isOfThisMachine(InetAddress address) {
            if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
                return true;
            }
            try {
                return NetworkInterface.getByInetAddress(address) != null;
            } catch (SocketException e) {
                return true; // cannot tell: the server reports it if it cannot listen there
            }
        }

        @Override
        public String label() {
            return "<address>";
        }
    }

    /** A MongoDB connection string. Parses to {@link MongoUrl}; shown redacted. */
    record Mongo() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            return MongoUrl.parse(text);
        }

        @Override
        public String label() {
            return "<mongodb-url>";
        }

        @Override
        public String display(Object value) {
            return ((MongoUrl) value).redacted();
        }
    }

    /**
     * Glob patterns, comma-separated in one string (commas inside {@code {}} or {@code []} belong to the
     * pattern) or a YAML list. Empty items are dropped. Parses to an unmodifiable List of String.
     */
    record Globs() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            return parseList(split(text), ctx);
        }

        @Override
        public Object parseList(List<String> items, ParseContext ctx) throws BadValue {
            return validated(items, "a valid glob", p -> FileSystems.getDefault().getPathMatcher("glob:" + p));
        }

        static List<String> split(String text) {
            List<String> items = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            int depth = 0;
            for (char c : text.toCharArray()) {
                if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && depth > 0) {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    items.add(current.toString());
                    current.setLength(0);
                    continue;
                }
                current.append(c);
            }
            items.add(current.toString());
            return items;
        }

        @Override
        public String label() {
            return "<glob,...>";
        }

        @Override
        public String display(Object value) {
            return String.join(",", ((List<?>) value).stream().map(String::valueOf).toList());
        }
    }

    /**
     * Path patterns of a site's exclusions and inclusions: a regex found anywhere in the path relative to
     * the site's folder (seed 002's syntax), "glob:" for a glob, "regex:" to be explicit. Validated here;
     * parses to an unmodifiable List of String as written.
     */
    record Patterns() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            return parseList(Globs.split(text), ctx);
        }

        @Override
        public Object parseList(List<String> items, ParseContext ctx) throws BadValue {
            return validated(items, "a valid regex or glob: pattern", p -> {
                if (p.startsWith("glob:")) {
                    FileSystems.getDefault().getPathMatcher(p);
                } else {
                    java.util.regex.Pattern.compile(p.startsWith("regex:") ? p.substring(6) : p);
                }
            });
        }

        @Override
        public String label() {
            return "<pattern,...>";
        }

        @Override
        public String display(Object value) {
            return String.join(",", ((List<?>) value).stream().map(String::valueOf).toList());
        }
    }

    /** Non-empty items, stripped, each accepted by {@code check} (which throws on a bad pattern). */
    private static List<String> validated(List<String> items, String rule,
            java.util.function.Consumer<String> check) throws BadValue {
        List<String> patterns = new ArrayList<>();
        for (String item : items) {
            String p = item.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                check.accept(p);
            } catch (PatternSyntaxException e) {
                throw new BadValue("pattern '" + p + "' is not " + rule + ": " + e.getDescription(), false);
            } catch (IllegalArgumentException e) {
                throw new BadValue("pattern '" + p + "' is not " + rule, false);
            }
            patterns.add(p);
        }
        return List.copyOf(patterns);
    }

    /** trace, debug, info, warn, error; seed 002's fatal and panic mean error. Parses to SLF4J's Level. */
    record LogLevel() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "trace":
                    return Level.TRACE;
                case "debug":
                    return Level.DEBUG;
                case "info":
                    return Level.INFO;
                case "warn", "warning":
                    return Level.WARN;
                case "error", "fatal", "panic":
                    return Level.ERROR;
                default:
                    throw new BadValue("must be one of trace, debug, info, warn, error");
            }
        }

        @Override
        public String label() {
            return "<level>";
        }

        @Override
        public String display(Object value) {
            return value.toString().toLowerCase(Locale.ROOT);
        }
    }

    /** text or json. Parses to {@link LogFormat}. */
    record LogFormatType() implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            for (LogFormat f : LogFormat.values()) {
                if (f.text().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new BadValue("must be text or json");
        }

        @Override
        public String label() {
            return "<text|json>";
        }

        @Override
        public String display(Object value) {
            return ((LogFormat) value).text();
        }
    }

    /** A duration in [min, max]. Parses to Duration. */
    record PositiveDuration(java.time.Duration min, java.time.Duration max) implements ValueType {
        @Override
        public Object parse(String text, ParseContext ctx) throws BadValue {
            java.time.Duration d = Units.parseDuration(text);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new BadValue("must be from " + Units.formatDuration(min) + " to " + Units.formatDuration(max));
            }
            return d;
        }

        @Override
        public String label() {
            return "<duration>";
        }

        @Override
        public String display(Object value) {
            return Units.formatDuration((java.time.Duration) value);
        }
    }
}
