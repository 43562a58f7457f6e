package dev.ferry.engine;

import dev.ferry.core.AfterUpload;
import dev.ferry.core.SettleRule;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What a site's policy asks of its uploads beyond where they go (seed 003's options as data): a minimum age of a
 * file before it is uploaded, uploading files again even when their records say they are in S3, and deleting or
 * moving a file once its upload is verified and recorded. The engine asks it through {@link Site#policy()}; a site
 * without one has {@link #NONE}.
 *
 * @param delayUpload a file is uploaded only once its mtime is at least this old (seed 003's delay_upload)
 * @param forceUpload a file a sweep finds is uploaded even when its record says this version is uploaded
 * @param afterUpload what becomes of the local file after its upload (seed 003's delete_after_upload and
 *                    move_after_upload); {@link AfterUpload#KEEP} for nothing
 */
public record SitePolicy(Duration delayUpload, boolean forceUpload, AfterUpload afterUpload) {
    /** No delay, no forced uploads, files kept. */
    public static final SitePolicy NONE = new SitePolicy(Duration.ZERO, false);

    /** A policy that keeps its files where they are. */
    public SitePolicy(Duration delayUpload, boolean forceUpload) {
        this(delayUpload, forceUpload, AfterUpload.KEEP);
    }

    public SitePolicy {
        java.util.Objects.requireNonNull(afterUpload, "afterUpload");
    }

    /**
     * How long a file named as rsync names the file it is writing ({@code .NAME.XXXXXX} beside {@code NAME}, renamed
     * to it when complete) must be quiet: long enough for a transfer that stalls a while (a slow network) to
     * rename it first, so the half-written temporary is not uploaded as an object of its own. A file that only looks
     * like one (a {@code .profile.backup}) is uploaded after this wait, never skipped.
     */
    public static final Duration TEMPORARY_NAME_SETTLE = Duration.ofMinutes(1);
    private static final Pattern TEMPORARY_NAME = Pattern.compile("\\.[^/]+\\.[A-Za-z0-9]{6}");

    /**
     * The settle rule of this site for {@code item}: the daemon's, or the delay when it is longer, or
     * {@link #TEMPORARY_NAME_SETTLE} for a name rsync gives the file it is writing. The delay is one more reason for
     * a file to wait, and the same machinery (a requeue for the time left) makes it wait.
     */
    public SettleRule settle(SettleRule daemon, String item) {
        Duration wait = daemon.time();
        if (delayUpload.compareTo(wait) > 0) {
            wait = delayUpload;
        }
        if (temporaryName(item) && TEMPORARY_NAME_SETTLE.compareTo(wait) > 0) {
            wait = TEMPORARY_NAME_SETTLE;
        }
        return wait.equals(daemon.time()) ? daemon : new SettleRule(wait);
    }

    /** Why {@code item} waits under {@link #settle}: in the words of what it waits for. */
    public String waitReason(SettleRule daemon, String item) {
        Duration wait = settle(daemon, item).time();
        if (wait.equals(daemon.time())) {
            return "still being written";
        }
        return wait.equals(delayUpload) ? "younger than delay_upload (" + delayUpload.toSeconds() + " s)"
                : "named as rsync names a file it is writing: waits " + wait.toSeconds() + " s for the rename";
    }

    /** Whether the last segment of {@code item} is named as rsync's temporary files are. */
    static boolean temporaryName(String item) {
        return TEMPORARY_NAME.matcher(item.substring(item.lastIndexOf('/') + 1)).matches();
    }
}
