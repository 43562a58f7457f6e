package dev.ferry.replicate;

import dev.ferry.core.DotSegments;
import java.util.Optional;

/**
 * Where a source key lands in a destination (the source prefix replaced by the destination's, seed 001's
 * srcfolder/ to destfolder/), and which keys are never carried at all: the one place both full syncs
 * ({@link FullSyncMerge}) and events ({@link EventApplier}) map a key.
 *
 * <p>A key with a {@code .} or {@code ..} path segment ({@code srcfolder/../keepme/secret.txt}) is refused
 * ({@link DotSegments}): its prefix checks hold as text, but a server that resolves dot segments would read, write
 * or delete {@code keepme/secret.txt}, outside the source prefix and the destination prefix, perhaps in a bucket
 * another job or site owns.
 */
public final class KeyMapping {
    private KeyMapping() {
    }

    /**
     * Why {@code key} is never copied or deleted, or empty when it may be: a {@code .} or {@code ..} segment
     * between slashes or at either end.
     */
    public static Optional<String> refusal(String key) {
        return DotSegments.in(key).map(segment -> DotSegments.why(segment) + ": never copied or deleted; rename the "
                + "object");
    }

    /**
     * The destination key of a source key: the source prefix replaced by the destination's.
     *
     * @throws IllegalArgumentException for a key outside the source prefix, or one {@link #refusal} refuses
     */
    public static String remap(String sourceKey, String sourcePrefix, String destinationPrefix) {
        if (!sourceKey.startsWith(sourcePrefix)) {
            throw new IllegalArgumentException("key outside the source prefix " + sourcePrefix + ": " + sourceKey);
        }
        Optional<String> refused = refusal(sourceKey);
        if (refused.isPresent()) {
            throw new IllegalArgumentException(sourceKey + ": " + refused.get());
        }
        return destinationPrefix + sourceKey.substring(sourcePrefix.length());
    }
}
