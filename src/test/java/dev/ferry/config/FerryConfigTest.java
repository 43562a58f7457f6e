package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.Setting.Source;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Defaults, each source, precedence, and the environment variables with more than one name. */
class FerryConfigTest {
    @TempDir
    Path tmp;
    Path watch;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        watch = Files.createDirectory(tmp.resolve("drop"));
        env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("WATCH_PATH", watch.toString());
    }

    private FerryConfig load() {
        return FerryConfig.load(env, Map.of(), Optional.empty());
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(tmp.resolve("config.yml"), text);
    }

    @Test
    void defaultsApplyWhenOnlyTheWatchPathIsSet() {
        FerryConfig c = load();

        assertThat(c.watchPath()).contains(watch);
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.concurrency()).isEqualTo(5);
        assertThat(c.timeout()).contains(Duration.ofSeconds(60));
        assertThat(c.accessKey()).isEmpty();
        assertThat(c.secretAccessKey()).isEmpty();
        assertThat(c.usesDefaultCredentialsChain()).isTrue();
        assertThat(c.region()).isEmpty();
        assertThat(c.endpoint()).isEmpty();
        assertThat(c.pathStyle()).isFalse();
        assertThat(c.createBuckets()).isTrue();
        assertThat(c.mongoUrl()).isEmpty();
        assertThat(c.stateDir()).isEqualTo(tmp.resolve("home/.local/state/ferry"));
        assertThat(c.sqliteFile()).isEqualTo(tmp.resolve("home/.local/state/ferry/ferry.db"));
        assertThat(c.settleTime()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.sweepInterval()).contains(Duration.ofMinutes(15));
        assertThat(c.ignorePatterns()).containsExactly("*.swp", "*.swx", "*~", ".#*", "#*#", "*.tmp", "*.part",
                "*.crdownload", ".~lock.*#", "{**/,}{.~tmp~,.rsync-partial}/**");
        dev.ferry.filter.IgnoreRules ignore = new dev.ferry.filter.IgnoreRules(c.ignorePatterns());
        // rsync's folders of files being written (--delay-updates, --partial-dir), at any depth
        assertThat(ignore.ignores(java.nio.file.Path.of("photos/du/.~tmp~/f1.bin"))).isTrue();
        assertThat(ignore.ignores(java.nio.file.Path.of(".~tmp~/f1.bin"))).isTrue();
        assertThat(ignore.ignores(java.nio.file.Path.of("photos/.rsync-partial/big.iso"))).isTrue();
        assertThat(ignore.ignores(java.nio.file.Path.of("photos/x.~tmp~/f1.bin"))).isFalse();
        assertThat(c.queueCapacity()).isEqualTo(10_000);
        assertThat(c.multipartThreshold()).isEqualTo(16L << 20);
        assertThat(c.multipartPartSize()).isEqualTo(8L << 20);
        assertThat(c.multipartConcurrency()).isEqualTo(4);
        assertThat(c.logLevel()).isEqualTo(Level.INFO);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.setting(ConfigKey.PORT).source()).isEqualTo(Source.DEFAULT);
        assertThat(c.setting(ConfigKey.WATCH_PATH).source()).isEqualTo(Source.ENV);
    }

    @Test
    void everyKeyIsReadFromTheEnvironment() {
        env.putAll(Map.ofEntries(
                Map.entry("PORT", "0"), Map.entry("BIND_ADDRESS", "127.0.0.1"), Map.entry("CONCURRENCY", "12"),
                Map.entry("TIMEOUT", "-1"), Map.entry("AWS_KEY", "AKIAEXAMPLE"), Map.entry("AWS_SECRET", "s3cr3t/Key"),
                Map.entry("AWS_REGION", "eu-west-1"), Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
                Map.entry("S3_PATH_STYLE", "false"), Map.entry("CREATE_BUCKETS", "no"),
                Map.entry("MONGO_URL", "mongodb://u:pw@db1,db2:27018/fleet?tls=true"),
                Map.entry("STATE_DIR", tmp.resolve("state").toString()), Map.entry("SETTLE_TIME", "500ms"),
                Map.entry("SWEEP_INTERVAL", "0"), Map.entry("IGNORE_PATTERNS", "*.bak, cache/**,*.{a,b}"),
                Map.entry("QUEUE_CAPACITY", "50"), Map.entry("MULTIPART_THRESHOLD", "100MB"),
                Map.entry("MULTIPART_PART_SIZE", "5MiB"), Map.entry("MULTIPART_CONCURRENCY", "2"),
                Map.entry("LOG_LEVEL", "DEBUG"), Map.entry("SHUTDOWN_GRACE", "1m"), Map.entry("NODE_ENV", "production"),
                Map.entry("PATH", "/usr/bin:/bin")));

        FerryConfig c = load();

        assertThat(c.port()).isZero();
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.concurrency()).isEqualTo(12);
        assertThat(c.timeout()).isEmpty();
        assertThat(c.accessKey()).contains("AKIAEXAMPLE");
        assertThat(c.secretAccessKey().map(Secret::reveal)).contains("s3cr3t/Key");
        assertThat(c.usesDefaultCredentialsChain()).isFalse();
        assertThat(c.region()).contains("eu-west-1");
        assertThat(c.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(c.pathStyle()).isFalse();
        assertThat(c.createBuckets()).isFalse();
        assertThat(c.mongoUrl().map(MongoUrl::database)).contains("fleet");
        assertThat(c.stateDir()).isEqualTo(tmp.resolve("state"));
        assertThat(c.settleTime()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.sweepInterval()).isEmpty();
        assertThat(c.ignorePatterns()).containsExactly("*.bak", "cache/**", "*.{a,b}");
        assertThat(c.queueCapacity()).isEqualTo(50);
        assertThat(c.multipartThreshold()).isEqualTo(100_000_000L);
        assertThat(c.multipartPartSize()).isEqualTo(5L << 20);
        assertThat(c.multipartConcurrency()).isEqualTo(2);
        assertThat(c.logLevel()).isEqualTo(Level.DEBUG);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.setting(ConfigKey.ENDPOINT).from()).isEqualTo("AWS_ENDPOINT_URL");
    }

    @Test
    void theFileIsReadWithLinesAndListsAndPathsRelativeToIt() throws IOException {
        Files.createDirectory(tmp.resolve("fromfile"));
        env.remove("WATCH_PATH");
        Path file = yaml("""
                # comment
                watch_path: fromfile
                concurrency: 7
                timeout: 90000
                endpoint: https://s3.example.test
                ignore_patterns:
                  - "*.tmp"
                  - "backup/*.old"
                multipart_threshold: 32 MiB
                path_style: false
                """);

        FerryConfig c = FerryConfig.load(env, Map.of(), Optional.of(file));

        assertThat(c.watchPath()).contains(tmp.resolve("fromfile"));
        assertThat(c.concurrency()).isEqualTo(7);
        assertThat(c.timeout()).contains(Duration.ofSeconds(90));
        assertThat(c.ignorePatterns()).containsExactly("*.tmp", "backup/*.old");
        assertThat(c.multipartThreshold()).isEqualTo(32L << 20);
        assertThat(c.pathStyle()).isFalse();
        assertThat(c.setting(ConfigKey.CONCURRENCY))
                .isEqualTo(new Setting(ConfigKey.CONCURRENCY, "7", Source.FILE, file + " line 3"));
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path file = yaml("concurrency: 7\nport: 7001\nsettle_time: 3s\n");
        env.put("CONCURRENCY", "8");
        env.put("PORT", "7002");

        FerryConfig c = FerryConfig.load(env, Map.of("--concurrency", "9"), Optional.of(file));

        assertThat(c.concurrency()).isEqualTo(9);
        assertThat(c.port()).isEqualTo(7002);
        assertThat(c.settleTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.queueCapacity()).isEqualTo(10_000);
        assertThat(c.setting(ConfigKey.CONCURRENCY).source()).isEqualTo(Source.CLI);
        assertThat(c.setting(ConfigKey.PORT).source()).isEqualTo(Source.ENV);
        assertThat(c.setting(ConfigKey.SETTLE_TIME).source()).isEqualTo(Source.FILE);
        assertThat(c.setting(ConfigKey.QUEUE_CAPACITY).source()).isEqualTo(Source.DEFAULT);
        assertThat(c.describe()).contains("concurrency = 9 (cli --concurrency)", "port = 7002 (env PORT)",
                "settle_time = 3s (file " + file + " line 3)", "queue_capacity = 10000 (default)");
    }

    @Test
    void commandLineValuesMayBeKeyedByYamlName() {
        FerryConfig c = FerryConfig.load(env, Map.of("port", "6000", "--path-style", "true"), Optional.empty());

        assertThat(c.port()).isEqualTo(6000);
        assertThat(c.pathStyle()).isTrue();
    }

    @Test
    void theBindAddressMayBeAnyAddressOfThisMachineOrAHostNameThatResolvesToOne() {
        for (String address : new String[] {"0.0.0.0", "127.0.0.1", "localhost", "::", "::1", "[::1]", " 127.0.0.1 "}) {
            env.put("BIND_ADDRESS", address);

            assertThat(load().bindAddress()).as(address).isEqualTo(address.strip());
        }
    }

    @Test
    void anEmptyEnvironmentVariableCountsAsUnset() {
        env.put("CONCURRENCY", "");

        assertThat(load().concurrency()).isEqualTo(5);
    }

    @Test
    void pathStyleDefaultsToTrueWithAnEndpoint() {
        env.put("AWS_ENDPOINT_URL", "http://localhost:9000");

        FerryConfig c = load();

        assertThat(c.pathStyle()).isTrue();
        assertThat(c.setting(ConfigKey.PATH_STYLE).source()).isEqualTo(Source.DEFAULT);
    }

    @Test
    void theS3SpecificEndpointVariableWins() {
        env.put("AWS_ENDPOINT_URL", "http://general:9000");
        env.put("AWS_ENDPOINT_URL_S3", "http://s3only:9000");

        FerryConfig c = load();

        assertThat(c.endpoint()).contains(URI.create("http://s3only:9000"));
        assertThat(c.setting(ConfigKey.ENDPOINT).from()).isEqualTo("AWS_ENDPOINT_URL_S3");
    }

    @Test
    void awsRegionIsPreferredToAwsDefaultRegion() {
        env.put("AWS_DEFAULT_REGION", "us-west-2");
        assertThat(load().region()).contains("us-west-2");

        env.put("AWS_REGION", "eu-central-1");
        assertThat(load().region()).contains("eu-central-1");
    }

    @Test
    void systemdStateDirectoryListGivesItsFirstEntryAndStateDirWins() {
        env.put("STATE_DIRECTORY", tmp.resolve("a") + ":" + tmp.resolve("b"));
        assertThat(load().stateDir()).isEqualTo(tmp.resolve("a"));

        env.put("STATE_DIR", tmp.resolve("c").toString());
        assertThat(load().stateDir()).isEqualTo(tmp.resolve("c"));
    }

    @Test
    void xdgStateHomeMovesTheDefaultStateDir() {
        env.put("XDG_STATE_HOME", tmp.resolve("xdg").toString());

        assertThat(load().stateDir()).isEqualTo(tmp.resolve("xdg/ferry"));
    }

    @Test
    void seed002LoglevelKeyAndItsFatalLevelAreAccepted() throws IOException {
        Path file = yaml("loglevel: fatal\n");

        FerryConfig c = FerryConfig.load(env, Map.of(), Optional.of(file));

        assertThat(c.logLevel()).isEqualTo(Level.ERROR);
        assertThat(c.setting(ConfigKey.LOG_LEVEL).value()).isEqualTo("error");
    }

    @Test
    void logFormatAndPollIntervalDefaultToTextAnd30sAndComeFromEveryKindOfSource() throws IOException {
        FerryConfig defaults = load();
        assertThat(defaults.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(defaults.pollInterval()).isEqualTo(Duration.ofSeconds(30));

        env.put("LOG_FORMAT", "JSON");
        env.put("POLL_INTERVAL", "5s");
        FerryConfig fromEnv = load();
        assertThat(fromEnv.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(fromEnv.setting(ConfigKey.LOG_FORMAT).value()).isEqualTo("json");
        assertThat(fromEnv.pollInterval()).isEqualTo(Duration.ofSeconds(5));

        FerryConfig fromCli = FerryConfig.load(env, Map.of("--log-format", "text"), Optional.of(yaml("poll_interval: 2m\n")));
        assertThat(fromCli.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(fromCli.pollInterval()).as("the environment wins over the file").isEqualTo(Duration.ofSeconds(5));
        env.remove("POLL_INTERVAL");
        assertThat(FerryConfig.load(env, Map.of(), Optional.of(yaml("poll_interval: 2m\n"))).pollInterval())
                .isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void anEmptyFileOrANullValueLeavesTheDefaults() throws IOException {
        assertThat(FerryConfig.load(env, Map.of(), Optional.of(yaml(""))).port()).isEqualTo(5000);
        assertThat(FerryConfig.load(env, Map.of(), Optional.of(yaml("port:\n"))).port()).isEqualTo(5000);
    }

    @Test
    void aTildeMeansHomeAndAnEmptyCommandLineListMeansNoPatterns() {
        FerryConfig c = FerryConfig.load(env, Map.of("--state-dir", "~/st", "--ignore-patterns", ""), Optional.empty());

        assertThat(c.stateDir()).isEqualTo(tmp.resolve("home/st"));
        assertThat(c.ignorePatterns()).isEqualTo(List.of());
    }

    @Test
    void theAdminTokenIsOffByDefaultAndMaskedWhenSet() {
        assertThat(load().adminToken()).isEmpty();

        env.put("ADMIN_TOKEN", "tok-0123456789abcdef");
        FerryConfig c = load();

        assertThat(c.adminToken().map(Secret::reveal)).contains("tok-0123456789abcdef");
        assertThat(c.setting(ConfigKey.ADMIN_TOKEN).source()).isEqualTo(Source.ENV);
        assertThat(c.toString()).doesNotContain("tok-0123456789abcdef");
        assertThat(c.describe()).doesNotContain("tok-0123456789abcdef").contains("admin_token");
    }
}
