package dev.ferry.replicate;

import java.util.Comparator;
import java.util.Locale;

/**
 * Orders S3's event {@code sequencer} values of one object key. AWS documents them as hexadecimal strings
 * that may differ in length, compared by right-padding the shorter with zeros and then comparing
 * lexicographically (older revisions of that page said "left pad"; the current one says right). Hex digits
 * are compared case-insensitively. Values of different keys are not comparable: callers compare per key.
 */
public final class Sequencers {
    /** Later events compare greater. */
    public static final Comparator<String> ORDER = Sequencers::compare;

    private Sequencers() {
    }

    /** Negative when {@code a} is older than {@code b}, zero when equal, positive when newer. */
    public static int compare(String a, String b) {
        String x = a.strip().toUpperCase(Locale.ROOT);
        String y = b.strip().toUpperCase(Locale.ROOT);
        int n = Math.max(x.length(), y.length());
        for (int i = 0; i < n; i++) {
            char cx = i < x.length() ? x.charAt(i) : '0';
            char cy = i < y.length() ? y.charAt(i) : '0';
            if (cx != cy) {
                return Character.compare(cx, cy);
            }
        }
        return 0;
    }

    /** Whether {@code candidate} is strictly newer than {@code held}. */
    public static boolean isNewer(String candidate, String held) {
        return compare(candidate, held) > 0;
    }
}
