package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import dev.ferry.core.InstanceId;

/**
 * The one table of configuration keys. The YAML file, the environment, the command line, validation,
 * {@link FerryConfig#settings()} and docs/configuration.md are all read from it, so a key added here is
 * everywhere at once. Order matters: a computed default may use keys above it.
 */
public enum ConfigKey {
    WATCH_PATH("watch_path", env("WATCH_PATH"), "--watch-path", new ValueType.Folder(true), DefaultValue.none(),
            "The folder to watch; each first-level folder under it is a bucket. Required unless sites: are "
                    + "configured in the file."),
    PORT("port", env("PORT"), "--port", new ValueType.WholeNumber(0, 65_535), DefaultValue.of("5000"),
            "Port of the status server (0 picks any free port)."),
    BIND_ADDRESS("bind_address", env("BIND_ADDRESS"), "--bind-address", new FormatTypes.BindAddress(),
            DefaultValue.of("0.0.0.0"), "Address the status server listens on: 0.0.0.0 (every interface), "
                    + "127.0.0.1 (this machine only), or an IP address or host name of this machine (checked at "
                    + "start-up)."),
    ADMIN_TOKEN("admin_token", env("ADMIN_TOKEN"), "--admin-token",
            new ValueType.Text(Pattern.compile("\\S{16,}"), "at least 16 characters without spaces", "<token>", true),
            DefaultValue.none(), "Bearer token that turns on the admin API (POST /wakeup, /pause, /resume, "
                    + "/files/retry; GET /files, /fleet; PUT /log-level); without it those endpoints are off. Prefer the "
                    + "environment or the file to the command line, where other users can see it."),
    CONCURRENCY("concurrency", List.of("upload_workers"), env("CONCURRENCY"), "--concurrency",
            new ValueType.WholeNumber(1, 1000), DefaultValue.of("5"),
            "Uploads in parallel per bucket or site (seed 002's upload_workers is accepted as this key)."),
    TIMEOUT("timeout", env("TIMEOUT"), "--timeout",
            new ValueType.DurationType(Duration.ofDays(1), Optional.of("-1")), DefaultValue.of("60s"),
            "Time allowed for one request attempt to S3 (-1: no limit); a timed-out upload is retried."),
    ACCESS_KEY("access_key", env("AWS_KEY"), "--access-key", text("\\S+", "an access key id without spaces", "<key-id>"),
            DefaultValue.none(), "AWS access key id; set together with secret_access_key, or neither to use the "
                    + "AWS SDK's default credentials chain."),
    SECRET_ACCESS_KEY("secret_access_key", env("AWS_SECRET"), "--secret-access-key",
            new ValueType.Text(Pattern.compile("\\S+"), "a secret key without spaces", "<secret>", true),
            DefaultValue.none(), "AWS secret access key; set together with access_key. Prefer the environment "
                    + "or the file to the command line, where other users can see it."),
    AWS_REGION("aws_region", env("AWS_REGION", "AWS_DEFAULT_REGION"), "--region",
            text("[a-z0-9][a-z0-9-]*", "a region name such as eu-west-1", "<region>"), DefaultValue.none(),
            "S3 region; when unset, the AWS SDK's region chain (or us-east-1 with a custom endpoint)."),
    ENDPOINT("endpoint", env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"), "--endpoint", new FormatTypes.HttpUrl(),
            DefaultValue.none(), "URL of an S3-compatible server instead of AWS (MinIO, Ceph, S3Proxy...)."),
    PATH_STYLE("path_style", env("S3_PATH_STYLE"), "--path-style", new ValueType.Bool(),
            DefaultValue.computed("true when an endpoint is set, else false", false,
                    (env, resolved) -> Optional.of(String.valueOf(resolved.get(ENDPOINT) != null))),
            "Address buckets as https://host/bucket instead of https://bucket.host."),
    CREATE_BUCKETS("create_buckets", env("CREATE_BUCKETS"), "--create-buckets", new ValueType.Bool(),
            DefaultValue.of("true"), "Create a missing destination bucket instead of reporting it."),
    MONGO_URL("mongo_url", env("MONGO_URL"), "--mongo-url", new FormatTypes.Mongo(), DefaultValue.none(),
            "Keep the state in MongoDB instead of SQLite (mongodb:// or mongodb+srv://; database from the path, "
                    + "default " + MongoUrl.DEFAULT_DATABASE + "). A value the MongoDB driver's parser refuses (a "
                    + "port out of range, an unknown authMechanism, an unescaped '@' or ':' in the password) is a "
                    + "configuration error."),
    STATE_DIR("state_dir", List.of(new EnvVar("STATE_DIR", false), new EnvVar("STATE_DIRECTORY", true)),
            "--state-dir", new ValueType.Folder(false),
            DefaultValue.computed("${XDG_STATE_HOME:-~/.local/state}/ferry", true, ConfigKey::defaultStateDir),
            "Folder of the SQLite state file (ferry.db); systemd's STATE_DIRECTORY is honoured."),
    INSTANCE_ID("instance_id", env("INSTANCE_ID"), "--instance-id",
            text("[A-Za-z0-9._-]{1," + InstanceId.MAX_LENGTH + "}", "letters, digits, '.', '_' and '-', at most "
                    + InstanceId.MAX_LENGTH + " characters", "<id>"),
            DefaultValue.computed("the host name", false,
                    (env, resolved) -> Optional.of(InstanceId.ofHost().value())),
            "This daemon's name in the state store: its records are keyed by it, so hosts sharing one MongoDB keep "
                    + "theirs apart. Set it for MongoDB fleets and in containers, whose host name changes each time "
                    + "one is created."),
    FLEET_HEARTBEAT("fleet_heartbeat", env("FLEET_HEARTBEAT"), "--heartbeat",
            new FormatTypes.PositiveDuration(Duration.ofSeconds(1), Duration.ofHours(1)), DefaultValue.of("30s"),
            "Time between fleet registry writes (MongoDB). With MongoDB as the state store, each daemon writes its "
                    + "entry in the fleet registry (GET /fleet, ferry fleet) at start-up and then at this interval; "
                    + "one silent for 3 of its heartbeats is shown stale."),
    SETTLE_TIME("settle_time", env("SETTLE_TIME"), "--settle-time",
            new ValueType.DurationType(Duration.ofHours(1), Optional.empty()), DefaultValue.of("2s"),
            "Quiet time a file needs before it is uploaded."),
    SWEEP_INTERVAL("sweep_interval", env("SWEEP_INTERVAL"), "--sweep-interval",
            new ValueType.DurationType(Duration.ofDays(30), Optional.of("0")), DefaultValue.of("15m"),
            "Time between safety sweeps of the whole tree (0: only the start-up sweep)."),
    IGNORE_PATTERNS("ignore_patterns", env("IGNORE_PATTERNS"), "--ignore-patterns", new FormatTypes.Globs(),
            DefaultValue.of("*.swp,*.swx,*~,.#*,#*#,*.tmp,*.part,*.crdownload,.~lock.*#,{**/,}{.~tmp~,.rsync-partial}/**"),
            "Files never uploaded: comma-separated globs; one without / matches the file name, one with / the "
                    + "path under the watch folder."),
    QUEUE_CAPACITY("queue_capacity", env("QUEUE_CAPACITY"), "--queue-capacity",
            new ValueType.WholeNumber(1, 10_000_000), DefaultValue.of("10000"),
            "Files waiting per bucket; beyond that the next sweep finds them."),
    MULTIPART_THRESHOLD("multipart_threshold", env("MULTIPART_THRESHOLD"), "--multipart-threshold",
            new ValueType.SizeType(1, 5L << 30), DefaultValue.of("16MiB"),
            "Files this large or larger go up as multipart uploads (at most 5GiB, S3's largest single PUT)."),
    MULTIPART_PART_SIZE("multipart_part_size", env("MULTIPART_PART_SIZE"), "--multipart-part-size",
            new ValueType.SizeType(5L << 20, 1L << 30), DefaultValue.of("8MiB"),
            "Size of each part of a multipart upload (5MiB to 1GiB; grown for files that would need more than "
                    + "10,000 parts)."),
    MULTIPART_CONCURRENCY("multipart_concurrency", env("MULTIPART_CONCURRENCY"), "--multipart-concurrency",
            new ValueType.WholeNumber(1, 64), DefaultValue.of("4"), "Parts of one file uploaded in parallel."),
    LOG_LEVEL("log_level", List.of("loglevel"), env("LOG_LEVEL"), "--log-level", new FormatTypes.LogLevel(),
            DefaultValue.of("info"), "trace, debug, info, warn or error (seed 002's loglevel, fatal and panic "
                    + "are accepted)."),
    WATCH_INTERVAL("watch_interval", env("WATCH_INTERVAL"), "--watch-interval",
            new ValueType.DurationType(Duration.ofDays(1), Optional.of("0")), DefaultValue.of("0"),
            "Poll every site (and watch_path) at this interval instead of native watching, for network file "
                    + "systems where inotify sees nothing (0: native watching). Sites may override it."),
    RECONCILE("reconcile", env("RECONCILE"), "--reconcile",
            text("state|size-mtime|size-only|checksum", "state, size-mtime, size-only or checksum", "<mode>"),
            DefaultValue.of("state"),
            "How the watch_path tree is compared with S3 (the default of sites, which may override it): state "
                    + "trusts the state store and asks S3 only about files it does not know; size-mtime, "
                    + "size-only and checksum list each bucket on every full sweep and compare size and mtime, "
                    + "size alone, or content."),
    BWLIMIT("bwlimit", env("BWLIMIT"), "--bwlimit", new ValueType.SizeType(0, 1L << 40), DefaultValue.of("0"),
            "Upload bandwidth limit for the whole daemon, per second: a size with its unit, such as 10MiB "
                    + "(sync and verify also take rclone's 10M); 0: no limit. Streamed replication copies draw from it too."),
    UPLOAD_QUEUE_BUFFER("upload_queue_buffer", env("UPLOAD_QUEUE_BUFFER"), "--upload-queue-buffer",
            new ValueType.WholeNumber(0, 10_000_000), DefaultValue.of("0"),
            "Accepted so seed 002's config.yml runs unchanged; Ferry sizes its queues with queue_capacity."),
    SHUTDOWN_GRACE("shutdown_grace", env("SHUTDOWN_GRACE"), "--shutdown-grace",
            new ValueType.DurationType(Duration.ofHours(1), Optional.empty()), DefaultValue.of("30s"),
            "How long uploads under way may finish after SIGTERM."),
    LOG_FORMAT("log_format", env("LOG_FORMAT"), "--log-format", new FormatTypes.LogFormatType(),
            DefaultValue.of("text"), "text (one readable line per event) or json (one JSON object per line, a "
                    + "field per value: bucket, key, path, outcome, bytes, duration_ms, reason)."),
    POLL_INTERVAL("poll_interval", env("POLL_INTERVAL"), "--poll-interval",
            new ValueType.DurationType(Duration.ofHours(1), Optional.empty()), DefaultValue.of("30s"),
            "Time between sweeps of the whole tree while native watching is unavailable or covers only part of "
                    + "it (e.g. the inotify watch limit was reached, a folder cannot be read); also the first wait "
                    + "before Ferry tries to watch the whole tree again (then doubling, up to 10 minutes)."),
    FULLSYNC_INTERVAL("fullsync.interval", env("FULLSYNC_INTERVAL"), "--fullsync.interval",
            new IntervalSeconds(Duration.ofDays(30)), DefaultValue.of("0"),
            "Time between full syncs of every replicate: job, in seconds or with a unit (15m, 1h); 0: only at "
                    + "start-up. Written in the file as seed 001 did, fullsync: {interval: 3600}. Recommended "
                    + "whenever a job has sqs: a periodic full sync copies what went to the queue's dead-letter "
                    + "queue."),
    SKIP_FULLSYNC("skip-fullsync", env("SKIP_FULLSYNC"), "--skip-fullsync", new ValueType.Bool(),
            DefaultValue.of("false"), "Skip the full sync of replicate: jobs at start-up (seed 001's "
                    + "--skip-fullsync); periodic full syncs still run when fullsync.interval is set.");

