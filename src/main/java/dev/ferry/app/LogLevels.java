package dev.ferry.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** Ferry's own log level (logger "dev.ferry"), changed at run time through the admin API. */
final class LogLevels {
    private static final Set<String> NAMES = Set.of("trace", "debug", "info", "warn", "error");

    private LogLevels() {
    }

    /**
     * Sets the level of Ferry's loggers and returns the one before, both lower case.
     *
     * @throws IllegalArgumentException unless the level is trace, debug, info, warn or error
     */
    static String set(String level) {
        String name = level == null ? "" : level.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("log level must be trace, debug, info, warn or error");
        }
        if (!(LoggerFactory.getLogger("dev.ferry") instanceof Logger ferry)) {
            throw new IllegalStateException("logging is not Logback; the level cannot be changed at run time");
        }
        Level before = ferry.getEffectiveLevel();
        ferry.setLevel(Level.toLevel(name));
        return before.toString().toLowerCase(Locale.ROOT);
    }
}
