package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ControlCharacters;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry retry [PATH]}: try failed files now instead of after their backoff. */
@Command(footer = ClientCommand.EXIT_CODES_HELP, name = "retry", mixinStandardHelpOptions = true,
        description = "Try failed files now: every failed file (also those that are not retried until they "
                + "change), or only PATH; files waiting to be retried go now too (needs the admin token). "
                + "A failed file that cannot be retried (no failed record, or it cannot be uploaded where it is) "
                + "is listed with the reason, the same way for PATH and for all. Exit code 0: the files were "
                + "queued; 1: a file could not be retried, or the daemon could not be asked.")
final class RetryCommand extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "PATH", description = "One file to retry (as the daemon sees it; "
            + "a relative path is made absolute).")
    String path;

    RetryCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    String name() {
        return "retry";
    }

    @Override
    int run(DaemonClient client) throws ClientException {
        String file = null;
        if (path != null) {
            try {
                file = Path.of(path).toAbsolutePath().normalize().toString();
            } catch (InvalidPathException e) {
                throw new ClientException(path + ": not a valid path");
            }
        }
        JsonNode answer = client.post(file == null ? "files/retry"
                : "files/retry?path=" + URLEncoder.encode(file, StandardCharsets.UTF_8));
        if (options.json) {
            printJson(answer);
        }
        long retrying = answer.path("retrying").asLong();
        JsonNode notRetried = answer.path("notRetried");
        if (!options.json) {
            if (file == null || retrying > 0) {
                out.println(file != null ? ControlCharacters.escape(file) + ": retrying now."
                        : retrying == 0 && notRetried.isEmpty() ? "No failed files: nothing to retry."
                        : "Retrying " + Formats.count(retrying) + (retrying == 1 ? " file" : " files") + " now.");
            }
            for (JsonNode n : notRetried) {
                out.println(ControlCharacters.escape(n.path("path").asText() + ": cannot be retried: "
                        + n.path("reason").asText()));
            }
            if (retrying > 0) {
                waitsFor(client).ifPresent(why -> out.println("Queued, but " + why + "."));
            }
            if (file != null && retrying == 0 && notRetried.isEmpty()) {
                // a daemon from before the reasons were given
                out.println(ControlCharacters.escape(file) + ": no failed record for this file, nothing to retry (it may be uploaded already; "
                        + "'ferry failed' lists the failed files)");
            }
        }
        return (file != null && retrying == 0) || !notRetried.isEmpty() ? EXIT_FAILED : EXIT_OK;
    }

    /**
     * What the retried files wait for, when it is not them: uploads paused, or the S3 endpoint away (asked of
     * /status; nothing when that cannot be read). "Retrying now" alone would promise what cannot happen yet.
     */
    static java.util.Optional<String> waitsFor(DaemonClient client) {
        JsonNode status;
        try {
            status = client.get("status");
        } catch (ClientException e) {
            return java.util.Optional.empty();
        }
        if (status.path("paused").asBoolean()) {
            return java.util.Optional.of("uploads are paused: they go once resumed (POST /resume)");
        }
        java.util.Set<String> away = new java.util.TreeSet<>();
        for (JsonNode b : status.path("buckets")) {
            JsonNode down = b.path("unreachable");
            if (down.isObject()) {
                away.add(down.path("endpoint").asText());
            }
        }
        return away.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("the S3 endpoint "
                + String.join(", ", away) + (away.size() == 1 ? " does not answer: uploads go once it answers"
                        : " do not answer: uploads go once they answer") + " ('ferry status' shows the outage)");
    }
}