    /** One environment variable of a key; systemd's list variables ("a:b") give their first entry. */
    record EnvVar(String name, boolean firstOfColonList) {
        Optional<String> read(java.util.Map<String, String> env) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(firstOfColonList ? v.split(":", -1)[0] : v).filter(s -> !s.isBlank());
        }
    }

    private final String yamlName;
    private final List<String> yamlAliases;
    private final List<EnvVar> envVars;
    private final String flag;
    private final ValueType type;
    private final DefaultValue defaultValue;
    private final String description;

    ConfigKey(String yamlName, List<EnvVar> envVars, String flag, ValueType type, DefaultValue defaultValue,
            String description) {
        this(yamlName, List.of(), envVars, flag, type, defaultValue, description);
    }

    ConfigKey(String yamlName, List<String> yamlAliases, List<EnvVar> envVars, String flag, ValueType type,
            DefaultValue defaultValue, String description) {
        this.yamlName = yamlName;
        this.yamlAliases = yamlAliases;
        this.envVars = envVars;
        this.flag = flag;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    private static List<EnvVar> env(String... names) {
        return java.util.Arrays.stream(names).map(n -> new EnvVar(n, false)).toList();
    }

    private static ValueType text(String regex, String rule, String label) {
        return new ValueType.Text(Pattern.compile(regex), rule, label, false);
    }

    private static Optional<String> defaultStateDir(java.util.Map<String, String> env, java.util.Map<ConfigKey, Object> resolved) {
        String xdg = env.get("XDG_STATE_HOME");
        // The XDG spec ignores a relative XDG_STATE_HOME.
        String base = xdg != null && xdg.startsWith("/") ? xdg : "~/.local/state";
        return Optional.of(base + "/ferry");
    }

    /** The key's name in the YAML file. */
    public String yamlName() {
        return yamlName;
    }

    /** Other names the YAML file may use (seed 002's {@code loglevel}). */
    public List<String> yamlAliases() {
        return yamlAliases;
    }

    /** Environment variables read, first one set wins. */
    public List<String> envNames() {
        return envVars.stream().map(EnvVar::name).toList();
    }

    /** The long command-line option, e.g. {@code --port}. */
    public String flag() {
        return flag;
    }

    /** One line for --help and the documentation. */
    public String description() {
        return description;
    }

    /** Whether the value must never be shown (it is masked or redacted in logs, errors and toString). */
    public boolean secret() {
        return type instanceof ValueType.Text t && t.secret() || type instanceof FormatTypes.Mongo;
    }

    /** The default as documented: a value, "none", "required", or a rule. */
    public String defaultText() {
        return defaultValue.doc();
    }

    /** Placeholder for the option's value in --help. */
    public String paramLabel() {
        return type.label();
    }

    List<EnvVar> envVars() {
        return envVars;
    }

    ValueType type() {
        return type;
    }

    DefaultValue defaultValue() {
        return defaultValue;
    }

    /** Finds a key by its YAML name or alias. */
    static Optional<ConfigKey> byYamlName(String name) {
        for (ConfigKey k : values()) {
            if (k.yamlName.equals(name) || k.yamlAliases.contains(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
