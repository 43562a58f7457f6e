package dev.ferry.core;

/**
 * A classified transfer failure. The message is the reason recorded in the state store and logged: it
 * names what failed and why (HTTP status and S3 error code where there is one) and never carries a
 * credential.
 */
public class TransferException extends RuntimeException {
    private final FailureKind kind;
    private final boolean accessDenied;

    public TransferException(FailureKind kind, String reason, Throwable cause) {
        this(kind, reason, cause, false);
    }

    /**
     * @param accessDenied the store refused the request with valid credentials (HTTP 403 AccessDenied: a bucket
     *                     policy or the permissions of the keys), not the credentials themselves
     */
    public TransferException(FailureKind kind, String reason, Throwable cause, boolean accessDenied) {
        super(reason, cause);
        this.kind = kind;
        this.accessDenied = accessDenied;
    }

    public TransferException(FailureKind kind, String reason) {
        this(kind, reason, null);
    }

    public FailureKind kind() {
        return kind;
    }

    /** The store refused the request as not allowed (HTTP 403 AccessDenied), the credentials being valid. */
    public boolean accessDenied() {
        return accessDenied;
    }
}
