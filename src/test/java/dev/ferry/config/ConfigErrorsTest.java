package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of error: all collected, each naming the key as written and where, no secret shown. */
class ConfigErrorsTest {
    private static final String SECRET = "TopSecretValue42";
    private static final String PASSWORD = "Pa55wordXYZ";

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

    private ConfigException fail(Map<String, String> cli, Optional<Path> file) {
        return catchThrowableOfType(ConfigException.class, () -> FerryConfig.load(env, cli, file));
    }

    private ConfigException failWithFile(String yaml) throws IOException {
        return fail(Map.of(), Optional.of(Files.writeString(tmp.resolve("config.yml"), yaml)));
    }

    private ConfigException failWithEnv(String name, String value) {
        env.put(name, value);
        return fail(Map.of(), Optional.empty());
    }

    @Test
    void aMissingWatchPathExplainsWhyPathIsNotRead() {
        env.remove("WATCH_PATH");
        env.put("PATH", watch.toString());

        ConfigException e = fail(Map.of(), Optional.empty());

        assertThat(e.problems()).containsExactly("WATCH_PATH is required (the folder to watch; seed 000's PATH "
                + "variable is not read because it is the shell's search path), unless the config file lists sites:");
    }

    @Test
    void aWrongValueIsRefusedAlsoWhileAHigherSourceOverridesIt() throws IOException {
        env.put("PORT", "19512");
        env.put("CONCURRENCY", "abc");
        Path file = Files.writeString(tmp.resolve("config.yml"), "port: 70000\n");

        ConfigException e = fail(Map.of("concurrency", "4"), Optional.of(file));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("port (" + file + " line 1)")
                .contains("got '70000'").contains("overridden by PORT (environment)"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("CONCURRENCY (environment)")
                .contains("got 'abc'").contains("overridden by --concurrency"));
    }

    @Test
    void theWatchPathMustBeAnExistingFolder() throws IOException {
        assertThat(failWithEnv("WATCH_PATH", tmp.resolve("nope").toString()).problems())
                .containsExactly("WATCH_PATH (environment): folder " + tmp.resolve("nope") + " does not exist");
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThat(failWithEnv("WATCH_PATH", file.toString()).problems())
                .containsExactly("WATCH_PATH (environment): " + file + " is not a folder");
    }

