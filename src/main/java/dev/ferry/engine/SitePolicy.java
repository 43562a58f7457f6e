package dev.ferry.engine;

import dev.ferry.core.SettleRule;
import java.time.Duration;

/**
 * What a site's policy asks of its uploads beyond where they go (seed 003's options as data): a minimum age of a
 * file before it is uploaded, and uploading files again even when their records say they are in S3. The engine
 * asks it through {@link Site#policy()}; a site without one has {@link #NONE}.
 *
 * @param delayUpload a file is uploaded only once its mtime is at least this old (seed 003's delay_upload)
 * @param forceUpload a file a sweep finds is uploaded even when its record says this version is uploaded
 */
public record SitePolicy(Duration delayUpload, boolean forceUpload) {
    /** No delay, no forced uploads. */
    public static final SitePolicy NONE = new SitePolicy(Duration.ZERO, false);

    /**
     * The settle rule of this site: the daemon's, or the delay when it is longer. The delay is one more reason for
     * a file to wait, and the same machinery (a requeue for the time left) makes it wait.
     */
    public SettleRule settle(SettleRule daemon) {
        return delayUpload.compareTo(daemon.time()) > 0 ? new SettleRule(delayUpload) : daemon;
    }

    /** Why a file waits under {@link #settle}: the delay's words when the delay is what it waits for. */
    public String waitReason(SettleRule daemon) {
        return delayUpload.compareTo(daemon.time()) > 0
                ? "younger than delay_upload (" + delayUpload.toSeconds() + " s)" : "still being written";
    }
}
