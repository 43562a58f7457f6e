package dev.ferry.wiring;

/** The daemon cannot start (state store cannot be opened, port taken...). The message says what and why. */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
