package dev.ferry.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;

/**
 * What a one-shot command tells: lines for a person on stdout, or, with {@code --json}, nothing until the end
 * and then one JSON document (the shape is in docs/operations.md). Logs never come here: they go to stderr.
 */
final class OneShotReport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;
    private final boolean json;
    private final long startNanos = System.nanoTime();
    final ObjectNode document = JSON.createObjectNode();

    OneShotReport(PrintStream out, boolean json, String command) {
        this.out = out;
        this.json = json;
        document.put("command", command);
    }

    boolean json() {
        return json;
    }

    /** A line for a person; nothing with --json (the document carries the same facts). */
    void line(String text) {
        if (!json) {
            out.println(text);
        }
    }

    /** The array {@code name} of the document, made on first use. */
    ArrayNode list(String name) {
        return document.has(name) ? (ArrayNode) document.get(name) : document.putArray(name);
    }

    ObjectNode object(String name) {
        return document.has(name) ? (ObjectNode) document.get(name) : document.putObject(name);
    }

    /** Ends the report with its exit code: with --json, prints the document. Returns {@code exitCode}. */
    int finish(int exitCode) {
        if (json) {
            document.put("exitCode", exitCode);
            document.put("ok", exitCode == OneShotOptions.EXIT_OK);
            document.put("durationMs", Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
            try {
                out.println(JSON.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a tree of plain nodes always serializes
            }
            out.flush();
        }
        return exitCode;
    }
}
