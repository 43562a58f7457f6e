package dev.ferry.control;

/**
 * The {@code result} counts of seed 003's protocol. Ferry counts uploads and failures as they happen, not per
 * policy run, so {@code added} is the files uploaded since the last request, {@code failed} the files failing
 * now, and the counts Ferry does not keep per request ({@code updated}, {@code skipped}, {@code ignored},
 * {@code unchanged}) are 0.
 */
public record Counts(long added, long updated, long skipped, long ignored, long unchanged, long failed) {

    /** Uploads and failures so far (added counts every upload since start). */
    public static Counts of(long uploaded, long failed) {
        return new Counts(uploaded, 0, 0, 0, 0, failed);
    }

    /** These counts with {@code added} made relative to {@code before}'s. */
    Counts since(Counts before) {
        return new Counts(Math.max(0, added - before.added), updated, skipped, ignored, unchanged, failed);
    }
}
