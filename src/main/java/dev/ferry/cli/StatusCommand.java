package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ControlCharacters;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code ferry status}: what a running daemon is doing, as a table per bucket. */
@Command(footer = ClientCommand.EXIT_CODES_HELP, name = "status", mixinStandardHelpOptions = true,
        description = "Show what a running Ferry daemon is doing: its state store and watcher, and per bucket the "
                + "files queued, in flight, uploaded and failed, with the last error; per replicate: job its copies "
                + "and, in event mode, its SQS messages.")
final class StatusCommand extends ClientCommand {
    static final int LAST_ERROR_WIDTH = 80;
    /** Why files already there at start are not uploaded while the state store cannot be read. */
    static final String SWEEP_WAITS = "the first full sweep waits for the state store, which is UNREACHABLE, so "
            + "files that were under the watched folder before Ferry started are not uploaded until it answers "
            + "(files created or changed since are uploaded as they come).";

    StatusCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        super(env, out, err);
    }

    @Override
    String name() {
        return "status";
    }

    /** Why a daemon that is not ready is not, as /ready says it: the first sweep, the state store, or both. */
    private static String readiness(boolean swept, boolean storeDown, boolean refusesWrites) {
        if (!swept) {
            return storeDown && !refusesWrites ? "starting (first sweep waiting for the state store)"
                    : "starting (first sweep not done)";
        }
        return !storeDown ? "not ready"
                : refusesWrites ? "NOT READY (the state store refuses writes)" : "NOT READY (the state store is unreachable)";
    }

    @Override
    int run(DaemonClient client) throws ClientException {
        JsonNode s = client.get("status");
        if (options.json) {
            printJson(s);
            return EXIT_OK;
        }
        Instant now = serverNow(s);
        String at = client.shownBase().replaceAll("/$", "");
        JsonNode store = s.path("store");
        JsonNode w = s.path("watcher");
        boolean watches = !w.path("root").asText("").isEmpty();
        boolean storeDown = !store.path("reachable").asBoolean();
        // a SQLite file that is not reachable is open but refuses writes (a full disk, a read-only file): it is read
        boolean refusesWrites = storeDown && "sqlite".equals(store.path("kind").asText());
        // the first full sweep asks the store which files it knows: it cannot finish while the store cannot be read
        boolean swept = !watches || w.path("lastSweepAt").isTextual();
        boolean sweepWaits = !swept && storeDown && !refusesWrites;
        JsonNode control = s.path("control");
        boolean heldByMothership = control.isObject() && !control.path("uploading").asBoolean();
        out.println("Ferry " + s.path("version").asText() + " at " + at + ": "
                + (heldByMothership ? "PAUSED (the mothership has not configured this host: its state is "
                        + ControlCharacters.escape(control.path("state").asText()) + "; uploads resume when it is "
                        + "configured)"
                        : s.path("paused").asBoolean() ? "PAUSED (uploads stopped; resume with POST /resume)" : "running")
                + ", " + (s.path("ready").asBoolean() ? "ready" : readiness(swept, storeDown, refusesWrites)) + ", up " + Formats.duration(Duration.ofSeconds(s.path("uptimeSeconds").asLong())));
        out.println("State store  " + store.path("kind").asText() + " " + store.path("location").asText() + ": "
                + (!storeDown ? "reachable" : refusesWrites ? "REFUSES WRITES (records wait in memory until it takes "
                        + "them)" : "UNREACHABLE")
                + ", " + Formats.count(store.path("pendingWrites").asLong()) + " pending writes"
                + text(store.path("lastError"), ", last error: "));
        if (!text(store.path("notice"), "").isEmpty()) {
            out.println("             NOTE: " + store.path("notice").asText());
        }
        if (control.isObject()) {
            out.println("Mothership   " + ControlCharacters.escape(control.path("mothership").asText()) + ": state "
                    + ControlCharacters.escape(control.path("state").asText()) + " (uploads "
                    + (control.path("uploading").asBoolean() ? "run" : "wait") + "), last contact "
                    + Formats.ago(control.path("lastContact").asText(null), now)
                    + (control.path("failures").asInt() > 0 ? ", " + control.path("failures").asInt()
                            + " failed request(s)" : "")
                    + (control.path("lastError").isTextual() ? ", last error: "
                            + ControlCharacters.escape(control.path("lastError").asText()) : ""));
        }
        String state = w.path("state").asText("");
        if (!watches) { // replicate: jobs alone
            out.println("Watcher      none: no folder to watch (replicate: jobs only)");
        } else {
            out.println("Watcher      " + ControlCharacters.escape(w.path("root").asText()) + ": "
                    + w.path("mode").asText()
                    + (state.isEmpty() || state.equals("watching") || state.equals("polling") ? "" : " (" + state + ")")
                    + (w.path("healthy").asBoolean() ? ", healthy" : ", FAILED") + ", "
                    + Formats.count(w.path("rescans").asLong()) + " rescans, last full sweep "
                    + Formats.ago(w.path("lastSweepAt").asText(null), now) + text(w.path("lastError"), ", last error: "));
        }
        out.println();

        JsonNode buckets = s.path("buckets");
        if (buckets.isEmpty() && !watches) {
            printJobs(s.path("replication"), now);
            return EXIT_OK;
        }
        if (buckets.isEmpty()) {
            if (sweepWaits) {
                out.println("No bucket has had work since Ferry started: " + SWEEP_WAITS);
            } else if (!swept) {
                out.println("No bucket has had work since Ferry started: the first full sweep is still running.");
            } else {
                out.println("No bucket has had work since Ferry started: no file needed uploading (see the last full "
                        + "sweep above), or none has been found under the watched folder.");
            }
            printJobs(s.path("replication"), now);
            return EXIT_OK;
        }
        TextTable table = new TextTable(TextTable.Column.left("BUCKET"), TextTable.Column.right("QUEUED"),
                TextTable.Column.right("IN FLIGHT"), TextTable.Column.right("UPLOADED"), TextTable.Column.right("DATA"),
                TextTable.Column.right("FAILED"), TextTable.Column.left("LAST ERROR"));
        for (Iterator<Map.Entry<String, JsonNode>> it = buckets.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode b = e.getValue();
            table.row(e.getKey(), Formats.count(b.path("queued").asLong()), Formats.count(b.path("inFlight").asLong()),
                    Formats.count(b.path("uploaded").asLong()), Formats.bytes(b.path("bytes").asLong()),
                    Formats.count(b.path("failed").asLong()), lastError(b, w.path("root").asText(), now));
        }
        out.print(table.render());
        Map<String, String> full = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = buckets.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            problem(e.getValue()).or(() -> fileError(e.getValue(), w.path("root").asText()))
                    .filter(what -> !lastError(e.getValue(), w.path("root").asText(), now).startsWith(
                            ControlCharacters.escape(what)))
                    .ifPresent(what -> full.put(e.getKey(), what));
        }
        printInFull(full);
        if (sweepWaits) {
            out.println();
            out.println("Not every file is here yet: " + SWEEP_WAITS);
        }
        printJobs(s.path("replication"), now);
        return EXIT_OK;
    }

    /** One row per replicate: job, with its queue's counts when it follows one (event mode); nothing without jobs. */
    private void printJobs(JsonNode jobs, Instant now) {
        if (!jobs.isObject() || jobs.isEmpty()) {
            return;
        }
        TextTable table = new TextTable(TextTable.Column.left("JOB"), TextTable.Column.right("COPIED"),
                TextTable.Column.right("DATA"), TextTable.Column.right("FAILED"), TextTable.Column.right("DELETED"),
                TextTable.Column.right("FULL SYNCS"), TextTable.Column.right("SQS WAITING"),
                TextTable.Column.right("SQS MESSAGES"),
                TextTable.Column.right("IN FLIGHT"), TextTable.Column.right("MALFORMED"),
                TextTable.Column.left("LAST ERROR"));
        for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode j = e.getValue();
            JsonNode ev = j.path("events");
            boolean events = ev.isObject();
            table.row(e.getKey(), Formats.count(j.path("copied").asLong()), Formats.bytes(j.path("bytes").asLong()),
                    Formats.count(j.path("failed").asLong()), Formats.count(j.path("deleted").asLong()),
                    Formats.count(j.path("fullSyncs").asLong()) + (j.path("running").asBoolean() ? " (running)" : ""),
                    events && ev.path("waiting").isNumber() ? Formats.count(ev.path("waiting").asLong()) : "-",
                    events ? Formats.count(ev.path("messages").asLong()) : "-",
                    events ? Formats.count(ev.path("inFlight").asLong()) : "-",
                    events ? Formats.count(ev.path("malformed").asLong()) : "-",
                    jobError(j, now));
        }
        out.println();
        out.print(table.render());
        Map<String, String> full = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String error = text(e.getValue().path("lastError"), "");
            if (!TextTable.fit(error, LAST_ERROR_WIDTH).equals(ControlCharacters.escape(error))) {
                full.put(e.getKey(), error);
            }
        }
        printInFull(full);
    }

    /** The errors (by bucket or job) that the LAST ERROR column cut, whole, under the table. */
    private void printInFull(Map<String, String> cut) {
        if (cut.isEmpty()) {
            return;
        }
        out.println();
        out.println("Last errors in full:");
        cut.forEach((name, error) -> out.println("  " + name + ": " + ControlCharacters.escape(error)));
    }

    /** The endpoint the job's events wait for, else its last error, cut to fit the column. */
    static String jobError(JsonNode job, Instant now) {
        JsonNode down = job.path("unreachable");
        if (!down.isNull() && !down.isMissingNode()) {
            return TextTable.fit("events wait: " + outage(down, now).replace("endpoint ", ""), LAST_ERROR_WIDTH);
        }
        return TextTable.fit(text(job.path("lastError"), ""), LAST_ERROR_WIDTH);
    }

    /**
     * The bucket's problem, else its last error: the file (under the watched folder) and the reason, cut to
     * fit the column, then how long ago.
     */
    static String lastError(JsonNode bucket, String root, Instant now) {
        JsonNode down = bucket.path("unreachable");
        if (!down.isNull() && !down.isMissingNode()) {
            return TextTable.fit(outage(down, now), LAST_ERROR_WIDTH);
        }
        Optional<String> problem = problem(bucket);
        if (problem.isPresent()) {
            return TextTable.fit(problem.get(), LAST_ERROR_WIDTH);
        }
        JsonNode e = bucket.path("lastError");
        Optional<String> what = fileError(bucket, root);
        if (what.isEmpty()) {
            return "";
        }
        String when = " (" + Formats.ago(e.path("at").asText(), now) + ")";
        return TextTable.fit(what.get(), LAST_ERROR_WIDTH - when.length()) + when;
    }

    /** The bucket's problem, when its LAST ERROR column shows it (no outage): printed whole under the table if cut. */
    private static Optional<String> problem(JsonNode bucket) {
        boolean down = !bucket.path("unreachable").isNull() && !bucket.path("unreachable").isMissingNode();
        JsonNode problem = bucket.path("problem");
        return down || problem.isNull() || problem.isMissingNode() ? Optional.empty() : Optional.of(problem.asText());
    }

    /**
     * The bucket's last failed file, when its LAST ERROR column shows one (no outage, no problem): its path under
     * the watched folder and the reason.
     */
    private static Optional<String> fileError(JsonNode bucket, String root) {
        JsonNode e = bucket.path("lastError");
        boolean down = !bucket.path("unreachable").isNull() && !bucket.path("unreachable").isMissingNode();
        boolean problem = !bucket.path("problem").isNull() && !bucket.path("problem").isMissingNode();
        if (down || problem || e.isNull() || e.isMissingNode()) {
            return Optional.empty();
        }
        String path = e.path("path").asText();
        String prefix = root.endsWith("/") ? root : root + "/";
        String relative = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        String reason = e.path("reason").asText();
        // Upload failures already start with bucket/key, which is the path under the watched folder.
        return Optional.of(reason.startsWith(relative + ":") ? reason : relative + ": " + reason);
    }

    /** "endpoint http://s3:9000 unreachable for 1m 5s (7 probes failed, next in 3s)". */
    static String outage(JsonNode down, Instant now) {
        String next;
        try {
            next = Formats.duration(Duration.between(now, Instant.parse(down.path("nextProbe").asText())));
        } catch (DateTimeParseException e) {
            next = "?";
        }
        long probes = down.path("probes").asLong();
        return "endpoint " + down.path("endpoint").asText() + " unreachable for "
                + Formats.ago(down.path("since").asText(), now).replace(" ago", "") + " (" + probes + " probe"
                + (probes == 1 ? "" : "s") + " failed, next in " + next + ")";
    }

    private static String text(JsonNode node, String prefix) {
        return node.isNull() || node.isMissingNode() || node.asText().isBlank() ? "" : prefix + node.asText();
    }

    /** The daemon's clock from its answer, so "ago" is right whatever this machine's clock says. */
    private static Instant serverNow(JsonNode s) {
        try {
            return Instant.parse(s.path("startedAt").asText()).plusSeconds(s.path("uptimeSeconds").asLong());
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
