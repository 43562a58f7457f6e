package dev.ferry.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Numbers, sizes and times as a person reads them. */
final class Formats {
    private Formats() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? n + " B" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[i]);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + s % 60 + "s";
        }
        return s + "s";
    }

    /** "3m 2s ago" measured against {@code now}; the text as given when it is not a time. */
    static String ago(String instant, Instant now) {
        if (instant == null || instant.isBlank() || "null".equals(instant)) {
            return "never";
        }
        try {
            return duration(Duration.between(Instant.parse(instant), now)) + " ago";
        } catch (DateTimeParseException e) {
            return instant;
        }
    }
}
