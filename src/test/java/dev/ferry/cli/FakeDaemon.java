package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A daemon's HTTP API as far as a CLI command's test needs it: fixed JSON answers by path, served over a real
 * socket, and the command run against it.
 */
final class FakeDaemon implements AutoCloseable {
    private final HttpServer server;

    /** Serves {@code answers} (path to JSON body; "{}" for any other path). */
    FakeDaemon(Map<String, String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = answers.getOrDefault(exchange.getRequestURI().getPath(), "{}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** Runs the command {@code make} builds (from its environment, stdout and stderr); expects exit 0; its stdout. */
    List<String> run(BiFunction<PrintStream, PrintStream, ClientCommand> make, Optional<String> token)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientCommand command = make.apply(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int exit = command.run(new DaemonClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                token));
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
