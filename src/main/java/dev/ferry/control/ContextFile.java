package dev.ferry.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 003's s3-ingestor-context.json: the state the mothership last gave, so a restart keeps it (a machine the
 * mothership has not configured stays idle after a reboot, one it has configured uploads before the mothership
 * answers). Written whole to a temporary file and renamed, so a crash leaves the old or the new one.
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
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            JsonNode state = node == null ? null : node.get("state");
            return state != null && state.isTextual() ? Optional.of(state.textValue()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("{}: context file cannot be read ({}); starting without a state", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    void writeState(String state) {
        ObjectNode node = JSON.createObjectNode().put("state", state);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("{}: the state '{}' could not be kept for the next start: {}", file, state, e.toString());
        }
    }
}
