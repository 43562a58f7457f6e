package dev.ferry.engine;

import dev.ferry.core.AfterUpload;
import dev.ferry.core.SettleRule;
import java.time.Duration;

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
