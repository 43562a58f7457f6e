package dev.ferry.replicate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The few SQS calls event mode needs, so that {@link EventFollower} never sees the SDK ({@code dev.ferry.sqs} holds
 * the implementation). Every failure is a {@link QueueException} whose message carries no credential.
 */
public interface EventQueueClient extends AutoCloseable {

    /** One received message: its id (for logs), the handle that deletes it, and its body. */
    record Message(String id, String receiptHandle, String body) {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(receiptHandle, "receiptHandle");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public String toString() {
            return "Message[" + id + "]"; // never the body: it may name keys a log should not hold
        }
    }

    /** A failed queue call. */
    final class QueueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public QueueException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /**
     * Long-polls for up to {@code max} messages, waiting up to {@code wait} when none is there; the messages received
     * stay invisible to other consumers for {@code visibility}.
     */
    List<Message> receive(int max, Duration wait, Duration visibility);

    /**
     * Deletes handled messages, at most {@link #MAX_BATCH} in one request.
     *
     * @return the ids of those the queue did not delete, each with its reason; empty when all were deleted
     * @throws QueueException when the request failed as a whole
     */
    Map<String, String> delete(List<Message> messages);

    /** The most messages one receive or one delete takes (SQS's limit). */
    int MAX_BATCH = 10;

    /** Keeps a message invisible for {@code visibility} from now (a long copy is still under way). */
    void extend(Message message, Duration visibility);

    /** The messages waiting on the queue (SQS's ApproximateNumberOfMessages), for /status. */
    long waiting();

    /** What the queue is, for logs (its URL). */
    String describe();

    /** Closes the client; a receive under way ends with a {@link QueueException}. */
    @Override
    void close();
}
