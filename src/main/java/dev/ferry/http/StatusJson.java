package dev.ferry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.core.DaemonStatus;

/**
 * The one JSON mapper of the HTTP endpoints, configured once: Instants as ISO-8601 strings, an empty
 * Optional as null, map entries sorted by key. Kept apart from Javalin's own mapper, which may expect a
 * different Jackson major version.
 */
final class StatusJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private StatusJson() {
    }

    /** {@code {"status":"ok", ...every field of the snapshot}}. */
    static byte[] ok(DaemonStatus status) throws JsonProcessingException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", "ok");
        root.setAll((ObjectNode) MAPPER.valueToTree(status));
        return MAPPER.writeValueAsBytes(root);
    }

    /**
     * {@code {"ready":bool,"firstSweepDone":bool,"storeReachable":bool,"missing":[...]}}: what readiness waits
     * for, each missing condition as a short sentence.
     */
    static byte[] readiness(DaemonStatus status) throws JsonProcessingException {
        boolean swept = firstSweepDone(status);
        boolean reachable = status.store().reachable();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("ready", status.ready());
        root.put("firstSweepDone", swept);
        root.put("storeReachable", reachable);
        var missing = root.putArray("missing");
        if (!status.ready()) {
            if (!swept) {
                missing.add("the first full sweep has not finished"
                        + status.watcher().lastError().map(e -> " (" + e + ")").orElse(""));
            }
            if (!reachable) {
                missing.add("the state store is unreachable");
            }
            if (missing.isEmpty()) {
                missing.add("starting");
            }
        }
        return MAPPER.writeValueAsBytes(root);
    }

    /**
     * Whether every site that can be swept has finished its first full sweep: its time is known, or the daemon is
     * ready without one (every site's folder is missing: nothing to sweep holds readiness back, and a probe or
     * /info must not read "not swept" for ever).
     */
    private static boolean firstSweepDone(DaemonStatus status) {
        return status.watcher().lastSweepAt().isPresent() || status.ready();
    }

    /** {@code {"status":"ok"}}: the process answers (liveness, as seed 002's probes expect of /healthz). */
    static byte[] healthz() throws JsonProcessingException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", "ok");
        return MAPPER.writeValueAsBytes(root);
    }

    /**
     * Seed 002's (s3sync-service) /info, under its field names: {@code {"VERSION","STARTUPTIME","STATUS"}},
     * STATUS being STARTING until the first full sweep is done and RUNNING after it (PAUSED while paused).
     * Nothing from the configuration: no paths, no secrets.
     */
    static byte[] info(DaemonStatus status) throws JsonProcessingException {
        boolean swept = firstSweepDone(status) || status.watcher().root().isEmpty();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("VERSION", status.version());
        root.put("STARTUPTIME", status.startedAt().toString());
        root.put("STATUS", status.paused() ? "PAUSED" : swept ? "RUNNING" : "STARTING");
        return MAPPER.writeValueAsBytes(root);
    }

    /** {@code {"status":"error","error":message}}; the message is fixed text, never an exception's. */
    static byte[] error(String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", "error");
        root.put("error", message);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a two-field JSON object cannot fail to serialize", e);
        }
    }
}
