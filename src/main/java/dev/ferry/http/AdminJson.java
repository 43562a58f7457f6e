package dev.ferry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.AdminOperations.FilePage;
import dev.ferry.core.FileRecord;
import java.util.List;
import java.util.Map;

/** JSON bodies of the admin endpoints and of /status/history, with the mapper of {@link StatusJson}. */
final class AdminJson {
    private AdminJson() {
    }

    /** {@code {"status":"ok", ...fields}}. */
    static byte[] ok(Map<String, ?> fields) {
        ObjectNode root = StatusJson.MAPPER.createObjectNode();
        root.put("status", "ok");
        fields.forEach((name, value) -> root.set(name, StatusJson.MAPPER.valueToTree(value)));
        return write(root);
    }

    static byte[] files(String status, FilePage page) {
        ObjectNode root = StatusJson.MAPPER.createObjectNode();
        root.put("status", "ok");
        root.put("fileStatus", status);
        root.put("offset", page.offset());
        root.put("limit", page.limit());
        if (page.total().isPresent()) {
            root.put("total", page.total().getAsLong());
        } else {
            root.putNull("total");
        }
        ArrayNode files = root.putArray("files");
        for (FileRecord r : page.files()) {
            ObjectNode f = files.addObject();
            f.put("path", r.path());
            f.put("bucket", r.bucket());
            f.put("key", r.key());
            f.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
            f.put("size", r.size());
            f.put("attempts", r.attempts());
            f.put("reason", r.reason());
            f.put("permanent", r.permanent());
            f.put("retryable", !page.cannotRetry().contains(r.id()));
            f.put("updatedAt", r.updatedAt().toString());
        }
        return write(root);
    }

    static byte[] history(StatusHistory history) {
        ObjectNode root = StatusJson.MAPPER.createObjectNode();
        root.put("status", "ok");
        root.put("intervalSeconds", history.interval().toSeconds());
        List<StatusHistory.Sample> samples = history.samples();
        root.set("samples", StatusJson.MAPPER.valueToTree(samples));
        return write(root);
    }

    private static byte[] write(ObjectNode root) {
        try {
            return StatusJson.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values cannot fail to serialize", e);
        }
    }
}
