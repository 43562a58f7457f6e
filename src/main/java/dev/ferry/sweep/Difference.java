package dev.ferry.sweep;

/**
 * One way a site and its destination differ.
 *
 * @param kind   what differs
 * @param key    the object key
 * @param detail human-readable detail (sizes, storage classes...)
 */
public record Difference(Kind kind, String key, String detail) {

    public enum Kind {
        /** A local file has no object. */
        MISSING("missing in S3"),
        /** The object differs from the local file (size, modification time, content or storage class). */
        CHANGED("differs"),
        /** An object has no local file. */
        EXTRA("only in S3");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    @Override
    public String toString() {
        return kind.text() + ": " + key + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
