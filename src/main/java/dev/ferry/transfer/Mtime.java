package dev.ferry.transfer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code X-Amz-Meta-Mtime} value, in rclone's convention (inherited from swift): seconds since the epoch
 * as a fixed-point decimal with up to nine fractional digits, trailing zeros dropped, no fraction at all for a
 * whole second ("1700000000.123456789", "1700000000.5", "1700000000"). Parsing also accepts RFC 3339 times
 * ("2023-11-14T22:13:20.123456789Z"), which some tools write.
 */
final class Mtime {
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private Mtime() {
    }

    /** Formats a time with nanosecond precision. */
    static String format(Instant time) {
        long seconds = time.getEpochSecond();
        int nanos = time.getNano();
        if (seconds < 0 && nanos > 0) {
            // -1.5 s is stored as epochSecond -2 plus 0.5 s: print the magnitude, then the sign
            return "-" + fixedPoint(-seconds - 1, 1_000_000_000 - nanos);
        }
        return fixedPoint(seconds, nanos);
    }

    /** Formats a time given in milliseconds since the epoch. */
    static String formatMillis(long epochMillis) {
        return format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses either form; empty when the value is missing or malformed. */
    static Optional<Instant> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.indexOf('T') > 0 || text.indexOf('t') > 0) {
            return parseRfc3339(text);
        }
        return parseDecimal(text);
    }

    /** Parses either form to milliseconds since the epoch (rounded down). */
    static Optional<Long> parseMillis(String value) {
        return parse(value).flatMap(instant -> {
            try {
                return Optional.of(instant.toEpochMilli());
            } catch (ArithmeticException e) {
                return Optional.empty();
            }
        });
    }

    private static String fixedPoint(long seconds, int nanos) {
        if (nanos == 0) {
            return Long.toString(seconds);
        }
        String fraction = String.format("%09d", nanos);
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return seconds + "." + fraction.substring(0, end);
    }

    private static Optional<Instant> parseDecimal(String text) {
        if (!text.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,3})?")) {
            return Optional.empty();
        }
        try {
            // Exact decimal arithmetic: no float64 rounding; digits past nanoseconds are cut off like rclone does.
            BigInteger totalNanos = new BigDecimal(text).movePointRight(9).toBigInteger();
            BigInteger[] split = totalNanos.divideAndRemainder(NANOS_PER_SECOND);
            long seconds = split[0].longValueExact();
            long nanos = split[1].longValueExact();
            return Optional.of(Instant.ofEpochSecond(seconds, nanos));
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> parseRfc3339(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.toUpperCase(java.util.Locale.ROOT)).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