    @Test
    void eachSourceNamesTheKeyAsWrittenAndWhere() throws IOException {
        env.put("CONCURRENCY", "abc");
        Path file = Files.writeString(tmp.resolve("config.yml"), "# ferry\nport: 80\nqueue_capacity: 0\n");

        ConfigException e = fail(Map.of("--port", "70000"), Optional.of(file));

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "CONCURRENCY (environment): must be a whole number from 1 to 1000, got 'abc'",
                "queue_capacity (" + file + " line 3): must be a whole number from 1 to 10000000, got '0'",
                "--port: must be a whole number from 0 to 65535, got '70000'");
        assertThat(e.getMessage()).startsWith("Invalid configuration (3 problems):");
    }

    @Test
    void unknownKeysSuggestTheClosestOne() throws IOException {
        ConfigException e = failWithFile("concurency: 3\naws_key: AKIA\n");

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).contains("concurency (").contains("line 1): unknown key; did you mean 'concurrency'?");
        assertThat(e.problems().get(1)).contains("aws_key (").contains("access_key");
    }

    @Test
    void invalidYamlNamesTheFileAndLineButNotTheText() throws IOException {
        ConfigException e = failWithFile("port: 5000\nsecret_access_key: \"" + SECRET + "\n  bad: [\n");

        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).contains("config.yml line ").contains("not valid YAML").doesNotContain(SECRET);
        assertThat(failWithFile("unknown: b: c\n").problems()).singleElement().asString()
                .endsWith("config.yml line 1 column 11: not valid YAML: mapping values are not allowed here");
    }

    @Test
    void aKeySetTwiceOrWithItsAliasIsAnError() throws IOException {
        assertThat(failWithFile("port: 1\nport: 2\n").problems().get(0)).contains("line 2").contains("'port'");
        assertThat(failWithFile("log_level: info\nloglevel: debug\n").problems())
                .containsExactly("loglevel (" + tmp.resolve("config.yml") + " line 2): log_level is already set on "
                        + "line 1 (as log_level); keep one");
    }

    @Test
    void theFileMustBeAMappingOfSingleValues() throws IOException {
        assertThat(failWithFile("- port\n- 5000\n").problems().get(0)).contains("must be a mapping of keys");
        assertThat(failWithFile("port:\n  value: 5\n").problems().get(0)).endsWith("must be a single value, not a mapping");
        assertThat(failWithFile("port: [1, 2]\n").problems().get(0)).contains("must be a single value, not a list");
    }

    @Test
    void aMissingConfigFileIsAnError() {
        Path missing = tmp.resolve("absent.yml");

        assertThat(fail(Map.of(), Optional.of(missing)).problems()).containsExactly(missing + ": config file does not exist");
    }

    @Test
    void aFileThatCannotBeReadIsTheOnlyProblemNotTheKeysItWouldHaveSet() throws IOException {
        env.remove("WATCH_PATH"); // the file would set it: "WATCH_PATH is required" would be a false second error
        env.put("AWS_KEY", "AKIAEXAMPLE"); // and secret_access_key, so no "must be set together" either
        String head = "watch_path: " + watch + "\nsecret_access_key: " + SECRET + "\n";

        assertThat(failWithFile(head + "port: \"5000\n").problems()).singleElement().asString()
                .contains("not valid YAML").doesNotContain(SECRET);
        assertThat(failWithFile(head + "port: 1\n  bad: 2\n").problems()).singleElement().asString()
                .contains("not valid YAML");
        assertThat(failWithFile(head + "port: 1\nport: 2\n").problems()).singleElement().asString()
                .contains("not valid YAML").contains("'port'");
        assertThat(failWithFile("- " + watch + "\n").problems()).singleElement().asString()
                .contains("must be a mapping");
        Path missing = tmp.resolve("absent.yml");
        assertThat(fail(Map.of(), Optional.of(missing)).problems())
                .containsExactly(missing + ": config file does not exist");
        assertThat(fail(Map.of(), Optional.of(watch)).problems())
                .containsExactly(watch + ": config file is a folder, not a file");
    }

    @Test
    void aFileThatCannotBeReadStillLeavesBadValuesFromOtherSourcesReported() throws IOException {
        env.put("CONCURRENCY", "lots");

        assertThat(failWithFile("port: \"5000\n").problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("not valid YAML"))
                .contains("CONCURRENCY (environment): must be a whole number from 1 to 1000, got 'lots'");
    }

    @Test
    void theBindAddressMustBeAValidAddressOfThisMachine() {
        String rule = "BIND_ADDRESS (environment): must be an IP address or host name of this machine: ";
        assertThat(failWithEnv("BIND_ADDRESS", "999.1.1.1").problems())
                .containsExactly(rule + "'999.1.1.1' is not a valid IPv4 address (four numbers from 0 to 255)");
        assertThat(failWithEnv("BIND_ADDRESS", "not_a_host").problems())
                .containsExactly(rule + "'not_a_host' is not a valid IP address or host name");
        assertThat(failWithEnv("BIND_ADDRESS", "::1::2").problems())
                .containsExactly(rule + "'::1::2' is not a valid IPv6 address");
        assertThat(failWithEnv("BIND_ADDRESS", "nonexistent.invalid").problems()) // .invalid never resolves (RFC 2606)
                .containsExactly(rule + "host name 'nonexistent.invalid' cannot be resolved");
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
        assertThat(failWithEnv("BIND_ADDRESS", "192.0.2.1").problems()).containsExactly(rule + "'192.0.2.1' is not "
                + "an address of this machine (0.0.0.0 listens on all of them, 127.0.0.1 on this machine only)");
    }

    @Test
    void credentialsMustComeInPairsAndTheSecretIsNeverShown() {
        env.put("AWS_SECRET", SECRET);

        ConfigException e = fail(Map.of(), Optional.empty());

        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).contains("access_key").contains("secret_access_key").contains("AWS_KEY")
                .doesNotContain(SECRET);
    }

    @Test
    void aRejectedSecretIsNotQuoted() {
        ConfigException e = fail(Map.of("--access-key", "AKIA", "--secret-access-key", "has " + SECRET), Optional.empty());

        assertThat(e.problems()).containsExactly("--secret-access-key: must be a secret key without spaces");
    }

    @Test
    void aShortAdminTokenIsRejectedWithoutQuotingIt() {
        ConfigException e = fail(Map.of("--admin-token", "short-pw"), Optional.empty());

        assertThat(e.problems()).containsExactly("--admin-token: must be at least 16 characters without spaces");
    }

    @Test
    void aPasswordInAnEndpointUrlIsMaskedInTheError() throws IOException {
        ConfigException fromEnv = failWithEnv("AWS_ENDPOINT_URL", "http://minio:" + PASSWORD + "@127.0.0.1:9000");

        assertThat(fromEnv.problems()).singleElement().asString().startsWith("AWS_ENDPOINT_URL (environment): must be")
                .endsWith(", got 'http://minio:****@127.0.0.1:9000'").doesNotContain(PASSWORD);
        assertThat(fromEnv.getMessage()).doesNotContain(PASSWORD);

        env.remove("AWS_ENDPOINT_URL");
        ConfigException site = failWithFile("""
                sites:
                - local_path: %s
                  bucket: backup
                  endpoint: https://minio:%s@s3.example.test
                """.formatted(watch, PASSWORD));
        assertThat(site.problems()).singleElement().asString().contains("endpoint")
                .contains("https://minio:****@s3.example.test").doesNotContain(PASSWORD);
    }

    @Test
    void aBadMongoUrlIsNotQuoted() {
        ConfigException e = failWithEnv("MONGO_URL", "mysql://root:" + PASSWORD + "@db/x");

        assertThat(e.problems()).containsExactly("MONGO_URL (environment): must start with mongodb:// or mongodb+srv://");
    }

    @Test
    void aMongoUrlTheDriverRefusesIsAConfigurationErrorWithTheDriversReason() {
        ConfigException e = failWithEnv("MONGO_URL", "mongodb://ferry:" + PASSWORD + "@db1:99999/fleet");

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith("MONGO_URL (environment): is not a connection string the MongoDB driver accepts: ")
                .contains("port must be an integer").doesNotContain(PASSWORD);
    }

    @Test
    void valuesOfEveryTypeAreChecked() {
        env.putAll(Map.of("AWS_ENDPOINT_URL", "ftp://host", "TIMEOUT", "0", "SETTLE_TIME", "2 weeks",
                "MULTIPART_PART_SIZE", "1MiB", "LOG_LEVEL", "verbose", "IGNORE_PATTERNS", "*.tmp,[abc",
                "CREATE_BUCKETS", "maybe", "SWEEP_INTERVAL", "-5s", "MULTIPART_THRESHOLD", "12 parsecs"));

        ConfigException e = fail(Map.of(), Optional.empty());

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "AWS_ENDPOINT_URL (environment): must be an http:// or https:// URL with a host (and no user name), "
                        + "e.g. http://127.0.0.1:9000, got 'ftp://host'",
                "TIMEOUT (environment): must be longer than 0 (-1 turns it off), got '0'",
                "SETTLE_TIME (environment): has an unknown unit 'weeks'; use ms, s, m, h or d, got '2 weeks'",
                "MULTIPART_PART_SIZE (environment): must be from 5MiB to 1GiB, got '1MiB'",
                "LOG_LEVEL (environment): must be one of trace, debug, info, warn, error, got 'verbose'",
                "IGNORE_PATTERNS (environment): pattern '[abc' is not a valid glob: Missing ']",
                "CREATE_BUCKETS (environment): must be true or false, got 'maybe'",
                "SWEEP_INTERVAL (environment): must be " + Units.DURATION_SYNTAX + " (0 turns it off), got '-5s'",
                "MULTIPART_THRESHOLD (environment): has an unknown unit 'parsecs'; use B, KB, MB, GB, TB, KiB, MiB, "
                        + "GiB or TiB, got '12 parsecs'");
    }

    @Test
    void multipartSizesTheUploaderCannotTakeAreRejectedByTheirKeyNotAtStart() {
        // accepted here once, they stopped the daemon later with "s3 settings: partSize must be ..." and exit code 1
        env.putAll(Map.of("MULTIPART_PART_SIZE", "2GiB", "MULTIPART_THRESHOLD", "6GiB"));

        ConfigException e = fail(Map.of(), Optional.empty());

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "MULTIPART_PART_SIZE (environment): must be from 5MiB to 1GiB, got '2GiB'",
                "MULTIPART_THRESHOLD (environment): must be from 1B to 5GiB, got '6GiB'");
    }

    @Test
    void aLogFormatOtherThanTextOrJsonIsRejected() {
        assertThat(failWithEnv("LOG_FORMAT", "logfmt").getMessage())
                .contains("LOG_FORMAT (environment): must be text or json, got 'logfmt'");
    }

    @Test
    void theStateFolderMayNotBeInsideTheWatchedFolder() {
        ConfigException e = failWithEnv("STATE_DIR", watch.resolve("bucket/.ferry").toString());

        assertThat(e.problems()).singleElement().asString()
                .startsWith("state_dir (env STATE_DIR): " + watch.resolve("bucket/.ferry") + " is inside watch_path");
    }

    @Test
    void toStringAndDescribeMaskSecrets() {
        env.put("AWS_KEY", "AKIAEXAMPLE");
        env.put("AWS_SECRET", SECRET);
        env.put("MONGO_URL", "mongodb://ferry:" + PASSWORD + "@db1:27017,db2/fleet?authSource=admin");

        FerryConfig c = FerryConfig.load(env, Map.of(), Optional.empty());

        assertThat(c.toString()).contains("secret_access_key=****", "access_key=AKIAEXAMPLE",
                "mongo_url=mongodb://ferry:****@db1:27017,db2/fleet?authSource=admin")
                .doesNotContain(SECRET, PASSWORD);
        assertThat(c.describe()).contains("secret_access_key = **** (env AWS_SECRET)").doesNotContain(SECRET, PASSWORD);
        assertThat(c.secretAccessKey()).hasValueSatisfying(s -> assertThat(s.toString()).isEqualTo("****"));
        assertThat(c.mongoUrl().orElseThrow().location()).isEqualTo("mongodb://db1:27017,db2/fleet");
    }
}
