package dev.ferry.replicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the body of an SQS message into {@link ParsedMessage}: S3's own event notification
 * ({@code Records[]}), the same inside an SNS envelope ({@code Type: Notification} with the notification as a
 * JSON string in {@code Message}), EventBridge's {@code Object Created} / {@code Object Deleted}, and S3's
 * {@code s3:TestEvent}. Pure: no I/O, and no exception escapes; what cannot be read is
 * {@link ParsedMessage.Malformed} naming the message id.
 *
 * <p>S3's notifications carry the key URL-encoded as a form ({@code +} for a space, {@code %2B} for a plus);
 * EventBridge's carry it as is. Seed 001 did not decode the former, so a key with a space was never found.
 */
public final class EventMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventMessages() {
    }

    /** Reads one message body; {@code messageId} names it in the result. */
    public static ParsedMessage parse(String messageId, String body) {
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            if (root == null || !root.isObject()) {
                return malformed(messageId, "the body is not a JSON object");
            }
            return read(messageId, root, true);
        } catch (JsonProcessingException e) {
            return malformed(messageId, "the body is not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll("'[^']*'", "'...'") + ")");
        } catch (BadEvent e) {
            return new ParsedMessage.Malformed(messageId, "message " + messageId + ": " + e.getMessage(), e.readable);
        } catch (RuntimeException e) { // a defect must not stop the consumer: the message goes to the DLQ
            return malformed(messageId, "unreadable event (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ParsedMessage read(String messageId, JsonNode root, boolean envelopeAllowed)
            throws BadEvent, JsonProcessingException {
        if (envelopeAllowed && "Notification".equals(root.path("Type").asText()) && root.has("Message")) {
            JsonNode inner = root.get("Message");
            JsonNode parsed = inner.isTextual() ? JSON.readTree(inner.textValue()) : inner;
            if (parsed == null || !parsed.isObject()) {
                throw new BadEvent("the SNS envelope's Message is not a JSON object");
            }
            return read(messageId, parsed, false);
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return new ParsedMessage.TestEvent(messageId);
        }
        if (root.has("Records")) {
            return new ParsedMessage.Events(messageId, records(root.get("Records")));
        }
        if ("aws.s3".equals(root.path("source").asText()) && root.has("detail-type")) {
            return new ParsedMessage.Events(messageId, List.of(eventBridge(root)));
        }
        throw new BadEvent("neither an S3 event notification (Records), an SNS envelope, an EventBridge S3 event "
                + "nor s3:TestEvent");
    }

    private static List<S3Event> records(JsonNode records) throws BadEvent {
        if (!records.isArray() || records.isEmpty()) {
            throw new BadEvent("Records must be a non-empty list");
        }
        List<S3Event> events = new ArrayList<>();
        BadEvent bad = null;
        int i = 0;
        for (JsonNode r : records) {
            i++;
            try {
                events.add(record(r, "Records[" + i + "]"));
            } catch (BadEvent e) {
                bad = bad == null ? e : bad; // the first bad record names the message's problem
            }
        }
        if (bad != null) {
            throw new BadEvent(bad.getMessage(), events);
        }
        return events;
    }

    private static S3Event record(JsonNode r, String at) throws BadEvent {
        String name = text(r, "eventName", at);
        JsonNode s3 = r.path("s3");
        String bucket = text(s3.path("bucket"), "name", at + ".s3.bucket");
        String rawKey = text(s3.path("object"), "key", at + ".s3.object");
        String key;
        try {
            key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadEvent(at + ".s3.object.key is not URL-encoded as S3 encodes keys");
        }
        JsonNode object = s3.path("object");
        return new S3Event(kindOf(name), name, bucket, key, size(object.path("size"), at),
                optional(object.path("eTag")), optional(object.path("sequencer")));
    }

    private static S3Event eventBridge(JsonNode root) throws BadEvent {
        String type = root.path("detail-type").asText();
        JsonNode detail = root.path("detail");
        String bucket = text(detail.path("bucket"), "name", "detail.bucket");
        String key = text(detail.path("object"), "key", "detail.object"); // not encoded by EventBridge
        S3Event.Kind kind = switch (type) {
            case "Object Created" -> S3Event.Kind.CREATED;
            case "Object Deleted" -> S3Event.Kind.REMOVED;
            default -> S3Event.Kind.OTHER;
        };
        JsonNode object = detail.path("object");
        return new S3Event(kind, type, bucket, key, size(object.path("size"), "detail.object"),
                optional(object.path("etag")), optional(object.path("sequencer")));
    }

    private static S3Event.Kind kindOf(String eventName) {
        String n = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        if (n.startsWith("ObjectCreated:")) {
            return S3Event.Kind.CREATED;
        }
        // an object a lifecycle rule expired is gone as a deleted one is (LifecycleExpiration:Delete, and
        // :DeleteMarkerCreated in a versioned bucket); a transition to another class (LifecycleTransition) is not
        if (n.startsWith("ObjectRemoved:") || n.startsWith("LifecycleExpiration:")) {
            return S3Event.Kind.REMOVED;
        }
        return S3Event.Kind.OTHER;
    }

    private static String text(JsonNode parent, String field, String at) throws BadEvent {
        JsonNode v = parent.path(field);
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw new BadEvent(at + "." + field + " is missing");
        }
        return v.textValue();
    }

    private static OptionalLong size(JsonNode v, String at) throws BadEvent {
        if (v.isMissingNode() || v.isNull()) {
            return OptionalLong.empty();
        }
        if (v.canConvertToExactIntegral() && v.isNumber() && v.asLong() >= 0) {
            return OptionalLong.of(v.asLong());
        }
        if (v.isTextual() && v.textValue().matches("[0-9]{1,18}")) {
            return OptionalLong.of(Long.parseLong(v.textValue()));
        }
        throw new BadEvent(at + " size is not a size in bytes");
    }

    private static Optional<String> optional(JsonNode v) {
        if (!v.isTextual() || v.textValue().isEmpty()) {
            return Optional.empty();
        }
        String s = v.textValue();
        return Optional.of(s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s);
    }

    private static ParsedMessage.Malformed malformed(String messageId, String reason) {
        return new ParsedMessage.Malformed(messageId, "message " + messageId + ": " + reason);
    }

    /** A message that is JSON but not an event Ferry reads. */
    private static final class BadEvent extends Exception {
        private static final long serialVersionUID = 1L;
        /** The records read before and after the bad one, when the message has any. */
        final transient List<S3Event> readable;

        BadEvent(String reason) {
            this(reason, List.of());
        }

        BadEvent(String reason, List<S3Event> readable) {
            super(reason, null, false, false);
            this.readable = List.copyOf(readable);
        }
    }
}
