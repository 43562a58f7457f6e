package dev.ferry.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One object of a bucket listing.
 *
 * @param key          the object's key
 * @param size         content length in bytes
 * @param etag         ETag without quotes: the content MD5 for a single-part upload, {@code md5-of-part-md5s-N}
 *                     for a multipart one
 * @param lastModified when the object was stored (not the file's modification time: that is in the metadata,
 *                     which a listing does not return)
 * @param storageClass storage class, "STANDARD" when the server does not say
 */
public record RemoteEntry(String key, long size, String etag, Instant lastModified, String storageClass) {

    /**
     * The order in which S3 lists keys: by their UTF-8 bytes, which is the order of their code points. Java's
     * {@link String#compareTo} differs from it for keys that hold characters above U+FFFF (emoji, for example)
     * where another holds one between U+E000 and U+FFFF.
     */
    public static final Comparator<String> KEY_ORDER = RemoteEntry::compareUtf8;

    public RemoteEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(storageClass, "storageClass");
    }

    private static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
