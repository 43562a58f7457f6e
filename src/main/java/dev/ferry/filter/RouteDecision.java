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
        /** No key rewrite rule matches its key and the site requires one (rewrite_required): recorded as IGNORED. */
        NO_REWRITE(false),
        /** Its folder is not a valid bucket name: recorded as a permanent failure. */
        INVALID_BUCKET(true),
        /** Its key is longer than S3 allows: recorded as a permanent failure. */
        KEY_TOO_LONG(true),
        /**
         * Its name is not valid UTF-8 (bytes of another encoding): Java reads such bytes as U+FFFD, so two such
         * names would share one key and one record. Recorded as a permanent failure: a new name is the cure.
         */
        NAME_NOT_UTF8(true),
        /**
         * Its key has a {@code .} or {@code ..} segment (made by a key rewrite or input_remove_prefix), which some
         * S3 servers resolve to another key ({@link dev.ferry.core.DotSegments}): recorded as a permanent failure.
         */
        DOT_SEGMENT(true);

        private final boolean failure;

        Rejection(boolean failure) {
            this.failure = failure;
        }

        public boolean failure() {
            return failure;
        }

        /** A file its bucket cannot take as it stands (not the whole folder): counted as failing in that bucket. */
        public boolean fileLevel() {
            return this == KEY_TOO_LONG || this == NAME_NOT_UTF8 || this == DOT_SEGMENT;
        }
    }

    /** Never uploaded as it stands, and recorded with the reason so an operator sees it. */
    record Rejected(Rejection kind, String bucket, String key, String reason) implements RouteDecision {
        public boolean failure() {
            return kind.failure();
        }
    }
}
