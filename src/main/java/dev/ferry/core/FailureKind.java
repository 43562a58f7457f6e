package dev.ferry.core;

/** How a failed transfer is handled. */
public enum FailureKind {
    /** Network errors, timeouts, throttling, 5xx, refused credentials, unreadable files: retried with backoff, forever. */
    RETRYABLE(true),
    /** The bucket does not exist: create it (when allowed) and retry. */
    NO_SUCH_BUCKET(true),
    /** Will fail again the same way (file vanished, key too long, invalid name): recorded, not retried until the file changes. */
    PERMANENT(false);

    private final boolean retryable;

    FailureKind(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
