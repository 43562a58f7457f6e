package dev.ferry.cli;

/** A command against the daemon failed; the message says why and what to do, and never holds the token. */
final class ClientException extends Exception {
    private final boolean usage;

    ClientException(String message) {
        this(message, false);
    }

    /** {@code usage}: the command line itself is wrong (an invalid --url), exit code 2 rather than 1. */
    ClientException(String message, boolean usage) {
        super(message, null, false, false);
        this.usage = usage;
    }

    boolean usage() {
        return usage;
    }
}
