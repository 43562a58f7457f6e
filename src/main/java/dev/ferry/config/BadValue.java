package dev.ferry.config;

/**
 * A value that does not fit its key. The reason reads after the key ("must be ..."); the loader appends
 * the offending value unless the key is secret or {@code echo} is false (the reason already quotes it).
 */
final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean echo;

    BadValue(String reason) {
        this(reason, true);
    }

    BadValue(String reason, boolean echo) {
        super(reason, null, false, false);
        this.echo = echo;
    }

    boolean echo() {
        return echo;
    }
}
