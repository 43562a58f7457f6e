package dev.ferry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the top level of the YAML config file into entries that remember their line. Problems (missing
 * file, invalid YAML, not a mapping) are added to the list given; their text never quotes the file's
 * content, which may hold secrets.
 */
final class YamlFile {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /**
     * One top-level key, its value (a tree) and the 1-based line it is on; for a list, the line each of its items
     * starts on ({@code itemLines}, empty otherwise), so a problem in the second site names the second site's line.
     */
    record Entry(String name, JsonNode value, int line, List<Integer> itemLines) {
        Entry {
            itemLines = List.copyOf(itemLines);
        }

        Entry(String name, JsonNode value, int line) {
            this(name, value, line, List.of());
        }

        /** The line item {@code index} (1-based) of a list starts on, else the key's own line. */
        int lineOfItem(int index) {
            return index >= 1 && index <= itemLines.size() ? itemLines.get(index - 1) : line;
        }
    }

    private YamlFile() {
    }

    /**
     * The file's top-level entries, or empty (with the reason added to {@code problems}) when the file as a
     * whole cannot be read: then nobody knows which keys it sets, and the caller must not report a key as
     * missing that the file may well have set.
     */
    static Optional<List<Entry>> read(Path file, List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        if (Files.isDirectory(file)) {
            problems.add(file + ": config file is a folder, not a file");
            return Optional.empty();
        }
        try (JsonParser p = YAML.createParser(Files.newBufferedReader(file))) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return Optional.of(entries);
            }
            if (first != JsonToken.START_OBJECT) {
                problems.add(file + ": must be a mapping of keys to values (key: value, one per line), "
                        + "found " + describe(first) + " at line " + p.currentTokenLocation().getLineNr());
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                if (p.nextToken() == JsonToken.START_ARRAY) {
                    // item by item, to keep the line each starts on
                    com.fasterxml.jackson.databind.node.ArrayNode items = YAML.createArrayNode();
                    List<Integer> itemLines = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        itemLines.add(p.currentTokenLocation().getLineNr());
                        items.add((JsonNode) YAML.readTree(p));
                    }
                    entries.add(new Entry(name, items, line, itemLines));
                    continue;
                }
                JsonNode value = YAML.readTree(p);
                entries.add(new Entry(name, value, line));
            }
            return Optional.of(entries);
        } catch (NoSuchFileException e) {
            problems.add(file + ": config file does not exist");
        } catch (AccessDeniedException e) {
            problems.add(file + ": config file cannot be read (permission denied)");
        } catch (JsonProcessingException e) {
            // Keys read before the error are dropped too: they would only add confusing follow-up problems.
            problems.add(file + " " + where(e) + ": not valid YAML: " + reason(e));
        } catch (IOException e) {
            problems.add(file + ": config file cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return Optional.empty();
    }

    private static String where(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            return "line " + (m.getProblemMark().getLine() + 1) + " column " + (m.getProblemMark().getColumn() + 1);
        }
        return e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr();
    }

    /** SnakeYAML's problem alone: its full message repeats the offending line, which could hold a secret. */
    private static String reason(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            return m.getProblem();
        }
        String original = e.getOriginalMessage();
        // Jackson's own messages (e.g. "Duplicate field 'port'") name keys, not values.
        return original == null ? e.getClass().getSimpleName() : original.lines().findFirst().orElse("");
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> "a single value";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
