package dev.ferry.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys of one entry of {@code replicate:} (issue 14, seed 001) and of its {@code source}, each of its
 * {@code destinations} and its {@code sqs} queue. Like {@link SiteKey}: a key not set falls back to the global
 * key in {@link #fallback}, then to the default; the value types are the sites' own, so a bucket, region or
 * storage class is read and refused the same way everywhere.
 */
enum ReplicateKey {
    NAME("name", EnumSet.of(Scope.JOB), SiteKey.NAME.type, null, "",
            "Name in logs and /status (default: the source's bucket, or bucket/prefix)."),
    SOURCE("source", EnumSet.of(Scope.JOB), null, null, null,
            "The bucket read from: a mapping of the bucket keys below (required)."),
    DESTINATIONS("destinations", EnumSet.of(Scope.JOB), null, null, null,
            "The buckets written to: a list of mappings of the bucket keys below (at least one)."),
    DELETE("delete", EnumSet.of(Scope.JOB), new ValueType.Bool(), null, "false",
            "Mirror deletions: delete from each destination what the source no longer holds (asked of the source, "
                    + "one HEAD per deletion, before it is made), only inside the destination's prefix and through "
                    + "the same guard as sites (max_delete, max_delete_percent)."),
    MAX_DELETE("max_delete", EnumSet.of(Scope.JOB), SiteKey.MAX_DELETE.type, null, "1000",
            "A full sync that would delete more objects than this from a destination stops and reports instead."),
    MAX_DELETE_PERCENT("max_delete_percent", EnumSet.of(Scope.JOB), SiteKey.MAX_DELETE_PERCENT.type, null, "50",
            "... or more than this percentage of the destination's objects."),
    SQS("sqs", EnumSet.of(Scope.JOB), null, null, "",
            "Event mode: a mapping with the queue's url and the connection keys below; S3 event notifications "
                    + "(direct, in an SNS envelope, or from EventBridge) read from it are copied as they come."),
    BUCKET("bucket", EnumSet.of(Scope.SOURCE, Scope.DESTINATION), SiteKey.BUCKET.type, null, null,
            "Bucket name (required)."),
    PREFIX("prefix", EnumSet.of(Scope.SOURCE, Scope.DESTINATION), SiteKey.BUCKET_PATH.type, null, "",
            "Key prefix; the source's prefix becomes the destination's (srcfolder/ to destfolder/)."),
    URL("url", EnumSet.of(Scope.SQS), new FormatTypes.HttpUrl(), null, null, "Queue URL (required with sqs)."),
    REGION("region", EnumSet.of(Scope.SOURCE, Scope.DESTINATION, Scope.SQS), SiteKey.BUCKET_REGION.type,
            ConfigKey.AWS_REGION, "", "Region (default: aws_region)."),
    ENDPOINT("endpoint", EnumSet.of(Scope.SOURCE, Scope.DESTINATION), new FormatTypes.HttpUrl(),
            ConfigKey.ENDPOINT, "", "S3-compatible endpoint (default: the global endpoint)."),
    // the global endpoint is an S3 one: a queue never falls back to it
    QUEUE_ENDPOINT("endpoint", EnumSet.of(Scope.SQS), new FormatTypes.HttpUrl(), null, "",
            "SQS-compatible endpoint (default: AWS's for an AWS queue URL, else the queue URL's own server; never "
                    + "the global endpoint, which is S3's)."),
    WAIT_TIME("wait_time", EnumSet.of(Scope.SQS), new ValueType.WholeNumber(0, 20), null, "20",
            "Seconds a receive long-polls the queue when it is empty (0 to 20, SQS's longest; 0: short polling, "
                    + "then an empty queue is asked again after a second)."),
    VISIBILITY_TIMEOUT("visibility_timeout", EnumSet.of(Scope.SQS), new ValueType.WholeNumber(1, 43200), null, "60",
            "Seconds a received message stays invisible to other consumers (1 to 43200, SQS's bounds), extended "
                    + "while its copy runs: how soon a message whose consumer died, or whose copy failed, comes back."),
    PATH_STYLE("path_style", EnumSet.of(Scope.SOURCE, Scope.DESTINATION), new ValueType.Bool(), null, "",
            "Path-style addressing (default: true with an endpoint)."),
    ACCESS_KEY("access_key", EnumSet.of(Scope.SOURCE, Scope.DESTINATION, Scope.SQS), SiteKey.ACCESS_KEY.type,
            ConfigKey.ACCESS_KEY, "", "Access key id (default: the global one, else the AWS SDK's chain)."),
    SECRET_ACCESS_KEY("secret_access_key", EnumSet.of(Scope.SOURCE, Scope.DESTINATION, Scope.SQS),
            new ValueType.Text(Pattern.compile("\\S+"), "a secret key without spaces", "<secret>", true),
            ConfigKey.SECRET_ACCESS_KEY, "", "Secret key, set together with access_key (default: the global one)."),
    STORAGE_CLASS("storage_class", EnumSet.of(Scope.DESTINATION), SiteKey.STORAGE_CLASS.type, null, "",
            "Storage class of the copies (default: the source object's)."),
    SSE("sse", EnumSet.of(Scope.DESTINATION), SiteKey.SSE.type, null, "", "Server-side encryption of the copies: "
            + "AES256 or aws:kms (default: the destination bucket's)."),
    SSE_KMS_KEY_ID("sse_kms_key_id", EnumSet.of(Scope.DESTINATION), SiteKey.SSE_KMS_KEY_ID.type, null, "",
            "KMS key for sse: aws:kms.");

    /** Where a key may stand. */
    enum Scope {
        JOB("a job"), SOURCE("source"), DESTINATION("a destination"), SQS("sqs");

        final String label;

        Scope(String label) {
            this.label = label;
        }
    }

    final String yamlName;
    final Set<Scope> scopes;
    /** The value's type; null for the mappings and lists read by {@link ReplicateParser} itself. */
    final ValueType type;
    final ConfigKey fallback;
    /** null: required; "": none. */
    final String defaultText;
    final String description;

    ReplicateKey(String yamlName, Set<Scope> scopes, ValueType type, ConfigKey fallback, String defaultText,
            String description) {
        this.yamlName = yamlName;
        this.scopes = scopes;
        this.type = type;
        this.fallback = fallback;
        this.defaultText = defaultText;
        this.description = description;
    }

    static Optional<ReplicateKey> byYamlName(String name, Scope scope) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(name) && k.scopes.contains(scope)).findFirst();
    }

    static List<String> names(Scope scope) {
        return Arrays.stream(values()).filter(k -> k.scopes.contains(scope)).map(k -> k.yamlName).toList();
    }

    boolean secret() {
        return type instanceof ValueType.Text t && t.secret();
    }
}
