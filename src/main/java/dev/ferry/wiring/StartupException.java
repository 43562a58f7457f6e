package dev.ferry.wiring;

/** The daemon cannot start (state store cannot be opened, port taken...). The message says what and why. */
public final class StartupException extends RuntimeException {
    private final boolean configuration;

    public StartupException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param configuration whether the configuration must change before the daemon can start (exit 2, which a
     *                      service manager does not restart), rather than a failure a restart may get past (exit 1)
     */
    public StartupException(String message, Throwable cause, boolean configuration) {
        super(message, cause);
        this.configuration = configuration;
    }

    /** Whether the configuration must change before the daemon can start. */
    public boolean configuration() {
        return configuration;
    }
}
