package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.DaemonStatus;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.SlowClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real StatusServer on a free port, abused over real sockets: a very long URL, oversized headers, slow
 * clients sending a byte a second, a body on a GET, more connections than the limit. After each, /status still
 * answers, the open connections stay within the limit (each one's buffers are bounded by the head size), and
 * the log holds a line a minute at most. The limits are the standard ones but for the connection count and the
 * request timeout, smaller here so the test is quick.
 */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class StatusServerAbuseIT {
    private static final HttpLimits LIMITS = new HttpLimits(16, Duration.ofSeconds(5), Duration.ofSeconds(2),
            HttpLimits.standard().maxHeaderBytes(), HttpLimits.standard().maxBodyBytes());
    private static final DaemonStatus STATUS = new DaemonStatus("1", Instant.parse("2026-03-04T05:06:07Z"), 1, true,
            false, new DaemonStatus.StoreHealth("sqlite", "/s", true, 0, Optional.empty()),
            new DaemonStatus.WatcherHealth("/w", "native", true, 0, Optional.empty(), Optional.empty()), Map.of());

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> sockets = new ArrayList<>();
    private StatusServer server;
    private LogCapture logs;
    private int port;

    @BeforeEach
    void start() {
        logs = LogCapture.of("ROOT");
        server = new StatusServer(() -> STATUS, Optional.empty(), "127.0.0.1", 0, StatusHistory.standard(),
                AdminAccess.off(), LIMITS, Clock.systemUTC());
        port = server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.stop();
        logs.close();
    }

    private boolean statusAnswers() {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"ok\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sends the bytes on a new connection and returns the response's status line ("" when closed unanswered). */
    private String send(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read everything: read what it answered
            }
            return statusLine(s.getInputStream());
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0 && b != '\r' && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
        } catch (IOException e) {
            // reset after the answer
        }
        return line.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private void assertStillAnsweringWithAQuietLog() {
        assertThat(statusAnswers()).as("GET /status afterwards").isTrue();
        assertThat(server.openConnections()).as("open connections").isLessThanOrEqualTo(LIMITS.maxConnections());
        assertThat(logs.lines()).as("log lines").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aVeryLongUrlIs414AndAnUrlWithinTheLimitIsServed() throws Exception {
        assertThat(send(ascii("GET /status?pad=" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")))
                .startsWith("HTTP/1.1 414");
        assertThat(send(ascii("GET /status?pad=" + "a".repeat(4 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")))
                .startsWith("HTTP/1.1 200");
        assertStillAnsweringWithAQuietLog();
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        assertThat(send(ascii("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(16 * 1024) + "\r\n\r\n")))
                .startsWith("HTTP/1.1 431");
        StringBuilder many = new StringBuilder("GET /status HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 1000; i++) {
            many.append("X-H").append(i).append(": ").append("v".repeat(20)).append("\r\n");
        }
        assertThat(send(ascii(many.append("\r\n").toString()))).startsWith("HTTP/1.1 431");
        assertStillAnsweringWithAQuietLog();
    }

    @Test
    void aBodyOnAGetIsIgnoredAndTheConnectionStaysUsable() throws Exception {
        assertThat(send(ascii("GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")))
                .startsWith("HTTP/1.1 200");
        byte[] declaredLarge = ascii("GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"
                + "x".repeat(4096));
        assertThat(send(declaredLarge)).startsWith("HTTP/1.1 200");
        assertThat(send(ascii("GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")))
                .startsWith("HTTP/1.1 200");
        assertStillAnsweringWithAQuietLog();
    }

    @Test
    void slowClientsSendingAByteASecondAreClosedAndStatusAnswersMeanwhile() {
        try (SlowClients slow = SlowClients.start(new InetSocketAddress("127.0.0.1", port), 6, Duration.ofSeconds(1))) {
            await("slow clients sending").atMost(Duration.ofSeconds(10)).until(() -> slow.ticks() >= 2);
            assertThat(statusAnswers()).as("GET /status while slow clients send").isTrue();

            await("every slow client closed by the server").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> slow.closedByServer() >= 6);
            assertThat(statusAnswers()).as("GET /status after").isTrue();
        }
        await("the guard's summary line").atMost(Duration.ofSeconds(5)).until(() -> !logs.lines().isEmpty());
        assertThat(logs.lines()).singleElement().asString().contains("http://127.0.0.1:" + port,
                "that sent no complete request within 2 s");
    }

    @Test
    void manyMoreConnectionsThanTheLimitKeepTheOpenOnesWithinItAndStatusAnswers() throws Exception {
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            sockets.add(s);
            s.getOutputStream().write(ascii("GET /sta")); // a head begun, never ended
        }
        await("open connections within the limit").atMost(Duration.ofSeconds(10))
                .until(() -> server.openConnections() <= LIMITS.maxConnections());
        for (int i = 0; i < 5; i++) {
            assertThat(statusAnswers()).as("GET /status among 200 idle connections, try " + i).isTrue();
        }
        assertThat(server.openConnections()).isLessThanOrEqualTo(LIMITS.maxConnections());
        await("the guard's summary line").atMost(Duration.ofSeconds(5)).until(() -> !logs.lines().isEmpty());
        assertThat(logs.lines()).singleElement().asString().contains("beyond the limit of 16 open at once");
    }
}
