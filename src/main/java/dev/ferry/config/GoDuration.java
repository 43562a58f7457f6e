package dev.ferry.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them, as seed 004 (syncd) did for
 * {@code sync_interval}: one or more decimal numbers each with a unit ({@code 30s}, {@code 5m}, {@code 2h},
 * {@code 1h30m}, {@code 1.5h}, {@code 300ms}), units {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h}; a bare {@code 0} needs no unit. Unlike Ferry's own durations, a plain number is not
 * milliseconds: Go refuses it, and so does this.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
    private static final Pattern NUMBER_ONLY = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
            "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    static final String SYNTAX = "a duration such as 30s, 5m, 2h or 1h30m (units ns, us, ms, s, m, h)";

    private GoDuration() {
    }

    /** Parses a duration; negative ones are accepted here (the caller decides what they mean). */
    static Duration parse(String text) throws BadValue {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (body.equals("0")) {
            return Duration.ZERO;
        }
        if (NUMBER_ONLY.matcher(body).matches()) {
            throw new BadValue("needs a unit: " + body + "s, " + body + "m or " + body + "h (" + SYNTAX + ")");
        }
        if (body.isEmpty()) {
            throw new BadValue("must be " + SYNTAX);
        }
        Matcher m = PART.matcher(body);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < body.length()) {
            if (!m.find(at) || m.start() != at || !hasDigit(m.group(1))) {
                throw new BadValue("must be " + SYNTAX);
            }
            nanos = nanos.add(new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
                    .multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
            at = m.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new BadValue("is too long (at most about 2,562,047h)");
        }
        long n = nanos.longValue(); // a fraction of a nanosecond is dropped, as Go does
        return Duration.ofNanos(negative ? -n : n);
    }

    private static boolean hasDigit(String number) {
        return number.chars().anyMatch(Character::isDigit);
    }
}
