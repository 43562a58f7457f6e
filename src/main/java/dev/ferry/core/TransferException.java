package dev.ferry.core;

/**
 * A classified transfer failure. The message is the reason recorded in the state store and logged: it
 * names what failed and why (HTTP status and S3 error code where there is one) and never carries a
 * credential.
 */
public class TransferException extends RuntimeException {
    private final FailureKind kind;

    public TransferException(FailureKind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public TransferException(FailureKind kind, String reason) {
        this(kind, reason, null);
    }

    public FailureKind kind() {
        return kind;
    }
}
