package dev.ferry.testing;

import dev.ferry.app.NativeCrypto;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs the native crypto provider before any test class, as {@code ferry}'s main does before anything else, so
 * the tests that run Ferry's code in the test JVM run it with the crypto it runs with in production. Registered for
 * every test through {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class NativeCryptoExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        NativeCrypto.install();
    }
}
