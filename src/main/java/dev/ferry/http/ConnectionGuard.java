package dev.ferry.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the status port's connections within {@link HttpLimits}, so that a flood of connections or of slow
 * clients neither uses up the daemon's file descriptors nor keeps /status from answering:
 * <ul>
 * <li>When a connection opens beyond {@code maxConnections}, the connections that have made no progress for
 * the longest time and are not being answered are closed (a slow or idle client, never the new one unless
 * every other one is being answered). A request from a real client sends its head at once and is answered in
 * milliseconds, so it gets through however many slow ones arrive.</li>
 * <li>{@link #check()}, run every second: a connection that has been sending a request for
 * {@code requestTimeout} (counted from the first check that saw its bytes) without completing its head or
 * receiving any of an answer is closed, however slowly it trickles bytes (the idle timeout never fires for a
 * client that sends a byte a second).</li>
 * </ul>
 * Progress is what Jetty counts per connection: requests whose head was read, response bytes written. Nothing
 * is logged per connection: closed connections are counted and reported in one WARN line at most once a
 * {@link #REPORT_EVERY}.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final HttpLimits limits;
    private final Clock clock;
    private final Map<Connection, Progress> open = new ConcurrentHashMap<>();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private volatile String address = "status port";
    private long lastReport = Long.MIN_VALUE;

    /**
     * A connection's counters when it last made progress, when that was, and since when it has been sending a
     * request without completing its head (epoch millis; 0 while it sends nothing).
     */
    private static final class Progress {
        volatile long at;
        long requests;
        long bytesOut;
        long bytesIn;
        long sendingSince;

        Progress(long at, Connection c) {
            update(at, c);
        }

        void update(long now, Connection c) {
            at = now;
            sendingSince = 0;
            requests = c.getMessagesIn();
            bytesOut = c.getBytesOut();
            bytesIn = c.getBytesIn();
        }
    }

    ConnectionGuard(HttpLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The address the WARN line starts with ({@code http://host:port}), known once the port is bound. */
    void address(String address) {
        this.address = address;
    }

    int openConnections() {
        return open.size();
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new Progress(clock.millis(), connection));
        int excess = open.size() - limits.maxConnections();
        if (excess > 0) {
            shed(connection, excess);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** A request's head was read and its answer has not started: the handler is (or will be) answering it. */
    private static boolean answering(Connection c) {
        return c.getMessagesIn() > c.getMessagesOut();
    }

    private record Candidate(Connection connection, long since) {
    }

    private void shed(Connection newest, int excess) {
        List<Candidate> candidates = new ArrayList<>();
        open.forEach((c, p) -> {
            if (c != newest && !answering(c)) {
                candidates.add(new Candidate(c, p.at));
            }
        });
        candidates.sort(Comparator.comparingLong(Candidate::since));
        int closed = 0;
        for (Candidate candidate : candidates.subList(0, Math.min(excess, candidates.size()))) {
            close(candidate.connection());
            closed++;
        }
        if (closed < excess) {
            close(newest);
            closed++;
        }
        shed.addAndGet(closed);
    }

    /** Closes connections too slow to send a request, then reports what was closed if a report is due. */
    void check() {
        long now = clock.millis();
        long timeout = limits.requestTimeout().toMillis();
        open.forEach((c, p) -> {
            if (c.getMessagesIn() != p.requests || c.getBytesOut() != p.bytesOut) {
                p.update(now, c);
            } else if (!answering(c) && c.getBytesIn() > p.bytesIn) {
                if (p.sendingSince == 0) {
                    p.sendingSince = now;
                } else if (now - p.sendingSince >= timeout) {
                    close(c);
                    slow.incrementAndGet();
                }
            }
        });
        report(now);
    }

    private void report(long now) {
        long beyond = shed.get();
        long tooSlow = slow.get();
        if (beyond + tooSlow == 0 || (lastReport != Long.MIN_VALUE && now - lastReport < REPORT_EVERY.toMillis())) {
            return;
        }
        shed.addAndGet(-beyond);
        slow.addAndGet(-tooSlow);
        lastReport = now;
        long closed = beyond + tooSlow;
        log.warn("{}: closed {} connection{}: {} beyond the limit of {} open at once, {} that sent no complete request "
                + "within {} s; clients that send a request at once are still answered (reported at most once a "
                + "minute)", address, closed, closed == 1 ? "" : "s", beyond, limits.maxConnections(), tooSlow,
                limits.requestTimeout().toSeconds());
    }

    private void close(Connection connection) {
        open.remove(connection);
        connection.close();
    }
}
