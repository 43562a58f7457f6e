package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.filter.RouteDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's s3-ingestor.json as it is, and Ferry's control: section and policy keys on sites. */
class SeedIngestorConfigTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws IOException {
        Files.createDirectories(tmp.resolve("data/cam1"));
        Files.createDirectories(tmp.resolve("logs"));
        Files.createDirectories(tmp.resolve("state"));
    }

    private FerryConfig load(String name, String text) throws IOException {
        return load(tmp.resolve(name), text);
    }

    private FerryConfig load(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                Map.of(), Optional.of(file));
    }

    private static String key(SiteConfig s, Path file) {
        PrefixRouter r = new PrefixRouter(s.localPath(), s.bucket(), s.prefix(), new IgnoreRules(List.of()),
                new PathFilter(s.exclusions(), s.inclusions()), s.pathPrefix(), s.removePrefix());
        RouteDecision d = r.route(file);
        return d instanceof RouteDecision.Routed routed ? routed.destination().key() : "skipped: " + d;
    }

    @Test
    void seed003sFileRunsWithItsKeysAndDefaults() throws IOException {
        FerryConfig c = load("s3-ingestor.json", """
                {
                  "debug": true,
                  "api_port": 4567,
                  "host_service": "http",
                  "host_dns": "127.0.0.1",
                  "s3_bucket": "ingest-bucket",
                  "upgrade_command": "npm update s3-ingestor",
                  "policies": [
                    {"input_file_pattern": "data/**/*.csv", "input_remove_prefix": "data/", "output_key_prefix": "in/"},
                    {"input_file_pattern": "logs/*", "output_key_prefix": "logs-"}
                  ]
                }
                """);
        assertThat(c.port()).isEqualTo(4567);
        assertThat(c.logLevel()).isEqualTo(org.slf4j.event.Level.DEBUG);
        ControlConfig control = c.control().orElseThrow();
        assertThat(control.url().toString()).isEqualTo("http://127.0.0.1:443/ingestor");
        assertThat(control.heartbeatPeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(control.awsKeysFile()).isEqualTo(tmp.resolve("s3-ingestor-keys.json"));
        assertThat(control.upgradeCommand()).contains("npm update s3-ingestor");
        assertThat(control.contextFile()).isEqualTo(tmp.resolve("state").resolve("s3-ingestor-context.json"));
        assertThat(c.sites()).hasSize(2);
        SiteConfig csv = c.sites().get(0);
        assertThat(csv.localPath()).isEqualTo(tmp.resolve("data"));
        assertThat(csv.bucket()).isEqualTo("ingest-bucket");
        assertThat(key(csv, tmp.resolve("data/cam1/a.csv"))).isEqualTo("in/cam1/a.csv");
        assertThat(key(csv, tmp.resolve("data/top.csv"))).isEqualTo("in/top.csv");
        assertThat(key(csv, tmp.resolve("data/cam1/a.txt"))).startsWith("skipped");
        SiteConfig logs = c.sites().get(1);
        assertThat(key(logs, tmp.resolve("logs/x.log"))).isEqualTo("logs-logs/x.log");
        assertThat(key(logs, tmp.resolve("logs/sub/x.log"))).startsWith("skipped");
    }

    @Test
    void aRemovePrefixLongerThanTheFixedFoldersCutsIntoTheRelativePath() throws IOException {
        FerryConfig c = load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "input_remove_prefix": "data/cam1/"}]}
                """);
        SiteConfig s = c.sites().get(0);
        assertThat(key(s, tmp.resolve("data/cam1/x/y.bin"))).isEqualTo("x/y.bin");
        assertThat(key(s, tmp.resolve("data/other/y.bin"))).isEqualTo("data/other/y.bin");
        assertThat(c.control()).isEmpty();
    }

    @Test
    void aKeysFilesSessionTokenGoesWithItsKeysAndOnlyWithThem() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "ASIATEMPORARY", "secretAccessKey": "verysecret", "sessionToken": "tokentokentoken"}
                """);
        Path file = conf.resolve("s3-ingestor.json");
        FerryConfig c = load(file, "{\"s3_bucket\": \"b-1\"}");
        assertThat(c.sessionToken()).map(Secret::reveal).contains("tokentokentoken");
        assertThat(c.describe() + c).doesNotContain("tokentokentoken");

        // the mothership rotates to permanent keys: the old token goes with the old keys
        Files.writeString(conf.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "AKIAPERMANENT", "secretAccessKey": "othersecret"}
                """);
        FerryConfig rotated = load(file, "{\"s3_bucket\": \"b-1\"}");
        assertThat(rotated.accessKey()).contains("AKIAPERMANENT");
        assertThat(rotated.sessionToken()).isEmpty();
    }

    @Test
    void theDefaultPolicyTakesTheConfigFoldersFilesButNeverFerrysOwnFiles() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("s3-ingestor-keys.json"), """
                {"accessKeyId": "AKIAFROMFILE", "secretAccessKey": "verysecret", "region": "eu-west-1"}
                """);
        FerryConfig c = load(conf.resolve("s3-ingestor.json"), "{\"s3_bucket\": \"b-1\"}");
        SiteConfig s = c.sites().get(0);
        assertThat(s.localPath()).isEqualTo(conf);
        assertThat(key(s, conf.resolve("logs/a.txt"))).isEqualTo("logs/a.txt");
        assertThat(key(s, conf.resolve("s3-ingestor.json"))).startsWith("skipped");
        assertThat(key(s, conf.resolve("s3-ingestor-keys.json"))).startsWith("skipped");
        assertThat(s.accessKey()).contains("AKIAFROMFILE");
        assertThat(s.secretAccessKey().orElseThrow().reveal()).isEqualTo("verysecret");
        assertThat(s.region()).contains("eu-west-1");
        assertThat(c.describe() + c + s).doesNotContain("verysecret").doesNotContain("AKIAFROMFILE");
    }

    @Test
    void aCustomizerIsRefusedNamingTheDataRulesThatReplaceIt() {
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "customizer": "mine"}]}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policies[1]").hasMessageContaining("customizer")
                .hasMessageContaining("rewrite rules");
    }

    @Test
    void invalidValuesAreErrorsNamingTheKey() {
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"host_dns": "m.example.com", "host_port": 70000, "heartbeat_period": "often", "s3_bucket": "b-1"}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("host_port").hasMessageContaining("heartbeat_period");
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"host_dns": "m.example.com", "host_service": "http", "s3_bucket": "b-1"}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("host_service")
                .hasMessageContaining("insecure");
        assertThatThrownBy(() -> load("s3-ingestor.json", "{\"policies\": []}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3_bucket is required");
    }

    @Test
    void theTokenAndInsecureKeysTheTableListsAreReadFromS3IngestorJsonToo() throws IOException {
        ControlConfig c = load("s3-ingestor.json", """
                {"host_service": "http", "host_dns": "10.1.2.3", "token": "abcdefghijkl", "insecure": true,
                 "s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**"}]}
                """).control().orElseThrow();
        assertThat(c.token().orElseThrow().reveal()).isEqualTo("abcdefghijkl");
        assertThat(c.insecure()).isTrue();
        assertThat(c.url().toString()).startsWith("http://10.1.2.3:");
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"host_dns": "m.example.com", "token": "tiny7", "s3_bucket": "b-1"}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("token")
                .hasMessageNotContaining("tiny7");
    }

    @Test
    void aMothershipMaySendTheBucketLater() throws IOException {
        FerryConfig c = load("s3-ingestor.json", "{\"host_dns\": \"m.example.com\", \"policies\": [{}]}");
        assertThat(c.sites()).isEmpty();
        assertThat(c.control().orElseThrow().url().toString()).isEqualTo("https://m.example.com:443/ingestor");
    }

    @Test
    void ferrysYamlHasAControlSectionAndPolicyKeysOnSites() throws IOException {
        FerryConfig c = load("config.yml", """
                control:
                  host_dns: mothership.example.com
                  host_port: 8443
                  host_uri: phone
                  heartbeat_period: 5m
                  token: abcdefghijkl
                  upgrade_command: /usr/local/bin/upgrade-ferry
                sites:
                  - local_path: data
                    bucket: b-1
                    input_file_pattern: "**/*.csv"
                    input_remove_prefix: cam1/
                    output_key_prefix: site-a-
                """);
        ControlConfig control = c.control().orElseThrow();
        assertThat(control.url().toString()).isEqualTo("https://mothership.example.com:8443/phone");
        assertThat(control.heartbeatPeriod()).isEqualTo(Duration.ofMinutes(5));
        assertThat(control.token().orElseThrow().reveal()).isEqualTo("abcdefghijkl");
        assertThat(control.toString()).doesNotContain("abcdefghijkl");
        SiteConfig s = c.sites().get(0);
        assertThat(key(s, tmp.resolve("data/cam1/a.csv"))).isEqualTo("site-a-a.csv");
        assertThat(key(s, tmp.resolve("data/cam1/a.txt"))).startsWith("skipped");
    }

    @Test
    void plainHttpToAHostThatIsNotLoopbackIsRefusedUnlessInsecureIsSet() throws IOException {
        String section = """
                control:
                  host_service: http
                  host_dns: %s
                  token: abcdefghijkl
                %ssites:
                  - local_path: data
                    bucket: b-1
                """;
        assertThatThrownBy(() -> load("config.yml", section.formatted("10.1.2.3", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("control.host_service")
                .hasMessageContaining("plain http to 10.1.2.3").hasMessageContaining("insecure")
                .hasMessageNotContaining("abcdefghijkl");
        ControlConfig insecure = load("config.yml", section.formatted("10.1.2.3", "  insecure: true\n")).control()
                .orElseThrow();
        assertThat(insecure.url().toString()).startsWith("http://10.1.2.3:");
        assertThat(insecure.insecure()).isTrue();
        for (String loopback : List.of("127.0.0.1", "localhost", "::1")) {
            assertThat(load("config.yml", section.formatted("\"" + loopback + "\"", "")).control().orElseThrow()
                    .url().getScheme()).as(loopback).isEqualTo("http");
        }
    }

    @Test
    void aControlSectionWithoutHostDnsOrWithUnknownKeysIsRefused() {
        assertThatThrownBy(() -> load("config.yml", """
                control:
                  heartbeat_period: 60
                  colour: blue
                sites:
                  - local_path: data
                    bucket: b-1
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("host_dns is required")
                .hasMessageContaining("control.colour");
    }

    @Test
    void aRemovePrefixIsRefusedWithListingModes() {
        assertThatThrownBy(() -> load("config.yml", """
                sites:
                  - local_path: data
                    bucket: b-1
                    input_remove_prefix: cam1/
                    retire_deleted: true
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("input_remove_prefix");
    }

    @Test
    void theMothershipsConfigIsMergedOverTheFileAndValidatedTheSameWay() throws IOException {
        Path file = tmp.resolve("s3-ingestor.json");
        Files.writeString(file, "{\"host_dns\": \"localhost\", \"host_service\": \"http\", \"s3_bucket\": \"b-1\"}");
        Map<String, String> env = Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString());
        ObjectNode overlay = (ObjectNode) new ObjectMapper().readTree("""
                {"s3_bucket": "b-2", "policies": [{"input_file_pattern": "logs/**"}], "heartbeat_period": 60}
                """);
        FerryConfig c = FerryConfig.load(env, Map.of(), Optional.of(file), overlay);
        assertThat(c.sites()).singleElement().satisfies(s -> {
            assertThat(s.bucket()).isEqualTo("b-2");
            assertThat(s.localPath()).isEqualTo(tmp.resolve("logs"));
        });
        assertThat(c.control().orElseThrow().heartbeatPeriod()).isEqualTo(Duration.ofSeconds(60));
        ObjectNode bad = (ObjectNode) new ObjectMapper().readTree("""
                {"upgrade_command": "rm -rf /", "s3_bucket": "NOT A BUCKET"}
                """);
        assertThatThrownBy(() -> FerryConfig.load(env, Map.of(), Optional.of(file), bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upgrade_command (the mothership's config): may only be set in the local file")
                .hasMessageContaining("s3_bucket");
    }

    @Test
    void aMothershipsPolicyWhoseFolderIsMissingHereRunsWhileALocalOneIsAnError() throws IOException {
        Path file = tmp.resolve("s3-ingestor.json");
        Files.writeString(file, "{\"host_dns\": \"localhost\", \"host_service\": \"http\", \"s3_bucket\": \"b-1\"}");
        Map<String, String> env = Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString());
        ObjectNode overlay = (ObjectNode) new ObjectMapper().readTree("""
                {"policies": [{"input_file_pattern": "data/cam1/**", "output_key_prefix": "c1/"},
                              {"input_file_pattern": "data/cam9/**", "output_key_prefix": "c9/"}],
                 "heartbeat_period": 60}
                """);
        FerryConfig c = FerryConfig.load(env, Map.of(), Optional.of(file), overlay);
        assertThat(c.sites()).extracting(SiteConfig::localPath)
                .containsExactly(tmp.resolve("data/cam1"), tmp.resolve("data/cam9"));
        assertThat(c.control().orElseThrow().heartbeatPeriod()).isEqualTo(Duration.ofSeconds(60));

        assertThatThrownBy(() -> load("local.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/cam9/**"}]}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("cam9 does not exist");
    }
}
