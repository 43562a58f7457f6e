package dev.ferry.http;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN lines of refused admin requests, bounded: the first refusal is logged at once with the client's
 * address and the reason (never the token), the ones that follow within {@link #WINDOW} are counted and
 * reported together in one line by {@link #flush()} (called every second) once the window is over. Someone
 * guessing tokens thousands of times a second costs the log one line a minute.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Clock clock;
    private long windowStart = Long.MIN_VALUE;
    private long suppressed;
    private String last = "";

    RefusalLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * One refused request.
     *
     * @param request method and path, without the query ({@code POST /wakeup})
     * @param client  the client's address
     * @param reason  fixed text: "no token", "wrong token", "token in the query string"
     */
    synchronized void refused(String request, String client, String reason) {
        long now = clock.millis();
        if (windowStart != Long.MIN_VALUE && now - windowStart < WINDOW.toMillis()) {
            suppressed++;
            last = request + " from " + client + ": " + reason;
            return;
        }
        report(now);
        windowStart = now;
        log.warn("{}: admin request refused from {}: {}", request, client, reason);
    }

    /** Reports the refusals counted in a window that is over. */
    synchronized void flush() {
        long now = clock.millis();
        if (windowStart != Long.MIN_VALUE && now - windowStart >= WINDOW.toMillis()) {
            report(now);
            windowStart = Long.MIN_VALUE;
        }
    }

    /** Reports the refusals counted so far, window over or not (when the server stops). */
    synchronized void flushNow() {
        report(clock.millis());
        windowStart = Long.MIN_VALUE;
    }

    private void report(long now) {
        if (suppressed > 0) {
            log.warn("admin API: {} more requests refused in the last {} s, the last: {} (one line a minute at most)",
                    suppressed, (now - windowStart) / 1000, last);
            suppressed = 0;
        }
    }
}
