package dev.ferry.filter;

import dev.ferry.core.Destination;

/** What the router says about one local path. */
public sealed interface RouteDecision {

    /** Upload it to this destination. */
    record Routed(Destination destination) implements RouteDecision {
    }

    /** Not ours to upload or record (temporary and editor files): ignored silently. */
    record Skipped(String reason) implements RouteDecision {
    }

    /** Why a file is rejected. */
    enum Rejection {
        /** A file directly under the watch root: recorded as IGNORED. */
        ROOT_FILE(false),
        /** Its folder is not a valid bucket name: recorded as a permanent failure. */
        INVALID_BUCKET(true),
        /** Its key is longer than S3 allows: recorded as a permanent failure. */
        KEY_TOO_LONG(true);

        private final boolean failure;

        Rejection(boolean failure) {
            this.failure = failure;
        }

        public boolean failure() {
            return failure;
        }
    }

    /** Never uploaded as it stands, and recorded with the reason so an operator sees it. */
    record Rejected(Rejection kind, String bucket, String key, String reason) implements RouteDecision {
        public boolean failure() {
            return kind.failure();
        }
    }
}
