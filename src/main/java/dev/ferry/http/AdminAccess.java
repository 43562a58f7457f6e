package dev.ferry.http;

import dev.ferry.core.AdminOperations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the admin API is on, and the check of its bearer token. Only a SHA-256 digest of the token is
 * kept; a presented token is digested too and the two digests are compared with
 * {@link MessageDigest#isEqual}, which takes the same time whatever bytes differ, and comparing digests of
 * equal length hides the token's length as well. {@link #toString()} never shows the token.
 */
public final class AdminAccess {
    private static final String SCHEME = "bearer ";
    private static final AdminAccess OFF = new AdminAccess(null, null);

    private final AdminOperations operations;
    private final byte[] tokenDigest;

    private AdminAccess(AdminOperations operations, byte[] tokenDigest) {
        this.operations = operations;
        this.tokenDigest = tokenDigest;
    }

    /** The admin endpoints answer that they are off, and how to turn them on. */
    public static AdminAccess off() {
        return OFF;
    }

    /** The admin endpoints run {@code operations} for requests that carry {@code Authorization: Bearer token}. */
    public static AdminAccess withToken(AdminOperations operations, String token) {
        Objects.requireNonNull(operations, "operations");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be empty");
        }
        return new AdminAccess(operations, digest(token));
    }

    boolean enabled() {
        return operations != null;
    }

    Optional<AdminOperations> operations() {
        return Optional.ofNullable(operations);
    }

    /** True when the admin API is on and the header is {@code Bearer <the token>} (scheme in any case). */
    boolean accepts(String authorizationHeader) {
        if (tokenDigest == null || authorizationHeader == null) {
            return false;
        }
        String header = authorizationHeader.strip();
        if (header.length() <= SCHEME.length()
                || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        String presented = header.substring(SCHEME.length()).strip();
        return MessageDigest.isEqual(tokenDigest, digest(presented));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "AdminAccess[on, token ****]" : "AdminAccess[off]";
    }
}
