package dev.ferry.config;

import dev.ferry.core.InstanceId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.event.Level;

/**
 * Ferry's configuration: immutable, validated once at start-up. Built by {@link #load} from (highest
 * precedence first) the command line, the environment, the YAML file and the defaults of {@link ConfigKey}.
 * {@link #toString()} masks secrets and redacts the Mongo URL's password.
 *
 * @param watchPath            the watched folder, each first-level folder under it a bucket (exists); empty when
 *                             only sites are configured
 * @param port                 status server port, 0 for any free port
 * @param bindAddress          status server address
 * @param adminToken           bearer token of the admin API; empty when the admin API is off
 * @param concurrency          uploads in parallel per bucket
 * @param timeout              limit of one request attempt; empty for none (TIMEOUT=-1)
 * @param accessKey            static access key id; present exactly when secretAccessKey is
 * @param secretAccessKey      static secret key; both empty means the AWS SDK's default credentials chain
 * @param sessionToken         the session token of temporary keys (a keys file's or mothership's
 *                             {@code sessionToken}); goes with accessKey and secretAccessKey wherever they are used
 * @param region               S3 region; empty for the SDK's region chain (or us-east-1 with an endpoint)
 * @param endpoint             S3-compatible endpoint; empty for AWS
 * @param pathStyle            path-style bucket addressing
 * @param createBuckets        create missing buckets
 * @param mongoUrl             MongoDB state store; empty for SQLite in stateDir
 * @param stateDir             folder of the SQLite file (may not exist yet)
 * @param instanceId           this daemon's instance id, the source of its records (default: the host name)
 * @param settleTime           quiet time before upload
 * @param sweepInterval        time between periodic sweeps; empty when they are off
 * @param ignorePatterns       glob patterns of files never uploaded
 * @param queueCapacity        files waiting per bucket
 * @param multipartThreshold   size in bytes from which uploads are multipart
 * @param multipartPartSize    part size in bytes
 * @param multipartConcurrency parts of one file in parallel
 * @param logLevel             log level of Ferry's own loggers
 * @param shutdownGrace        time uploads under way may finish after SIGTERM
 * @param watchInterval        poll instead of native watching, at this interval (empty: native)
 * @param bwlimit              upload bandwidth limit in bytes per second (0: none)
 * @param sites                the sites of the config file (seed 002), validated and not overlapping
 * @param logFormat            text or JSON log lines
 * @param pollInterval         time between full sweeps while native watching is unavailable
 * @param settings             every key's effective value and source, in table order (secrets masked)
 * @param syncSchedule         present when the file is seed 004's key=value config.txt: with no command, Ferry
 *                             runs one sync (or one every sync_interval) instead of the daemon
 * @param replicate            the bucket-to-bucket jobs of {@code replicate:} (issue 14), validated: parsed and
 *                             checked only; the daemon refuses them until its engine runs them
 * @param fullSyncInterval     time between full syncs of the replicate jobs; empty: only at start-up
 * @param skipFullSync         no full sync of the replicate jobs at start-up
 * @param control              the mothership of the control plane (control: or seed 003's keys); empty when none
 */
