package dev.ferry.replicate;

import java.util.List;

/**
 * What one SQS message said, as {@link EventMessages#parse} reads it: never an exception, so that a consumer
 * handles every message in one of three ways: act on its events, acknowledge a test event, or log a
 * malformed one once (with its id) and leave it to the queue's dead-letter policy.
 */
public sealed interface ParsedMessage {

    /** The SQS message id, for logs and counts. */
    String messageId();

    /** Every record of the message, in the message's order (there may be several per message). */
    record Events(String messageId, List<S3Event> events) implements ParsedMessage {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** S3's {@code s3:TestEvent}, sent when notifications are configured: acknowledge and ignore it. */
    record TestEvent(String messageId) implements ParsedMessage {
    }

    /**
     * Not an event Ferry can read; {@code reason} says why, without quoting the body. {@code readable}: the records of
     * the message that could be read when another could not (applied all the same, so one bad record does not keep
     * the others from their copies until a full sync), else empty.
     */
    record Malformed(String messageId, String reason, List<S3Event> readable) implements ParsedMessage {
        public Malformed {
            readable = List.copyOf(readable);
        }

        public Malformed(String messageId, String reason) {
            this(messageId, reason, List.of());
        }
    }
}
