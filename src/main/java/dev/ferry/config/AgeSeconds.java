package dev.ferry.config;

import java.time.Duration;

/**
 * Seed 003's {@code delay_upload}: a minimum age, where a plain number is seconds (seed 003 compared the file's
 * age in seconds with it) and a number with a unit is read as other durations are ({@code 15m}, {@code 1h});
 * {@code 0} is no delay. Parses to Duration.
 */
record AgeSeconds(Duration max) implements ValueType {
    @Override
    public Object parse(String text, ParseContext ctx) throws BadValue {
        return parse(text, max, "no delay");
    }

    /**
     * A plain number of seconds or a duration with a unit, from 0 to {@code max}: seed 001's and seed 003's way
     * of writing a time. {@code zero} says what 0 means, for the messages.
     */
    static Duration parse(String text, Duration max, String zero) throws BadValue {
        String t = text.strip();
        Duration d;
        if (t.matches("[0-9]{1,12}")) {
            d = Duration.ofSeconds(Long.parseLong(t));
        } else if (t.startsWith("-")) {
            throw new BadValue("must not be negative (0: " + zero + ")");
        } else {
            try {
                d = Units.parseDuration(t);
            } catch (BadValue e) {
                throw new BadValue("must be a number of seconds, or a duration such as 15m or 1h (0: " + zero + ")");
            }
        }
        if (d.compareTo(max) > 0) {
            throw new BadValue("must be at most " + Units.formatDuration(max));
        }
        return d;
    }

    @Override
    public String label() {
        return "<seconds>";
    }

    @Override
    public String display(Object value) {
        return Units.formatDuration((Duration) value);
    }
}