public record FerryConfig(
        Optional<Path> watchPath,
        int port,
        String bindAddress,
        Optional<Secret> adminToken,
        int concurrency,
        Optional<Duration> timeout,
        Optional<String> accessKey,
        Optional<Secret> secretAccessKey,
        Optional<Secret> sessionToken,
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyle,
        boolean createBuckets,
        Optional<MongoUrl> mongoUrl,
        Path stateDir,
        InstanceId instanceId,
        Duration settleTime,
        Optional<Duration> sweepInterval,
        List<String> ignorePatterns,
        int queueCapacity,
        long multipartThreshold,
        long multipartPartSize,
        int multipartConcurrency,
        Level logLevel,
        Duration shutdownGrace,
        Optional<Duration> watchInterval,
        long bwlimit,
        List<SiteConfig> sites,
        LogFormat logFormat,
        Duration pollInterval,
        List<Setting> settings,
        Optional<SyncSchedule> syncSchedule,
        List<ReplicateJob> replicate,
        Optional<Duration> fullSyncInterval,
        boolean skipFullSync,
        Optional<ControlConfig> control) {

    /** Name of the SQLite file inside {@link #stateDir()}. */
    public static final String SQLITE_FILE_NAME = "ferry.db";

    public FerryConfig {
        Objects.requireNonNull(watchPath, "watchPath");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(mongoUrl, "mongoUrl");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(settleTime, "settleTime");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(syncSchedule, "syncSchedule");
        Objects.requireNonNull(control, "control");
        ignorePatterns = List.copyOf(ignorePatterns);
        settings = List.copyOf(settings);
        sites = List.copyOf(sites);
        replicate = List.copyOf(replicate);
        Objects.requireNonNull(fullSyncInterval, "fullSyncInterval");
    }

    /**
     * Reads the configuration. Nothing is read from the real environment or the real command line:
     * the caller passes them in.
     *
     * @param env        environment variables (System.getenv() in production)
     * @param cliValues  command-line values keyed by option ("--port") or YAML name ("port"); see
     *                   {@link ConfigOptions} to get them from picocli
     * @param configFile the YAML file given with --config, if any
     * @throws ConfigException listing every problem found
     */
    public static FerryConfig load(Map<String, String> env, Map<String, String> cliValues, Optional<Path> configFile) {
        return new ConfigLoader(env, cliValues, configFile).load();
    }

    /**
     * Reads the configuration of {@code ferry sync|verify DIR s3://bucket/prefix}: the one site given on the
     * command line, read and checked as an entry of {@code sites:} is, the global keys from the command line,
     * the environment and the defaults (no file). The caller leaves out of {@code env} what the form does not
     * read (WATCH_PATH, MONGO_URL). Its state_dir is a folder of its own for this folder and destination.
     *
     * @throws ConfigException listing every problem found, each naming the argument or option
     */
    public static FerryConfig load(Map<String, String> env, Map<String, String> cliValues, CommandLineSite site) {
        return new ConfigLoader(env, cliValues, Optional.empty(), Optional.of(site)).load();
    }

    /**
     * Reads the configuration again with a configuration sent by the mothership merged over the file's top-level
     * keys (each key it sends replaces the file's), validated as the file is: the control plane applies it only
     * when this returns.
     *
     * @throws ConfigException listing every problem, each naming the key
     */
    public static FerryConfig load(Map<String, String> env, Map<String, String> cliValues, Optional<Path> configFile,
            com.fasterxml.jackson.databind.node.ObjectNode mothershipConfig) {
        return new ConfigLoader(env, cliValues, configFile).withOverlay(mothershipConfig).load();
    }

    /** The SQLite state file: {@code stateDir/ferry.db}. */
    public Path sqliteFile() {
        return stateDir.resolve(SQLITE_FILE_NAME);
    }

    /** True when no static keys are configured and the AWS SDK's default credentials chain applies. */
    public boolean usesDefaultCredentialsChain() {
        return accessKey.isEmpty();
    }

    /** How the watch_path tree is compared with S3 (reconcile; sites have their own). */
    public SiteConfig.ReconcileMode reconcile() {
        return SiteConfig.ReconcileMode.of(setting(ConfigKey.RECONCILE).value()).orElse(SiteConfig.ReconcileMode.STATE);
    }

    /** How often the daemon writes its entry in the fleet registry (fleet_heartbeat; MongoDB only). */
    public Duration fleetHeartbeat() {
        try {
            return Units.parseDuration(setting(ConfigKey.FLEET_HEARTBEAT).value());
        } catch (BadValue e) {
            throw new IllegalStateException("fleet_heartbeat was validated at load: " + e.getMessage(), e);
        }
    }

    /** The setting of one key. */
    public Setting setting(ConfigKey key) {
        return settings.stream().filter(s -> s.key() == key).findFirst().orElseThrow();
    }

    /** One line per key, "name = value (source detail)", secrets masked: for the start-up log. */
    public String describe() {
        return java.util.stream.Stream.of(settings.stream().map(Setting::toString), sites.stream().map(SiteConfig::toString),
                        replicate.stream().map(ReplicateJob::toString)).flatMap(s -> s)
                .collect(Collectors.joining(System.lineSeparator()));
    }

    @Override
    public String toString() {
        return settings.stream().map(s -> s.key().yamlName() + "=" + s.value())
                .collect(Collectors.joining(", ", "FerryConfig[", "]"));
    }
}
