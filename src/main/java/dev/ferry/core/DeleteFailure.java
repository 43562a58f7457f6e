package dev.ferry.core;

import java.util.Objects;

/**
 * A key that a batch delete could not delete, while the request as a whole went through.
 *
 * @param key    the key
 * @param reason why, e.g. {@code "AccessDenied: Access Denied"}; never a credential
 */
public record DeleteFailure(String key, String reason) {
    public DeleteFailure {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
    }
}
