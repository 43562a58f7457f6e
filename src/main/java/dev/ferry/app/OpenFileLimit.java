package dev.ferry.app;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's open-file limit, said at start when it is low. Ferry holds a file and a connection for each
 * upload under way, a directory for each level of each sweep (one walk per bucket at once) and up to 128
 * connections of the status port; when the limit is reached, folders can neither be watched nor swept and
 * uploads fail. The JVM raises its soft limit to the hard one at start on Linux, so what it reports is the
 * limit Ferry has: under {@link #LOW} it is too tight for many buckets.
 */
final class OpenFileLimit {
    private static final Logger log = LoggerFactory.getLogger(OpenFileLimit.class);
    /** Below this many open files, the start-up log warns. */
    static final long LOW = 4096;

    private OpenFileLimit() {
    }

    /** Logs the limit: a WARN with what to do when it is below {@link #LOW}, at debug otherwise. */
    static void report() {
        OptionalLong limit = current();
        if (limit.isEmpty()) {
            log.debug("open files: the limit is unknown on this platform");
            return;
        }
        warning(limit.getAsLong()).ifPresentOrElse(log::warn,
                () -> log.debug("open files: limit {}", limit.getAsLong()));
    }

    /** The WARN line for this limit, when it is low. */
    static Optional<String> warning(long limit) {
        if (limit >= LOW) {
            return Optional.empty();
        }
        return Optional.of("open files: the limit is " + limit + " (ulimit -n); with many buckets, uploads and sweeps "
                + "may run out of files, and folders then go unwatched. Raise it to 65536 (systemd: LimitNOFILE=65536, "
                + "which the unit Ferry ships sets; Docker: --ulimit nofile=65536:65536)");
    }

    private static OptionalLong current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
