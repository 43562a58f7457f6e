package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --url} of the client commands: a password in it is never printed, and an invalid one exits 2. */
class ClientUrlTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(ClientCommand command, String url) {
        command.options.url = url;
        return command.call();
    }

    private PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnreachableDaemonIsNamedWithThePasswordMasked() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int exit = run(new StatusCommand(Map.of(), print(out), print(err)),
                "http://admin:UrlPwSECRET@127.0.0.1:" + port);

        assertThat(exit).isEqualTo(1);
        assertThat(printed()).contains("cannot reach the Ferry daemon at http://admin:****@127.0.0.1:" + port)
                .doesNotContain("UrlPwSECRET");
    }

    @Test
    void anInvalidUrlIsAWrongCommandLineAndIsShownMasked() {
        Map<String, String> env = Map.of();
        for (ClientCommand command : new ClientCommand[] {new StatusCommand(env, print(out), print(err)),
                new FailedCommand(env, print(out), print(err)), new RetryCommand(env, print(out), print(err)),
                new FleetCommand(env, print(out), print(err))}) {
            assertThat(run(command, "ftp://admin:UrlPwSECRET@x")).isEqualTo(2);
            assertThat(run(command, "admin:UrlPwSECRET@x")).isEqualTo(2);
            assertThat(run(command, "http://admin:Url Pw^SECRET@x")).isEqualTo(2);
        }
        assertThat(printed()).contains("--url: must be http://host:port or https://host:port, got ftp://admin:****@x")
                .doesNotContain("SECRET");
    }
}
