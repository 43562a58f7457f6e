package dev.ferry.replicate;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One object event read from an SQS message, whatever its wrapping (S3's own notification, inside an SNS
 * envelope, or EventBridge's): the bucket, the key already decoded, and what S3 said of the object.
 *
 * @param kind      created, removed, or another event Ferry does not act on (restore, tagging, ...)
 * @param eventName the name as S3 or EventBridge gave it ({@code ObjectCreated:Put}, {@code Object Deleted})
 * @param bucket    source bucket
 * @param key       object key, decoded (S3's notifications encode it as a form: {@code +} is a space)
 * @param size      object size when the event carries one (not for deletions)
 * @param eTag      the object's ETag when given, without quotes
 * @param sequencer S3's sequencer, to order events of one key ({@link Sequencers}); empty when absent
 */
public record S3Event(Kind kind, String eventName, String bucket, String key, OptionalLong size, Optional<String> eTag,
        Optional<String> sequencer) {

    /** What the event asks of a destination. */
    public enum Kind {
        /** {@code ObjectCreated:*} or EventBridge's {@code Object Created}: copy to every destination. */
        CREATED,
        /**
         * {@code ObjectRemoved:*}, {@code LifecycleExpiration:*} or {@code Object Deleted}: delete where the job mirrors
         * deletions.
         */
        REMOVED,
        /** Any other event (restore, tagging, lifecycle transition, ...): nothing to copy, counted as skipped. */
        OTHER
    }

    public S3Event {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(eTag, "eTag");
        Objects.requireNonNull(sequencer, "sequencer");
    }
}
