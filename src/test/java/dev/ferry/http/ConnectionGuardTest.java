package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import java.util.EventListener;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.Test;

/** The guard's decisions, on connections whose counters the test sets (Jetty's own are tested in the ITs). */
class ConnectionGuardTest {
    private static final HttpLimits LIMITS = new HttpLimits(3, Duration.ofSeconds(10), Duration.ofSeconds(10),
            8192, 16384);
    private final ManualClock clock = new ManualClock();
    private final ConnectionGuard guard = new ConnectionGuard(LIMITS, clock);

    /** The counters Jetty keeps per connection, set by hand. */
    static final class Conn implements Connection {
        long requests;
        long responses;
        long bytesIn;
        long bytesOut;
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public long getMessagesIn() {
            return requests;
        }

        @Override
        public long getMessagesOut() {
            return responses;
        }

        @Override
        public long getBytesIn() {
            return bytesIn;
        }

        @Override
        public long getBytesOut() {
            return bytesOut;
        }

        @Override
        public void addEventListener(EventListener listener) {
        }

        @Override
        public void removeEventListener(EventListener listener) {
        }

        @Override
        public void onOpen() {
        }

        @Override
        public void onClose(Throwable cause) {
        }

        @Override
        public EndPoint getEndPoint() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            return true;
        }

        @Override
        public long getCreatedTimeStamp() {
            return 0;
        }
    }

    private Conn open() {
        Conn c = new Conn();
        guard.onOpened(c);
        clock.advance(Duration.ofMillis(100));
        return c;
    }

    @Test
    void beyondTheLimitTheConnectionIdleLongestIsClosedNeverOneBeingAnswered() {
        Conn answering = open();
        answering.requests = 1; // head read, answer not started
        Conn oldIdle = open();
        Conn recent = open();

        Conn newest = open();

        assertThat(oldIdle.closed).isTrue();
        assertThat(answering.closed).isFalse();
        assertThat(recent.closed).isFalse();
        assertThat(newest.closed).isFalse();
        assertThat(guard.openConnections()).isEqualTo(3);
    }

    @Test
    void progressKeepsAnOldConnectionAndTheNewOneIsClosedOnlyWhenEveryOtherIsBeingAnswered() {
        Conn a = open();
        Conn b = open();
        Conn c = open();
        a.requests = 1;
        a.responses = 1;
        guard.check(); // a made progress: it is now the most recent
        Conn d = open();
        assertThat(b.closed).isTrue();
        assertThat(a.closed).isFalse();

        c.requests = 1;
        d.requests = 1;
        a.requests = 2;
        Conn e = open();
        assertThat(e.closed).as("every other one is being answered").isTrue();
        assertThat(a.closed || c.closed || d.closed).isFalse();
    }

    @Test
    void aConnectionThatTricklesARequestHeadIsClosedAfterTheRequestTimeoutAndAnIdleOneIsLeftToTheIdleTimeout() {
        Conn slow = open();
        Conn idle = open();
        Conn busy = open();
        busy.requests = 1;
        for (int second = 1; second <= 10; second++) {
            slow.bytesIn = second; // a byte a second, the head never complete
            busy.bytesIn = second;
            clock.advance(Duration.ofSeconds(1));
            guard.check();
        }
        assertThat(slow.closed).as("9 s after its first byte was seen").isFalse();
        clock.advance(Duration.ofSeconds(1));
        slow.bytesIn++;
        guard.check();

        assertThat(slow.closed).as("10 s after").isTrue();
        assertThat(idle.closed).as("sent nothing: the idle timeout's business").isFalse();
        assertThat(busy.closed).as("being answered").isFalse();
    }

    @Test
    void theRequestTimeoutCountsFromTheFirstByteOfARequestNotFromThePreviousAnswer() {
        Conn keepAlive = open();
        keepAlive.requests = 1;
        keepAlive.responses = 1;
        keepAlive.bytesIn = 100;
        keepAlive.bytesOut = 500;
        guard.check(); // answered: progress
        clock.advance(Duration.ofSeconds(9));
        guard.check(); // idle for 9 s
        keepAlive.bytesIn = 110; // the next request begins
        clock.advance(Duration.ofSeconds(1));
        guard.check();
        clock.advance(Duration.ofSeconds(5));
        guard.check();
        assertThat(keepAlive.closed).isFalse();

        keepAlive.requests = 2; // its head completes
        keepAlive.responses = 2;
        keepAlive.bytesOut = 1000;
        clock.advance(Duration.ofSeconds(20));
        guard.check();
        assertThat(keepAlive.closed).isFalse();
    }

    @Test
    void closedConnectionsAreReportedInOneLineAtMostOnceAMinute() {
        try (LogCapture logs = LogCapture.of(ConnectionGuard.class.getName())) {
            guard.address("http://127.0.0.1:5000");
            for (int i = 0; i < 10; i++) {
                open();
            }
            guard.check();
            for (int i = 0; i < 10; i++) {
                open();
            }
            clock.advance(Duration.ofSeconds(30));
            guard.check();
            assertThat(logs.lines()).containsExactly("WARN dev.ferry.http.ConnectionGuard: http://127.0.0.1:5000: "
                    + "closed 7 connections: 7 beyond the limit of 3 open at once, 0 that sent no complete request "
                    + "within 10 s; clients that send a request at once are still answered (reported at most once a "
                    + "minute)");

            clock.advance(Duration.ofSeconds(30));
            guard.check();
            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(1)).contains("closed 10 connections: 10 beyond the limit");
        }
    }
}
