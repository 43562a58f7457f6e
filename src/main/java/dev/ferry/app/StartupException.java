package dev.ferry.app;

/** The daemon cannot start (state store cannot be opened, port taken...). The message says what and why. */
final class StartupException extends RuntimeException {
    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
