package dev.ferry.control;

/** A request to the mothership failed; the message is safe to log and show in /status. */
final class MothershipException extends Exception {
    MothershipException(String message) {
        super(message);
    }
}
