package dev.ferry.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 003's s3-ingestor-context.json: the state the mothership last gave and the configuration it sent that
 * last applied, so a restart keeps both (a machine the mothership has not configured stays idle after a reboot;
 * one it has configured uploads by the mothership's policies before the mothership answers, or while it is down).
 * Written whole to a temporary file and renamed, so a crash leaves the old or the new one; readable by its owner
 * only (mode 0600), as the keys file. A configuration holding a secret is never written here.
 */
final class ContextFile {
    private static final Logger log = LoggerFactory.getLogger(ContextFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    ContextFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The state kept, if any; an unreadable file is logged and read as none. */
    Optional<String> state() {
        JsonNode state = read().get("state");
        return state != null && state.isTextual() ? Optional.of(state.textValue()) : Optional.empty();
    }

    /** The mothership's configuration kept (the last one that applied), if any. */
    Optional<ObjectNode> config() {
        JsonNode config = read().get("config");
        return config != null && config.isObject() ? Optional.of((ObjectNode) config) : Optional.empty();
    }

    void writeState(String state) {
        ObjectNode node = read();
        node.put("state", state);
        write(node, "the state '" + state + "'");
    }

    /** Keeps the configuration for the next start; empty removes the one kept. */
    void writeConfig(Optional<ObjectNode> config) {
        ObjectNode node = read();
        if (config.isPresent()) {
            node.set("config", config.get());
        } else if (node.remove("config") == null) {
            return;
        }
        write(node, "the mothership's configuration");
    }

    private ObjectNode read() {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            return node != null && node.isObject() ? (ObjectNode) node : JSON.createObjectNode();
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        } catch (IOException e) {
            log.warn("{}: context file cannot be read ({}); starting without a state", file, e.getClass().getSimpleName());
            return JSON.createObjectNode();
        }
    }

    private void write(ObjectNode node, String what) {
        try {
            KeysFile.writePrivate(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (IOException e) {
            log.warn("{}: {} could not be kept for the next start: {}", file, what, e.toString());
        }
    }
}
