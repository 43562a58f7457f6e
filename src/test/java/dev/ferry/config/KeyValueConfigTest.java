package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed 004's config.txt (syncd's key=value form), read unchanged and mapped onto one site. */
class KeyValueConfigTest {
    private static final String SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";

    @TempDir
    Path tmp;
    Path data;
    Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        env.put("HOME", tmp.toString());
        env.put("STATE_DIR", tmp.resolve("state").toString());
    }

    private FerryConfig load(String text) throws IOException {
        return load("config.txt", text);
    }

    private FerryConfig load(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return FerryConfig.load(env, Map.of(), Optional.of(file));
    }

    private List<String> problems(String text) {
        try {
            load(text);
        } catch (ConfigException e) {
            return e.problems();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a ConfigException for:\n" + text);
    }

    private String base() {
        return "aws_access_key=AKIAIOSFODNN7EXAMPLE\naws_secret_key=" + SECRET + "\nlocal_dir=" + data
                + "\nbucket_name=my-backup-bucket\n";
    }

    private String file() {
        return tmp.resolve("config.txt").toString();
    }

    @Test
    void syncdsReadmeExampleMapsEveryKeyOntoOneSiteWithMarkersAndNoDeletion() throws IOException {
        FerryConfig c = load("aws_access_key=AKIAIOSFODNN7EXAMPLE\n"
                + "aws_secret_key=" + SECRET + "\n"
                + "local_dir=" + data + "\n"
                + "bucket_name=your-s3-bucket-name\n"
                + "prefix=optional/path/prefix/\n"
                + "sync_interval=5m\n"
                + "sync_marker_file=.sync_complete\n");

        assertThat(c.sites()).singleElement().satisfies(site -> {
            assertThat(site.localPath()).isEqualTo(data);
            assertThat(site.bucket()).isEqualTo("your-s3-bucket-name");
            assertThat(site.prefix()).isEqualTo("optional/path/prefix/");
            assertThat(site.accessKey()).contains("AKIAIOSFODNN7EXAMPLE");
            assertThat(site.secretAccessKey()).map(Secret::reveal).contains(SECRET);
            assertThat(site.markers()).isTrue();
            assertThat(site.markerFile()).isEqualTo(".sync_complete");
            assertThat(site.retireDeleted()).isFalse();
            assertThat(site.reconcile()).isEqualTo(SiteConfig.ReconcileMode.STATE);
        });
        assertThat(c.syncSchedule()).hasValueSatisfying(s -> {
            assertThat(s.interval()).contains(Duration.ofMinutes(5));
            assertThat(s.from()).isEqualTo(file() + " line 6");
        });
        assertThat(c.watchPath()).isEmpty();
        assertThat(c.toString()).doesNotContain(SECRET);
        assertThat(c.describe()).doesNotContain(SECRET);
    }

    @Test
    void withoutOptionalKeysItIsOneSyncToTheBucketRootWithSyncdsMarkerName() throws IOException {
        FerryConfig c = load(base());

        assertThat(c.syncSchedule()).contains(SyncSchedule.once());
        SiteConfig site = c.sites().get(0);
        assertThat(site.prefix()).isEmpty();
        assertThat(site.markerFile()).isEqualTo("syncd.txt");
        assertThat(load(base() + "sync_interval=0\nprefix=\n").syncSchedule()).contains(SyncSchedule.once());
    }

    @Test
    void aWatchPathInTheEnvironmentIsIgnoredAndNamedTheFileIsOneSite() throws IOException {
        // ferry.env (systemd) sets WATCH_PATH; config.txt is one site, as the docs and syncd say
        Path other = Files.createDirectories(tmp.resolve("w0"));
        env.put("WATCH_PATH", other.toString());

        FerryConfig c = load(base());

        assertThat(c.watchPath()).isEmpty();
        assertThat(c.sites()).singleElement().satisfies(site -> assertThat(site.localPath()).isEqualTo(data));
        assertThat(c.syncSchedule()).hasValueSatisfying(schedule -> assertThat(schedule.ignoredWatchPath())
                .contains("WATCH_PATH (environment) " + other));

        // a folder that is not there is no problem either: it is not used
        env.put("WATCH_PATH", tmp.resolve("gone").toString());
        assertThat(load(base()).sites()).hasSize(1);
        env.remove("WATCH_PATH");
        assertThat(load(base()).syncSchedule()).contains(SyncSchedule.once());
    }

    @Test
    void syncdsOwnExampleFileWithItsInlineCommentRunsUnchanged() throws IOException {
        // syncd's repository ships this file: a comment after the value, no blank line at the end
        FerryConfig c = load("# S3 Sync Configuration File\n"
                + "aws_access_key=ACCESS\n"
                + "aws_secret_key=SECRET\n"
                + "local_dir=" + data + "\n"
                + "bucket_name=my-s3-bucket\n"
                + "prefix=backup/\n"
                + "sync_marker_file=my_custom_sync_marker.txt  # Optional, defaults to syncd.txt if not specified\n"
                + "sync_interval=1h");

        assertThat(c.sites().get(0).markerFile()).isEqualTo("my_custom_sync_marker.txt");
        assertThat(c.sites().get(0).prefix()).isEqualTo("backup/");
        assertThat(c.syncSchedule().flatMap(SyncSchedule::interval)).contains(Duration.ofHours(1));
    }

    @Test
    void commentsBlankLinesSpacesQuotesCrlfAndAByteOrderMarkAreRead() throws IOException {
        FerryConfig c = load("\uFEFF# leading comment\r\n"
                + "\r\n"
                + "   # indented comment\r\n"
                + "  aws_access_key = AKIAIOSFODNN7EXAMPLE  \r\n"
                + "aws_secret_key='" + SECRET + "'\r\n"
                + "local_dir=\"" + data + "\"   # quoted\r\n"
                + "bucket_name=my-bucket\r\n"
                + "prefix=\"with #hash and spaces/\"\r\n"
                + "sync_interval=\t30s\t\r\n");

        SiteConfig site = c.sites().get(0);
        assertThat(site.accessKey()).contains("AKIAIOSFODNN7EXAMPLE");
        assertThat(site.secretAccessKey()).map(Secret::reveal).contains(SECRET);
        assertThat(site.localPath()).isEqualTo(data);
        assertThat(site.prefix()).isEqualTo("with #hash and spaces/");
        assertThat(c.syncSchedule().flatMap(SyncSchedule::interval)).contains(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "5m, PT5M", "2h, PT2H", "1h30m, PT1H30M", "1.5h, PT1H30M", "300ms, PT0.3S",
            "2h45m10s, PT2H45M10S", ".5m, PT30S", "1m0s, PT1M", "90s, PT1M30S", "1500us, PT0.0015S",
            "+10s, PT10S"})
    void syncIntervalReadsGoDurations(String text, String expected) throws IOException {
        assertThat(load(base() + "sync_interval=" + text + "\n").syncSchedule().flatMap(SyncSchedule::interval))
                .contains(Duration.parse(expected));
    }

    @Test
    void aBadSyncIntervalNamesTheKeyAndItsLine() {
        String where = "sync_interval (" + file() + " line 5): ";
        assertThat(problems(base() + "sync_interval=30\n"))
                .containsExactly(where + "needs a unit: 30s, 30m or 30h (" + GoDuration.SYNTAX + "), got '30'");
        assertThat(problems(base() + "sync_interval=5 minutes\n"))
                .containsExactly(where + "must be " + GoDuration.SYNTAX + ", got '5 minutes'");
        assertThat(problems(base() + "sync_interval=1d\n"))
                .containsExactly(where + "must be " + GoDuration.SYNTAX + ", got '1d'");
        assertThat(problems(base() + "sync_interval=-5m\n")).containsExactly(
                where + "must not be negative (leave it out, or write 0, for one sync), got '-5m'");
        assertThat(problems(base() + "sync_interval=\n"))
                .containsExactly(where + "must be " + GoDuration.SYNTAX + ", got ''");
        assertThat(problems(base() + "sync_interval=3000000h\n")).singleElement().asString().contains("is too long");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheClosestKnownKey() {
        assertThat(problems(base() + "sync_intervall=5m\n")).singleElement().asString()
                .startsWith("sync_intervall (" + file() + " line 5): unknown key; did you mean 'sync_interval'?");
        assertThat(problems("AWS_ACCESS_KEY=x\n" + base())).singleElement().asString()
                .startsWith("AWS_ACCESS_KEY (" + file() + " line 1): unknown key; did you mean 'aws_access_key'?");
        assertThat(problems(base() + "sites=a\n")).singleElement().asString().contains("line 5").contains("YAML form");
    }

    @Test
    void aLineThatIsNotKeyValueIsNamedByItsLineButNotQuoted() {
        assertThat(problems(base() + "just some words " + SECRET + "\n")).containsExactly(
                file() + " line 5: not a key=value line (one key=value per line, # starts a comment)");
        assertThat(problems(base() + "=value\n"))
                .containsExactly(file() + " line 5: the line starts with '=': a key is missing before it");
        assertThat(problems(base() + "prefix=\"unclosed\n")).containsExactly(
                "prefix (" + file() + " line 5): the value opens a quote (\") that is never closed");
        assertThat(problems(base().replace("aws_secret_key=" + SECRET, "aws_secret_key='" + SECRET + "' trailing")))
                .singleElement().asString().contains("line 2").doesNotContain(SECRET);
    }

    @Test
    void aKeySetTwiceIsAnErrorNamingBothLines() {
        assertThat(problems(base() + "bucket_name=other-bucket\n")).containsExactly(
                "bucket_name (" + file() + " line 5): bucket_name is already set on line 4; keep one");
    }

    @Test
    void badValuesGoThroughFerrysSiteValidationNamedAsSyncdNamedThem() {
        assertThat(problems(base().replace("my-backup-bucket", "My_Bucket"))).containsExactly("bucket_name ("
                + file() + " line 4): must be a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-'), "
                + "got 'My_Bucket'");
        Path missing = tmp.resolve("absent");
        assertThat(problems(base().replace("local_dir=" + data, "local_dir=" + missing)))
                .containsExactly("local_dir (" + file() + " line 3): folder " + missing + " does not exist");
        assertThat(problems(base() + "sync_marker_file=sub/marker.txt\n")).containsExactly("sync_marker_file ("
                + file() + " line 5): must be a file name, got 'sub/marker.txt'");
        assertThat(problems(base() + "prefix=../up\n"))
                .containsExactly("prefix (" + file() + " line 5): must not climb above the bucket's root with '..', "
                        + "got '../up'");
    }

    @Test
    void aSecretIsNeverQuotedInAProblem() {
        List<String> p = problems(base().replace("aws_secret_key=" + SECRET, "aws_secret_key=" + SECRET + " x"));
        // "x" follows a space: not a comment (no #), so the secret has a space and is refused without being shown
        assertThat(p).containsExactly("aws_secret_key (" + file() + " line 2): must be a secret key without spaces");
        assertThat(String.join("\n", p)).doesNotContain(SECRET);
    }

    @Test
    void requiredKeysAreNamedAsTheFileNamesThem() {
        assertThat(problems("aws_access_key=A\naws_secret_key=B\n")).containsExactlyInAnyOrder(
                file() + ": local_dir is required (Local folder synced (required).)",
                file() + ": bucket_name is required (Destination bucket (required).)");
    }

    @Test
    void credentialsAreBothOrNeitherAndNeitherMeansTheDefaultChain() throws IOException {
        String noKeys = "local_dir=" + data + "\nbucket_name=my-backup-bucket\n";
        assertThat(problems("aws_access_key=AKIAIOSFODNN7EXAMPLE\n" + noKeys)).containsExactly(file()
                + ": aws_access_key and aws_secret_key must be set together, or neither to use the AWS SDK's "
                + "default credentials chain: aws_access_key is set on line 1 but aws_secret_key is not");
        SiteConfig site = load(noKeys).sites().get(0);
        assertThat(site.accessKey()).isEmpty();
        assertThat(site.secretAccessKey()).isEmpty();
    }

    @Test
    void ferrysOwnKeysMayBeWrittenInTheSameFormAndAreValidatedAsInTheYamlFile() throws IOException {
        FerryConfig c = load(base() + "endpoint=http://127.0.0.1:9000\nconcurrency=8\nlog_level=debug\n");

        assertThat(c.endpoint()).map(Object::toString).contains("http://127.0.0.1:9000");
        assertThat(c.sites().get(0).endpoint()).map(Object::toString).contains("http://127.0.0.1:9000");
        assertThat(c.concurrency()).isEqualTo(8);
        assertThat(c.setting(ConfigKey.CONCURRENCY).from()).isEqualTo(file() + " line 6");
        assertThat(problems(base() + "concurrency=abc\n")).containsExactly(
                "concurrency (" + file() + " line 5): must be a whole number from 1 to 1000, got 'abc'");
    }

    @Test
    void theFormIsFoundByContentNotByTheFileName() throws IOException {
        assertThat(load("ferry.yml", base()).syncSchedule()).isPresent();
        FerryConfig yaml = load("config.txt", "sites:\n- local_path: " + data + "\n  bucket: my-backup-bucket\n");
        assertThat(yaml.syncSchedule()).isEmpty();
        assertThat(yaml.sites().get(0).markers()).isFalse();
        assertThat(load("ferry.yml", "# comment first\n\n" + base()).syncSchedule()).isPresent();
        assertThat(KeyValueFile.isKeyValue(tmp.resolve("absent.txt"))).isFalse();
    }

    @Test
    void aRelativeLocalDirIsReadFromTheWorkingDirectoryAsSyncdDid() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        Path relative = cwd.relativize(data);
        FerryConfig c = load(base().replace("local_dir=" + data, "local_dir=" + relative));
        assertThat(c.sites().get(0).localPath()).isEqualTo(data);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"backups/|backups/", "backups|backups/", "/backups/|/backups/",
            "a//b/./c/|a/b/c/", ".|''", "./|''", "/|/", "a/../b|b/", "/../x|/x/", "  spaced/ |spaced/"})
    void thePrefixMakesTheKeysSyncdMadeWithGosFilepathJoin(String prefix, String expected) throws BadValue {
        assertThat(KeyValueSite.joinPrefix(prefix)).isEqualTo(expected);
    }

    @Test
    void aPrefixThatClimbsIsRefused() {
        assertThatThrownBy(() -> KeyValueSite.joinPrefix("a/../../b")).isInstanceOf(BadValue.class);
    }
}
