package dev.ferry.oneshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ControlCharacters;
import java.io.PrintStream;
import java.time.Duration;

/**
 * What a one-shot command tells: lines for a person on stdout, or, with {@code --json}, nothing until the end
 * and then one JSON document (the shape is in docs/operations.md). Logs never come here: they go to stderr.
 */
final class OneShotReport {
    /**
     * Made on first use, by a --json run at its end: an ObjectMapper costs a one-shot run about a tenth of a
     * second of start-up, which a run without --json does not need (its document is plain nodes).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final PrintStream out;
    private final boolean json;
    private final long startNanos = System.nanoTime();
    final ObjectNode document = JsonNodeFactory.instance.objectNode();

    OneShotReport(PrintStream out, boolean json, String command) {
        this.out = out;
        this.json = json;
        document.put("command", command);
    }

    boolean json() {
        return json;
    }

    /**
     * A line for a person; nothing with --json (the document carries the same facts). Control characters (a
     * file name's line break, ESC) are escaped as in the logs, so one result is always one line.
     */
    void line(String text) {
        if (!json) {
            out.println(ControlCharacters.escape(text));
        }
    }

    /** "file" for one, "files" for any other count: "1 file compared", "0 files compared". */
    static String files(long count) {
        return count == 1 ? "file" : "files";
    }

    /**
     * The array {@code name} of the document, made on first use. Without --json nothing is printed from the
     * document, so what is added goes to a node of its own that is dropped at once: a run over a million files
     * must not hold an entry per file it would upload.
     */
    ArrayNode list(String name) {
        if (!json) {
            return JsonNodeFactory.instance.arrayNode();
        }
        return document.has(name) ? (ArrayNode) document.get(name) : document.putArray(name);
    }

    /** The object {@code name} of the document, made on first use (dropped at once without --json). */
    ObjectNode object(String name) {
        if (!json) {
            return JsonNodeFactory.instance.objectNode();
        }
        return document.has(name) ? (ObjectNode) document.get(name) : document.putObject(name);
    }

    /** Ends the report with its exit code: with --json, prints the document. Returns {@code exitCode}. */
    int finish(int exitCode) {
        if (json) {
            document.put("exitCode", exitCode);
            document.put("ok", exitCode == OneShotOptions.EXIT_OK);
            document.put("durationMs", Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
            try {
                out.println(Json.MAPPER.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a tree of plain nodes always serializes
            }
            out.flush();
        }
        return exitCode;
    }
}
