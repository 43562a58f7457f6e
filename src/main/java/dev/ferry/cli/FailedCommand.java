package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ControlCharacters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry failed}: the files whose last attempt failed, with their reasons. */
@Command(footer = ClientCommand.EXIT_CODES_HELP, name = "failed", mixinStandardHelpOptions = true,
        description = "List the files whose last upload attempt failed, with the number of attempts and the reason "
                + "(needs the admin token).")
final class FailedCommand extends ClientCommand {
    static final int REASON_WIDTH = 100;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N files (1 to 1000). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N files (by path). Default: ${DEFAULT-VALUE}.")
    int offset;

    FailedCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    String name() {
        return "failed";
    }

    @Override
    int run(DaemonClient client) throws ClientException {
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new ClientException("--limit must be from 1 to 1000 and --offset at least 0");
        }
        JsonNode page = client.get("files?status=failed&offset=" + offset + "&limit=" + limit);
        if (options.json) {
            printJson(page);
            return EXIT_OK;
        }
        JsonNode files = page.path("files");
        long total = page.path("total").asLong(-1);
        if (files.isEmpty()) {
            out.println(offset == 0 ? "No failed files." : "No failed files after the first " + offset + ".");
            return EXIT_OK;
        }
        // one row per destination: a file fed to several sites has a record for each bucket
        TextTable table = new TextTable(TextTable.Column.left("PATH"), TextTable.Column.left("BUCKET"),
                TextTable.Column.right("ATTEMPTS"),
                TextTable.Column.left("RETRIED"), TextTable.Column.left("REASON", REASON_WIDTH));
        List<String> cut = new ArrayList<>();
        for (JsonNode f : files) {
            String reason = f.path("reason").asText();
            table.row(f.path("path").asText(), f.path("bucket").asText(), Formats.count(f.path("attempts").asLong()),
                    !f.path("retryable").asBoolean(true) ? "never (move it)"
                            : f.path("permanent").asBoolean() ? "when changed" : "automatically",
                    reason);
            String whole = ControlCharacters.escape(reason);
            if (!TextTable.fit(reason, REASON_WIDTH).equals(whole)) {
                cut.add("  " + ControlCharacters.escape(f.path("path").asText()) + ": " + whole);
            }
        }
        out.print(table.render());
        if (!cut.isEmpty()) {
            // the table keeps its width; a reason it cut (its cause is often at the end) is printed whole here
            out.println();
            out.println("Reasons in full:");
            cut.forEach(out::println);
        }
        String of = total >= 0 ? " of " + Formats.count(total) : "";
        out.println();
        out.println("Failed files " + (offset + 1) + "-" + (offset + files.size()) + of
                + ". 'ferry retry' tries them all now, 'ferry retry PATH' one of them.");
        return EXIT_OK;
    }
}
