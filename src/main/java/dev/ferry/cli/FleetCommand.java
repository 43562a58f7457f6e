package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ferry fleet}: every daemon sharing the state store of the one asked, those that stopped reporting marked. */
@Command(footer = ClientCommand.EXIT_CODES_HELP, name = "fleet", mixinStandardHelpOptions = true,
        description = "List the daemons that share this one's state store; STALE: stopped reporting. Each "
                + "with its host, version, when it started and last reported, and its counts; one silent for 3 of "
                + "its heartbeats is STALE. With MongoDB every daemon of the fleet, with SQLite this daemon alone "
                + "(needs the admin token).")
final class FleetCommand extends ClientCommand {

    FleetCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    String name() {
        return "fleet";
    }

    @Override
    int run(DaemonClient client) throws ClientException {
        JsonNode fleet = client.get("fleet");
        if (options.json) {
            printJson(fleet);
        } else {
            out.print(render(fleet));
        }
        return EXIT_OK;
    }

    /** The warning of a daemon found writing under the answering one's instance id; "" when none was. */
    private static String sameInstanceId(JsonNode other) {
        if (!other.isObject()) {
            return "";
        }
        return "WARNING: another daemon writes under the instance id of the one that answered (host "
                + other.path("host").asText() + ", pid " + (other.path("pid").isNumber() ? other.path("pid").asText()
                : "unknown") + ", " + (other.path("url").isTextual() ? other.path("url").asText() : "no status URL")
                + ", started " + other.path("startedAt").asText() + "): the two overwrite each other's records."
                + " Give each daemon its own INSTANCE_ID." + System.lineSeparator();
    }

    /** The table of GET /fleet's answer, times measured against the answering daemon's clock, and a summary line. */
    static String render(JsonNode fleet) {
        Instant now;
        try {
            now = Instant.parse(fleet.path("now").asText());
        } catch (RuntimeException e) {
            now = Instant.now();
        }
        TextTable table = new TextTable(TextTable.Column.left("INSTANCE"), TextTable.Column.left("HOST"),
                TextTable.Column.left("VERSION"), TextTable.Column.left("STARTED"), TextTable.Column.left("LAST SEEN"),
                TextTable.Column.left("STATE"), TextTable.Column.right("QUEUED"), TextTable.Column.right("UPLOADED"),
                TextTable.Column.right("FAILED"), TextTable.Column.left("URL"));
        int count = 0;
        for (JsonNode i : fleet.path("instances")) {
            count++;
            table.row(i.path("id").asText() + (i.path("self").asBoolean() ? " *" : ""), i.path("host").asText(),
                    i.path("version").asText(), Formats.ago(i.path("startedAt").asText(null), now),
                    Formats.ago(i.path("lastSeen").asText(null), now),
                    i.path("stale").asBoolean() ? "STALE" : "ok", Formats.count(i.path("queued").asLong()),
                    Formats.count(i.path("uploaded").asLong()), Formats.count(i.path("failed").asLong()),
                    i.path("url").isTextual() ? i.path("url").asText() : "-");
        }
        long stale = fleet.path("stale").asLong();
        return table.render() + System.lineSeparator() + count + (count == 1 ? " instance" : " instances")
                + (stale > 0 ? ", " + stale + " STALE (no report for "
                        + fleet.path("staleAfterHeartbeats").asInt(3) + " heartbeats)" : "")
                + "; * is the daemon that answered; UPLOADED counts since each started."
                + System.lineSeparator() + sameInstanceId(fleet.path("sameInstanceId"));
    }
}
