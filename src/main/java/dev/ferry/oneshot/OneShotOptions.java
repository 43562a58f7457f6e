package dev.ferry.oneshot;

import picocli.CommandLine.Model.OptionSpec;

/**
 * The options and exit codes that {@code ferry sync} and {@code ferry verify} share with scripts, in the
 * spirit of rclone's: 0 done, 1 some files are not in S3, 2 usage or configuration error (nothing was
 * started), 3 a destination bucket does not exist, 9 nothing was transferred (only when asked for with
 * {@code --error-on-no-transfer}, so that scripts written for 0 keep 0).
 */
public final class OneShotOptions {
    public static final int EXIT_OK = 0;
    /** Some files are not in S3 as they are locally (failed, refused, or not reachable). */
    public static final int EXIT_INCOMPLETE = 1;
    public static final int EXIT_USAGE = 2;
    /** A destination bucket does not exist (and create_buckets is off, or creating it failed). */
    static final int EXIT_NO_SUCH_BUCKET = 3;
    /** Nothing was uploaded or deleted and nothing failed; only with --error-on-no-transfer. */
    public static final int EXIT_NO_TRANSFER = 9;

    public static final String EXIT_CODES_HELP = "%nExit codes:%n"
            + "  0  done: every local file is in S3%n"
            + "  1  some files are not in S3 (each listed with its reason)%n"
            + "  2  usage or configuration error: nothing was started%n"
            + "  3  a destination bucket does not exist%n"
            + "  9  sync --error-on-no-transfer only: nothing needed uploading or deleting%n"
            + "With --json the result is one JSON document on stdout; logs go to stderr either way.";

    private OneShotOptions() {
    }

    public static OptionSpec json() {
        return OptionSpec.builder("--json").description("Print the result as one JSON document on stdout (counts, "
                + "failures with reasons, bytes, duration) and nothing else there; logs stay on stderr.").build();
    }

    public static OptionSpec errorOnNoTransfer() {
        return OptionSpec.builder("--error-on-no-transfer").description("Exit 9 instead of 0 when nothing needed "
                + "uploading or deleting (as rclone's option of that name).").build();
    }
}
