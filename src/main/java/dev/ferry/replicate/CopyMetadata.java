package dev.ferry.replicate;

import dev.ferry.core.RemoteObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The user metadata Ferry records on every copy it makes of a source object, and the content rule that reads
 * it back. A listing gives ETags, and an ETag is the content's MD5 only for an object stored in one part; for a
 * multipart object (ETag {@code md5-of-part-md5s-N}), or a copy made in other parts than its source, the two
 * ETags say nothing about each other. So each copy carries the source's ETag (and its MD5 when known), and a
 * later full sync compares those with the source: an unchanged object is never copied twice, even with an
 * empty state store, and a source rewritten with the same size is copied again.
 */
public final class CopyMetadata {
    /** The source object's ETag (without quotes) when the copy was made: {@code x-amz-meta-ferry-source-etag}. */
    public static final String SOURCE_ETAG = "ferry-source-etag";
    /** The source content's MD5 (hex) when known: {@code x-amz-meta-ferry-source-md5}. */
    public static final String SOURCE_MD5 = "ferry-source-md5";
    /**
     * S3's event sequencer of the event that made the copy (event mode only): {@code x-amz-meta-ferry-source-sequencer}.
     * An event older than the one a copy records never overwrites or deletes it ({@link Sequencers}).
     */
    public static final String SOURCE_SEQUENCER = "ferry-source-sequencer";
    /**
     * The source object's date (S3's Last-Modified, in whole seconds since 1970) when the copy was made:
     * {@code x-amz-meta-ferry-source-modified}. A later source date means the source was written again; the copy's
     * own date is the destination server's clock, which need not agree with the source server's.
     */
    public static final String SOURCE_MODIFIED = "ferry-source-modified";

    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    private CopyMetadata() {
    }

    /** Whether an ETag is the content's MD5: 32 hex digits and no {@code -N} part count (a single-part object). */
    public static boolean isPlainMd5(String etag) {
        return etag != null && PLAIN_MD5.matcher(strip(etag)).matches();
    }

    /**
     * The metadata to add to a copy of {@code source}: its ETag, and its MD5 when the ETag is one or
     * {@code md5Hex} (from the source's own checksum metadata) gives it.
     */
    public static Map<String, String> forCopyOf(String sourceEtag, Optional<String> md5Hex) {
        return forCopyOf(sourceEtag, md5Hex, Optional.empty());
    }

    /** The same, with the source's date when known ({@link #SOURCE_MODIFIED}). */
    public static Map<String, String> forCopyOf(String sourceEtag, Optional<String> md5Hex,
            Optional<java.time.Instant> sourceModified) {
        Map<String, String> m = new LinkedHashMap<>();
        String etag = strip(sourceEtag);
        m.put(SOURCE_ETAG, etag);
        Optional<String> md5 = isPlainMd5(etag) ? Optional.of(etag) : md5Hex.filter(CopyMetadata::isPlainMd5);
        md5.ifPresent(v -> m.put(SOURCE_MD5, v.toLowerCase(Locale.ROOT)));
        sourceModified.ifPresent(t -> m.put(SOURCE_MODIFIED, Long.toString(t.getEpochSecond())));
        return m;
    }

    /**
     * Whether the listing alone shows the destination object holds the source's content, sizes being equal: both
     * ETags are plain MD5s and equal. Two plain ETags that differ do not show the contrary: a destination that
     * encrypts with KMS gives its copies ETags that are no MD5 ({@link #sameContent}, with a HEAD, decides).
     */
    static boolean listingShowsSame(String sourceEtag, String destinationEtag) {
        String s = strip(sourceEtag);
        return isPlainMd5(s) && s.equalsIgnoreCase(strip(destinationEtag));
    }

    /**
     * Whether the destination object holds the source's content, sizes being equal: the listing shows it
     * ({@link #listingShowsSame}); else the destination's HEAD ({@code destination}) records the source's ETag, or
     * its MD5 (Ferry's, or rclone's {@code md5chksum}) matches the source's plain MD5.
     */
    static boolean sameContent(String sourceEtag, String destinationEtag, Optional<RemoteObject> destination) {
        if (listingShowsSame(sourceEtag, destinationEtag)) {
            return true;
        }
        if (destination.isEmpty()) {
            return false;
        }
        String s = strip(sourceEtag);
        Map<String, String> meta = destination.get().metadata();
        String recorded = meta.get(SOURCE_ETAG);
        if (recorded != null) {
            return strip(recorded).equalsIgnoreCase(s); // a recorded ETag that differs: the source changed
        }
        if (isPlainMd5(s)) {
            Optional<String> md5 = Optional.ofNullable(meta.get(SOURCE_MD5)).or(() -> destination.get().md5Hex());
            return md5.filter(m -> m.equalsIgnoreCase(s)).isPresent();
        }
        return false;
    }

    /**
     * Whether a source was written after its copy, by S3's dates, which count whole seconds: a change within the
     * second of the copy is not seen. The one rule of a full sync and of event mode for a change of metadata in
     * place, which keeps ETag and size. The source's date the copy records ({@link #SOURCE_MODIFIED}) decides when
     * there is one: both dates are then the source server's. Without it the copy's own date stands in, which is the
     * destination server's clock: one behind the source's gets a copy made again until its dates pass the source's.
     */
    static boolean writtenAfter(java.time.Instant source, java.time.Instant copy, Map<String, String> copyMetadata) {
        String recorded = copyMetadata.get(SOURCE_MODIFIED);
        if (recorded != null) {
            try {
                return source.getEpochSecond() > Long.parseLong(recorded.strip());
            } catch (NumberFormatException e) {
                // not Ferry's: the copy's date stands in
            }
        }
        return source.getEpochSecond() > copy.getEpochSecond();
    }

    /** {@link #writtenAfter(java.time.Instant, java.time.Instant, Map)} by the dates alone: whether to look further. */
    static boolean writtenAfter(java.time.Instant source, java.time.Instant copy) {
        return writtenAfter(source, copy, Map.of());
    }

    private static String strip(String etag) {
        String e = etag.strip();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }
}
