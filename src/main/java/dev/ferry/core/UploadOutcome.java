package dev.ferry.core;

import java.time.Duration;
import java.time.Instant;

/** What became of one attempt to carry a file to S3. */
public sealed interface UploadOutcome {

    /** The object now holds the file's content. */
    record Uploaded(PutResult result, Duration took) implements UploadOutcome {
    }

    /** Nothing to do: S3 already holds this version. */
    record Unchanged(String why) implements UploadOutcome {
    }

    /**
     * Not a failure: the file is still being written, or changed during the upload ({@code changing}), or the
     * upload was interrupted by shutdown; try again at {@code due}. A one-shot run counts each time a file is found
     * changing as one of its attempts, so a file that never stops changing does not hold the run for ever.
     */
    record Requeue(Instant due, String why, boolean changing) implements UploadOutcome {
        /** The file is changing. */
        public Requeue(Instant due, String why) {
            this(due, why, true);
        }
    }

    /**
     * A failure worth retrying (after backoff). {@code credentialsRefused}: the server refused the keys, which a
     * one-shot sync does not retry. {@code unreachable}: the endpoint did not answer (network error, timeout,
     * busy or gateway answer), which says nothing about this file: the daemon waits for the endpoint instead.
     */
    record Retry(String reason, boolean credentialsRefused, boolean unreachable) implements UploadOutcome {
        public Retry(String reason, boolean credentialsRefused) {
            this(reason, credentialsRefused, false);
        }

        public Retry(String reason) {
            this(reason, false, false);
        }
    }

    /** A failure that will repeat until the file changes; recorded, not retried. */
    record Permanent(String reason) implements UploadOutcome {
    }

    /** The local file was deleted and so was its object (retire_deleted). */
    record Deleted(String key) implements UploadOutcome {
    }

    /** A folder's sync marker object was written at {@code key} (and its local copy, where the site keeps one). */
    record Marked(String key) implements UploadOutcome {
    }

    /**
     * The file is gone (deleted or renamed before it could be uploaded), or {@code present} but not a regular
     * file (a FIFO, a dangling link): something someone made on purpose, worth telling at INFO.
     */
    record Gone(String why, boolean present) implements UploadOutcome {
        public Gone(String why) {
            this(why, false);
        }
    }
}
