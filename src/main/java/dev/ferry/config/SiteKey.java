package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys of one entry of {@code sites:} (seed 002's names, and Ferry's additions). Values not set on a
 * site fall back to the global key named in {@link #fallback}, then to the default.
 */
enum SiteKey {
    NAME("name", text("[^\\s/][^/]*(/[^/]+)*", "a name without leading spaces", "<name>"), null, "",
            "Name in logs and /status (default: bucket, or bucket/bucket_path)."),
    LOCAL_PATH("local_path", new ValueType.Folder(true), null, null, "Local folder synced (required)."),
    BUCKET("bucket", text("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "a valid S3 bucket name (3-63 lowercase letters, "
            + "digits, '.' and '-')", "<bucket>"), null, null, "Destination bucket (required)."),
    BUCKET_PATH("bucket_path", text(SiteKey.NO_DOT_SEGMENT + "[^\\s].*|", "a key prefix" + SiteKey.WITHOUT_DOT_SEGMENTS,
            "<prefix>"), null, "", "Key prefix; no '.' or '..' segments (some S3 servers resolve them)."),
    BUCKET_REGION("bucket_region", text("[a-z0-9][a-z0-9-]*", "a region name such as eu-west-1", "<region>"),
            ConfigKey.AWS_REGION, "", "Region of the bucket (default: aws_region)."),
    ENDPOINT("endpoint", new FormatTypes.HttpUrl(), ConfigKey.ENDPOINT, "",
            "S3-compatible endpoint for this site (MinIO, R2, B2, Ceph...)."),
    PATH_STYLE("path_style", new ValueType.Bool(), null, "", "Path-style addressing (default: true with an endpoint)."),
    ACCESS_KEY("access_key", text("\\S+", "an access key id without spaces", "<key-id>"), ConfigKey.ACCESS_KEY, "",
            "Access key id for this site (default: the global one)."),
    SECRET_ACCESS_KEY("secret_access_key", new ValueType.Text(Pattern.compile("\\S+"), "a secret key without spaces",
            "<secret>", true), ConfigKey.SECRET_ACCESS_KEY, "", "Secret key for this site (default: the global one)."),
    SDK_CHECKSUMS("sdk_checksums", new ValueType.Bool(), null, "false",
            "Send the AWS SDK's default checksums (CRC32); off by default because some S3-compatible stores "
                    + "reject them (Content-MD5 protects every upload either way)."),
    STORAGE_CLASS("storage_class", text("STANDARD|REDUCED_REDUNDANCY|STANDARD_IA|ONEZONE_IA|INTELLIGENT_TIERING|"
            + "GLACIER|DEEP_ARCHIVE|GLACIER_IR|OUTPOSTS|SNOW|EXPRESS_ONEZONE", "an S3 storage class such as "
            + "STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, DEEP_ARCHIVE", "<class>"), null, "STANDARD",
            "Storage class of uploaded objects; an object in another class is uploaded again, unless Ferry "
                    + "uploaded it asking for this class (a lifecycle rule moved it)."),
    SSE("sse", text("AES256|aws:kms", "AES256 or aws:kms", "<sse>"), null, "", "Server-side encryption."),
    SSE_KMS_KEY_ID("sse_kms_key_id", text("\\S+", "a KMS key id or ARN", "<key>"), null, "",
            "KMS key for sse: aws:kms (default: the bucket's AWS managed key)."),
    RETIRE_DELETED("retire_deleted", new ValueType.Bool(), null, "false",
            "Delete from S3 what was deleted locally, only inside this site's prefix."),
    MAX_DELETE("max_delete", new ValueType.WholeNumber(0, Integer.MAX_VALUE), null, "1000",
            "A sweep that would delete more objects than this stops and reports instead (like rclone's --max-delete)."),
    MAX_DELETE_PERCENT("max_delete_percent", new ValueType.WholeNumber(0, 100), null, "50",
            "... or more than this percentage of the site's objects."),
    WATCH_INTERVAL("watch_interval", new ValueType.DurationType(Duration.ofDays(1), Optional.of("0")),
            ConfigKey.WATCH_INTERVAL, "", "Poll at this interval instead of native watching (network file systems)."),
    EXCLUSIONS("exclusions", new FormatTypes.Patterns(), null, "",
            "Paths never uploaded: regexes matched anywhere in the path relative to local_path, or glob:PATTERN."),
    INCLUSIONS("inclusions", new FormatTypes.Patterns(), null, "",
            "When set, only relative paths matching one of these are uploaded (same syntax)."),
    RECONCILE("reconcile", text("state|size-mtime|size-only|checksum",
            "state, size-mtime, size-only or checksum", "<mode>"), ConfigKey.RECONCILE,
            "state", "How the site is compared with S3 at start-up and on each full sync."),
    MARKERS("markers", new ValueType.Bool(), null, "false",
            "Write a marker object in each folder once all its files and subfolders are in S3 (seed 004)."),
    SYNC_MARKER_FILE("sync_marker_file", text("[^/\\s][^/]*", "a file name", "<name>"), null, "syncd.txt",
            "Name of the marker (never uploaded as data)."),
    LOCAL_MARKERS("local_markers", new ValueType.Bool(), null, "false", "Also write the marker into the local folder."),
    INPUT_FILE_PATTERN("input_file_pattern", text("\\S.*", "a glob such as '**/*.csv'", "<glob>"), null, "",
            "Seed 003's policy glob, relative to local_path: only files it matches are uploaded (an inclusion)."),
    INPUT_REMOVE_PREFIX("input_remove_prefix", text("\\S.*|", "a path prefix", "<prefix>"), null, "",
            "Cut from the start of each file's path relative to local_path (when it starts with it) to make its key."),
    OUTPUT_KEY_PREFIX("output_key_prefix", text(SiteKey.NO_DOT_SEGMENT + "[^\\s/].*|", "a key prefix not starting with '/'"
            + SiteKey.WITHOUT_DOT_SEGMENTS, "<prefix>"), null,
            "", "Put before every key exactly as written (need not end in '/'); instead of bucket_path."),
    REWRITE("rewrite", new RewriteRules(), null, "", "Regex key rewrites [{match: REGEX, replace: TEXT}] (Java "
            + "regex, $1 for a group): the first rule whose match is found in the key replaces each of its matches; "
            + "later rules are not tried. Needs reconcile: state, without retire_deleted and markers."),
    REWRITE_REQUIRED("rewrite_required", new ValueType.Bool(), null, "false",
            "A file whose key no rewrite rule matches is not uploaded (recorded as ignored, with the reason)."),
    DELAY_UPLOAD("delay_upload", new AgeSeconds(Duration.ofDays(30)), null, "0",
            "Minimum age: a file is uploaded only once its modification time is at least this old (seconds, or a "
                    + "duration such as 15m); a younger one waits for the time left."),
    FORCE_UPLOAD("force_upload", new ValueType.Bool(), null, "false",
            "Upload every file again on every sweep (start-up, full sweeps, wakeup), even when its record says it "
                    + "is uploaded and S3 holds it. Needs reconcile: state, without retire_deleted and markers."),
    DELETE_AFTER_UPLOAD("delete_after_upload", new ValueType.Bool(), null, "false",
            "Delete each local file once its upload is verified in S3 and recorded (the daemon only; not with "
                    + "retire_deleted or move_after_upload, nor on a folder another site also reads)."),
    MOVE_AFTER_UPLOAD("move_after_upload", new ValueType.Folder(false), null, "",
            "Move each local file under this folder (outside local_path and every other watched folder; relative "
                    + "to the config file's folder), "
                    + "at its path relative to local_path (without input_remove_prefix), once its upload is "
                    + "verified in S3 and recorded (the daemon only; same limits as delete_after_upload).");

    final String yamlName;
    final ValueType type;
    final ConfigKey fallback;
    final String defaultText;
    final String description;

    SiteKey(String yamlName, ValueType type, ConfigKey fallback, String defaultText, String description) {
        this.yamlName = yamlName;
        this.type = type;
        this.fallback = fallback;
        this.defaultText = defaultText;
        this.description = description;
    }

    /**
     * A prefix with a '.' or '..' segment would make keys that some S3 servers resolve outside it
     * ({@link dev.ferry.core.DotSegments}).
     */
    private static final String NO_DOT_SEGMENT = "(?!(?:.*/)?\\.{1,2}(?:/.*)?$)";
    private static final String WITHOUT_DOT_SEGMENTS = " without '.' or '..' segments (some S3 servers resolve them,"
            + " which would put keys outside the prefix)";

    private static ValueType text(String regex, String rule, String label) {
        return new ValueType.Text(Pattern.compile(regex), rule, label, false);
    }

    static Optional<SiteKey> byYamlName(String name) {
        for (SiteKey k : values()) {
            if (k.yamlName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    static List<String> names() {
        return java.util.Arrays.stream(values()).map(k -> k.yamlName).toList();
    }
}
