package dev.ferry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.AdminOperations.FilePage;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetView;
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

    /**
     * {@code {"status":"ok","now":..., "staleAfterHeartbeats":3, "instances":[{id, host, version, startedAt,
     * lastSeen, ageSeconds, heartbeatSeconds, stale, self, url, pid, queued, uploaded, failed, bytes, buckets}],
     * "sameInstanceId": null}}: the counts are the sums over its buckets, and per bucket under {@code buckets};
     * {@code pid} is null in an entry of a version that did not write it. {@code sameInstanceId} is
     * {@code {host, pid, url, startedAt, lastSeen}} of another daemon the answering one found writing under its
     * own instance id (the two overwrite each other's records), null when none.
     */
    static byte[] fleet(FleetView view) {
        ObjectNode root = StatusJson.MAPPER.createObjectNode();
        root.put("status", "ok");
        root.put("now", view.now().toString());
        root.put("staleAfterHeartbeats", FleetView.STALE_AFTER_HEARTBEATS);
        root.put("stale", view.staleCount());
        ArrayNode instances = root.putArray("instances");
        for (FleetView.Entry e : view.instances()) {
            FleetMember m = e.member();
            ObjectNode i = instances.addObject();
            i.put("id", m.id());
            i.put("host", m.host());
            i.put("version", m.version());
            i.put("startedAt", m.startedAt().toString());
            i.put("lastSeen", m.lastSeen().toString());
            i.put("ageSeconds", e.age().toSeconds());
            i.put("heartbeatSeconds", m.heartbeat().toMillis() / 1000.0);
            i.put("stale", e.stale());
            i.put("self", e.self());
            if (m.url().isPresent()) {
                i.put("url", m.url().get());
            } else {
                i.putNull("url");
            }
            if (m.run().isPresent()) {
                i.put("pid", m.run().get().pid());
            } else {
                i.putNull("pid");
            }
            FleetMember.Counts total = m.total();
            i.put("queued", total.queued());
            i.put("uploaded", total.uploaded());
            i.put("failed", total.failed());
            i.put("bytes", total.bytes());
            i.set("buckets", StatusJson.MAPPER.valueToTree(m.buckets()));
        }
        if (view.sameId().isPresent()) {
            FleetMember o = view.sameId().get();
            ObjectNode same = root.putObject("sameInstanceId");
            same.put("host", o.host());
            if (o.run().isPresent()) {
                same.put("pid", o.run().get().pid());
            } else {
                same.putNull("pid");
            }
            same.put("url", o.url().orElse(null));
            same.put("startedAt", o.startedAt().toString());
            same.put("lastSeen", o.lastSeen().toString());
        } else {
            root.putNull("sameInstanceId");
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
