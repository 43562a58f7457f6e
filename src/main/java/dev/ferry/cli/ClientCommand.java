package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.UrlCredentials;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command against a running daemon: shared options, output streams, and exit codes. */
abstract class ClientCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    /** The daemon is not reachable, refused the token, or answered with an error. */
    static final int EXIT_FAILED = 1;
    /** A wrong command line, e.g. an invalid --url. */
    static final int EXIT_USAGE = 2;
    static final String EXIT_CODES_HELP = "%nExit codes: 0 done; 1 the daemon could not be reached, refused the token "
            + "or answered with an error (retry: or a file could not be retried, each listed with the reason); "
            + "2 wrong command line (an invalid --url too). Results go to stdout (one JSON document with --json), messages to stderr.";

    @Mixin
    ClientOptions options = new ClientOptions();

    private final Map<String, String> env;
    final PrintStream out;
    private final PrintStream err;

    ClientCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Name for error messages, e.g. "status". */
    abstract String name();

    /** Does the work; returns the exit code. */
    abstract int run(DaemonClient client) throws ClientException;

    @Override
    public final Integer call() {
        try {
            return run(options.client(env));
        } catch (ClientException e) {
            err.println("ferry " + name() + ": " + UrlCredentials.mask(e.getMessage()));
            return e.usage() ? EXIT_USAGE : EXIT_FAILED;
        }
    }

    void printJson(JsonNode body) {
        try {
            out.println(DaemonClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            out.println(body.toString());
        }
    }
}
