package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ferry retry} prints from a daemon's answers, served here over a real socket. */
class RetryCommandTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private List<String> retry(String status) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> answers = Map.of("/files/retry", "{\"retrying\": 3, \"notRetried\": []}", "/status", status);
        server.createContext("/", exchange -> {
            byte[] body = answers.getOrDefault(exchange.getRequestURI().getPath(), "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RetryCommand command = new RetryCommand(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int exit = command.run(new DaemonClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                Optional.of("token")));
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void duringAnOutageItSaysTheFilesWaitForTheEndpointNotThatTheyGoNow() throws Exception {
        List<String> lines = retry("""
                {"paused": false, "buckets": {
                  "photos": {"queued": 3, "unreachable": {"endpoint": "http://s3.example:9000", "reason": "refused"}},
                  "scans": {"queued": 0}}}""");

        assertThat(lines).containsExactly("Retrying 3 files now.", "Queued, but the S3 endpoint "
                + "http://s3.example:9000 does not answer: uploads go once it answers ('ferry status' shows the outage).");
    }

    @Test
    void whilePausedItSaysSo() throws Exception {
        assertThat(retry("{\"paused\": true, \"buckets\": {}}")).containsExactly("Retrying 3 files now.",
                "Queued, but uploads are paused: they go once resumed (POST /resume).");
    }

    @Test
    void otherwiseTheyGoNow() throws Exception {
        assertThat(retry("{\"paused\": false, \"buckets\": {\"photos\": {\"queued\": 3}}}"))
                .containsExactly("Retrying 3 files now.");
    }
}
