package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the control plane's settings, from Ferry's {@code control:} section or from seed 003's top-level keys
 * (the same names), into a {@link ControlConfig}, adding every problem (naming the key) to the list given. The
 * mothership is on when {@code host_dns} is set.
 */
final class ControlParser {
    /** The keys, as both forms name them. */
    static final List<String> KEYS = List.of("host_service", "host_dns", "host_uri", "host_port", "heartbeat_period",
            "aws_keys_file", "upgrade_command", "token", "insecure");
    static final String DEFAULT_KEYS_FILE = "s3-ingestor-keys.json";

    /** A value as given, and how a problem names it ("control.host_port (file line 3)"). */
    record Given(JsonNode value, String label) {
    }

    /** The control plane (empty: no mothership) and the keys file, which a seed 003 file has even without one. */
    record Result(Optional<ControlConfig> control, Path keysFile) {
    }

    private final ParseContext ctx;
    private final List<String> problems;

    ControlParser(ParseContext ctx, List<String> problems) {
        this.ctx = ctx;
        this.problems = problems;
    }

    /**
     * @param given    the values by key name (only names of {@link #KEYS})
     * @param where    how the section is named when a required key is missing ("control (file line 3)"); null
     *                 for seed 003's top-level keys, where no host_dns means no mothership
     * @param stateDir where the context file is kept
     */
    Result parse(Map<String, Given> given, String where, Path stateDir) {
        int before = problems.size();
        Map<String, Object> v = new LinkedHashMap<>();
        text(given, "host_service", "https?", "https or http").ifPresent(s -> v.put("host_service", s));
        text(given, "host_dns", "[A-Za-z0-9._:\\[\\]-]+", "a host name or IP address").ifPresent(s -> v.put("host_dns", s));
        text(given, "host_uri", "\\S*", "a path without spaces such as /ingestor").ifPresent(s -> v.put("host_uri", s));
        parse(given, "host_port", new ValueType.WholeNumber(1, 65_535)).ifPresent(p -> v.put("host_port", p));
        heartbeat(given).ifPresent(d -> v.put("heartbeat_period", d));
        text(given, "aws_keys_file", ".*\\S.*", "a file path").ifPresent(s -> v.put("aws_keys_file", ctx.path(s)));
        text(given, "upgrade_command", ".*\\S.*", "a command").ifPresent(s -> v.put("upgrade_command", s));
        parse(given, "token", new ValueType.Text(Pattern.compile("\\S{8,}"), "at least 8 characters without spaces",
                "<token>", true)).ifPresent(t -> v.put("token", t));
        parse(given, "insecure", new ValueType.Bool()).ifPresent(b -> v.put("insecure", b));
        Path keysFile = (Path) v.getOrDefault("aws_keys_file", ctx.path(DEFAULT_KEYS_FILE));
        if (!v.containsKey("host_dns")) {
            if (problems.size() == before && given.keySet().stream().anyMatch(k -> !k.equals("aws_keys_file"))) {
                if (where != null) {
                    problems.add(where + ": host_dns is required (the mothership's host name); without it there is "
                            + "no control plane");
                }
            }
            return new Result(Optional.empty(), keysFile);
        }
        String service = (String) v.getOrDefault("host_service", "https");
        String host = (String) v.get("host_dns");
        boolean insecure = (Boolean) v.getOrDefault("insecure", false);
        if (service.equals("http") && !insecure && !ControlConfig.loopback(host)) {
            problems.add(label(given, "host_service") + ": plain http to " + host + " would send the token and "
                    + "receive AWS keys unencrypted; use https, a loopback address, or set insecure: true");
        }
        String uri = (String) v.getOrDefault("host_uri", "/ingestor");
        if (!uri.startsWith("/")) {
            uri = "/" + uri;
        }
        if (problems.size() > before) {
            return new Result(Optional.empty(), keysFile);
        }
        @SuppressWarnings("unchecked")
        ControlConfig c = new ControlConfig(service, host, uri, (Integer) v.getOrDefault("host_port", 443),
                (Duration) v.getOrDefault("heartbeat_period", Duration.ofHours(1)), keysFile,
                Optional.ofNullable((String) v.get("upgrade_command")), Optional.ofNullable((Secret) v.get("token")),
                insecure, stateDir.resolve(ControlConfig.CONTEXT_FILE_NAME));
        return new Result(Optional.of(c), keysFile);
    }

    /** heartbeat_period: seconds as seed 003 gives it (3600), or a duration with a unit (1h). */
    private Optional<Duration> heartbeat(Map<String, Given> given) {
        Given g = given.get("heartbeat_period");
        if (g == null || g.value() == null || g.value().isNull()) {
            return Optional.empty();
        }
        String text = g.value().asText().strip();
        try {
            Duration d = text.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text)) : Units.parseDuration(text);
            if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
                throw new BadValue("must be from 1 second to 7 days");
            }
            return Optional.of(d);
        } catch (BadValue | NumberFormatException e) {
            problems.add(g.label() + ": " + (e instanceof BadValue ? e.getMessage() : "too large")
                    + " (seconds, or a duration such as 1h), got '" + text + "'");
            return Optional.empty();
        }
    }

    private Optional<String> text(Map<String, Given> given, String key, String regex, String rule) {
        return parse(given, key, new ValueType.Text(Pattern.compile(regex), rule, "<" + key + ">", false))
                .map(String.class::cast).map(String::strip);
    }

    private Optional<Object> parse(Map<String, Given> given, String key, ValueType type) {
        Given g = given.get(key);
        if (g == null || g.value() == null || g.value().isNull()
                || g.value().isTextual() && g.value().textValue().isEmpty()) {
            return Optional.empty();
        }
        if (!g.value().isValueNode()) {
            problems.add(g.label() + ": must be a single value");
            return Optional.empty();
        }
        try {
            return Optional.of(type.parse(g.value().asText(), ctx));
        } catch (BadValue e) {
            boolean secret = type instanceof ValueType.Text t && t.secret();
            problems.add(g.label() + ": " + e.getMessage() + (secret || !e.echo() ? "" : ", got '"
                    + g.value().asText() + "'"));
            return Optional.empty();
        }
    }

    private static String label(Map<String, Given> given, String key) {
        Given g = given.get(key);
        return g != null ? g.label() : key;
    }
}
