package dev.ferry.cli;

/** A command against the daemon failed; the message says why and what to do, and never holds the token. */
final class ClientException extends Exception {
    ClientException(String message) {
        super(message, null, false, false);
    }
}
