package dev.ferry.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ("500ms", "2s", "15m", "1h", "1d", or a plain number of milliseconds) and sizes ("16MiB",
 * "5MB", or a plain number of bytes), read and written back the way a person would type them.
 */
final class Units {
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-z]*)");

    /** Milliseconds per duration unit, largest last so formatting can pick the largest exact one. */
    private static final Map<String, Long> DURATION_UNITS = new LinkedHashMap<>();
    /** Bytes per size unit; the binary ones come last so they win when formatting. */
    private static final Map<String, Long> SIZE_UNITS = new LinkedHashMap<>();

    static {
        DURATION_UNITS.put("ms", 1L);
        DURATION_UNITS.put("s", 1_000L);
        DURATION_UNITS.put("m", 60_000L);
        DURATION_UNITS.put("h", 3_600_000L);
        DURATION_UNITS.put("d", 86_400_000L);
        SIZE_UNITS.put("B", 1L);
        SIZE_UNITS.put("KB", 1_000L);
        SIZE_UNITS.put("MB", 1_000_000L);
        SIZE_UNITS.put("GB", 1_000_000_000L);
        SIZE_UNITS.put("TB", 1_000_000_000_000L);
        SIZE_UNITS.put("KiB", 1L << 10);
        SIZE_UNITS.put("MiB", 1L << 20);
        SIZE_UNITS.put("GiB", 1L << 30);
        SIZE_UNITS.put("TiB", 1L << 40);
    }

    static final String DURATION_SYNTAX = "a duration such as 500ms, 2s, 15m, 1h, 1d (a plain number means milliseconds)";
    static final String SIZE_SYNTAX = "a size such as 16MiB, 8MiB, 5GB (B, KB, MB, GB, TB are 1000-based; "
            + "KiB, MiB, GiB, TiB 1024-based; a plain number means bytes)";

    private Units() {
    }

    /** Parses a non-negative duration; throws with a reason naming the accepted syntax. */
    static Duration parseDuration(String text) throws BadValue {
        Matcher m = NUMBER_WITH_UNIT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadValue("must be " + DURATION_SYNTAX);
        }
        String unit = m.group(2).isEmpty() ? "ms" : m.group(2);
        Long millisPerUnit = DURATION_UNITS.get(unit);
        if (millisPerUnit == null) {
            throw new BadValue("has an unknown unit '" + unit + "'; use ms, s, m, h or d");
        }
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(millisPerUnit));
        if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000L)) > 0) {
            throw new BadValue("is too long");
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new BadValue("must be a whole number of milliseconds");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    static String formatDuration(Duration d) {
        long millis = d.toMillis();
        String best = millis + "ms";
        for (Map.Entry<String, Long> unit : DURATION_UNITS.entrySet()) {
            if (millis != 0 && millis % unit.getValue() == 0) {
                best = (millis / unit.getValue()) + unit.getKey();
            }
        }
        return millis == 0 ? "0" : best;
    }

    /** Parses a non-negative size in bytes; fractions of a byte are rounded down. */
    static long parseSize(String text) throws BadValue {
        Matcher m = NUMBER_WITH_UNIT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadValue("must be " + SIZE_SYNTAX);
        }
        Long bytesPerUnit = m.group(2).isEmpty() ? Long.valueOf(1L) : sizeUnit(m.group(2));
        if (bytesPerUnit == null) {
            throw new BadValue("has an unknown unit '" + m.group(2) + "'; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(bytesPerUnit));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new BadValue("is too large");
        }
        return bytes.longValue();
    }

    private static Long sizeUnit(String lowerCase) {
        for (Map.Entry<String, Long> unit : SIZE_UNITS.entrySet()) {
            if (unit.getKey().toLowerCase(Locale.ROOT).equals(lowerCase)) {
                return unit.getValue();
            }
        }
        return null;
    }

    static String formatSize(long bytes) {
        String best = bytes + "B";
        for (Map.Entry<String, Long> unit : SIZE_UNITS.entrySet()) {
            if (bytes != 0 && bytes % unit.getValue() == 0 && unit.getValue() > 1) {
                best = (bytes / unit.getValue()) + unit.getKey();
            }
        }
        return best;
    }
}
