package dev.ferry.app;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.lang.management.ManagementFactory;
import java.security.Security;
import org.slf4j.Logger;

/**
 * Puts the Amazon Corretto Crypto Provider (native AWS-LC) ahead of the JDK's own providers, so every MD5 (the
 * Content-MD5 of each upload, the {@code md5chksum} of large files), SHA-256 and HMAC (request signing) and every TLS
 * cipher (HTTPS to S3, MongoDB) runs as native code. The JDK's own implementations are fast only once the C2 compiler
 * has turned them into its intrinsics; Ferry ships with C1 only ({@code -XX:TieredStopAtLevel=1}, see
 * docs/operations.md), under which they run at 340 MB/s (MD5), 120 MB/s (SHA-256) and 25 MB/s (AES-GCM) on one core.
 *
 * <p>Where the provider cannot load (another CPU than x86-64, a libc it was not built for), Ferry goes on with the
 * JDK's providers; {@link #log} says so, with a warning when the JVM runs C1 only. {@code -Dferry.native-crypto=false}
 * turns it off.
 */
public final class NativeCrypto {
    /** System property that turns the native provider off when set to {@code false}. */
    public static final String PROPERTY = "ferry.native-crypto";

    /** What {@link #install} did: whether the native provider now comes first, and why not. */
    public record Status(boolean installed, String description) {
    }

    private static Status status;

    private NativeCrypto() {
    }

    /** Installs the provider once per JVM (later calls return the first answer). Never throws. */
    public static synchronized Status install() {
        if (status == null) {
            status = tryInstall();
        }
        return status;
    }

    private static Status tryInstall() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            return new Status(false, "turned off with -D" + PROPERTY + "=false");
        }
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = provider.getLoadingError();
            if (error != null) {
                return new Status(false, "not available on " + platform() + ": " + error);
            }
            provider.assertHealthy();
            AmazonCorrettoCryptoProvider.install();
            if (Security.getProviders()[0] != provider) {
                return new Status(false, "installed, but not ahead of " + Security.getProviders()[0].getName());
            }
            return new Status(true, provider.getName() + " " + provider.getVersionStr() + " ("
                    + provider.getAwsLcVersionStr() + ")");
        } catch (LinkageError | RuntimeException e) {
            Security.removeProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
            return new Status(false, "not available on " + platform() + ": " + e);
        }
    }

    /** One line at start: INFO when installed; otherwise INFO, or WARN when the JVM runs C1 only. */
    public static void log(Logger log) {
        Status s = install();
        if (s.installed()) {
            log.info("crypto: native, {}: MD5, SHA-256, HMAC and TLS ciphers", s.description());
        } else if (c1Only()) {
            log.warn("crypto: the JDK's own ({}); under -XX:TieredStopAtLevel=1 they are slow (MD5 about 340 MB/s, "
                    + "TLS about 25 MB/s per core): remove that option from the JVM's options, see "
                    + "docs/operations.md", s.description());
        } else {
            log.info("crypto: the JDK's own ({})", s.description());
        }
    }

    static boolean c1Only() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.matches("-XX:TieredStopAtLevel=[0-3]"));
    }

    private static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }
}
