package dev.ferry.replicate;

import dev.ferry.core.RemoteEntry;

/** What a full sync does about one destination key ({@link FullSyncMerge}). */
public sealed interface SyncDecision {

    /** The key in the destination bucket. */
    String destinationKey();

    /** Why a copy is needed. */
    enum Reason {
        /** The destination does not hold the key. */
        MISSING,
        /** It holds another size. */
        SIZE,
        /** Same size, other (or unknown) content. */
        CONTENT,
        /**
         * Same content, but the source was written after the copy was: its metadata (content type, user metadata,
         * cache headers) changed in place, which keeps the ETag.
         */
        MODIFIED
    }

    /** Copy the source object to {@code destinationKey}. */
    record Copy(RemoteEntry source, String destinationKey, Reason reason) implements SyncDecision {
    }

    /** Delete a destination object the source no longer holds (only for a job with {@code delete: true}). */
    record Delete(RemoteEntry destination) implements SyncDecision {
        @Override
        public String destinationKey() {
            return destination.key();
        }
    }

    /**
     * A key never copied or deleted ({@link KeyMapping#refusal}): of the source ({@code ofSource}), or of the
     * destination, which a job with {@code delete: true} would otherwise delete as extra.
     */
    record Refused(String key, boolean ofSource, String reason) implements SyncDecision {
        /** The key as listed (a refused source key has no destination key). */
        @Override
        public String destinationKey() {
            return key;
        }
    }

    /** The destination holds the source's content already. */
    record Same(RemoteEntry source, String destinationKey) implements SyncDecision {
    }
}
