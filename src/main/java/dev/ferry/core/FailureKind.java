package dev.ferry.core;

/** How a failed transfer is handled. */
public enum FailureKind {
    /** Errors of the server (5xx), access denied, unreadable files: retried with backoff, forever. */
    RETRYABLE(true),
    /**
     * The server could not be reached or did not answer in time (network error, timeout, busy: 502/503/504,
     * SlowDown): retried with backoff, forever. It says nothing about a bucket, so it is not a bucket problem.
     */
    UNREACHABLE(true),
    /**
     * The store refused the credentials themselves (unknown access key, wrong secret key, expired token), or none
     * were found: every request with them fails alike. The daemon retries with backoff (an operator may fix them);
     * a one-shot run gives up on the site at once.
     */
    CREDENTIALS_REFUSED(true),
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
