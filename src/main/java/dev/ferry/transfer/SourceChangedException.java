package dev.ferry.transfer;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;

/**
 * A copy stopped because its source object is not the version it was asked to copy: the source's ETag differs
 * from the one the caller listed or headed, or a conditional read during the copy answered 412 (the object was
 * rewritten meanwhile). Nothing mixed was written; the caller heads the source again and copies what is there now.
 */
public final class SourceChangedException extends TransferException {
    public SourceChangedException(String reason, Throwable cause) {
        super(FailureKind.RETRYABLE, reason, cause);
    }
}
