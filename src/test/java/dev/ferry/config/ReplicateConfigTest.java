package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The replicate: section of issue 14 (seed 001): read, defaulted from the global keys, and refused when wrong. */
class ReplicateConfigTest {
    private static final String CN_SECRET = "CnSecretValue0042";
    private static final String GLOBAL_SECRET = "GlobalSecretValue77";

    @TempDir
    Path tmp;

    /** The issue's YAML, with real values where it has "...". */
    private static final String ISSUE_YAML = """
            replicate:
              - name: photos
                source: {bucket: srcbucket, prefix: srcfolder/, region: us-west-2}
                destinations:
                  - {bucket: destbucket-usw2, prefix: destfolder/, region: us-west-2}
                  - {bucket: destbucket-cnn1, prefix: destfolder/, region: cn-north-1,
                     endpoint: "https://s3.cn-north-1.amazonaws.com.cn", access_key: "AKIACHINA", secret_access_key: "%s"}
                delete: false                 # mirror deletions (with max_delete / max_delete_percent as for sites)
                sqs: {url: "https://sqs.us-west-2.amazonaws.com/123456789012/queue", region: us-west-2}     # optional: event mode
            fullsync: {interval: 3600}        # seconds; 0 or absent: only at start-up
            skip-fullsync: false
            """.formatted(CN_SECRET);

    @BeforeEach
    void folders() throws IOException {
        Files.createDirectories(tmp.resolve("state"));
        Files.createDirectories(tmp.resolve("drop"));
        Files.createDirectories(tmp.resolve("site"));
    }

    private FerryConfig load(String yaml) throws IOException {
        return load(yaml, Map.of());
    }

    private FerryConfig load(String yaml, Map<String, String> cli) throws IOException {
        Path file = tmp.resolve("config.yml");
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()));
        return FerryConfig.load(env, cli, Optional.of(file));
    }

    private List<String> problems(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void theIssuesYamlIsReadWithEveryKey() throws IOException {
        FerryConfig c = load("aws_region: eu-west-1\naccess_key: AKIAGLOBAL\nsecret_access_key: " + GLOBAL_SECRET + "\n"
                + ISSUE_YAML);

        assertThat(c.replicate()).hasSize(1);
        ReplicateJob job = c.replicate().get(0);
        assertThat(job.name()).isEqualTo("photos");
        assertThat(job.source().bucket()).isEqualTo("srcbucket");
        assertThat(job.source().prefix()).isEqualTo("srcfolder/");
        assertThat(job.source().region()).contains("us-west-2");
        assertThat(job.source().accessKey()).contains("AKIAGLOBAL"); // falls back to the global keys, as sites do
        assertThat(job.source().secretAccessKey()).contains(new Secret(GLOBAL_SECRET));
        assertThat(job.destinations()).hasSize(2);
        BucketLocation usw2 = job.destinations().get(0).location();
        assertThat(usw2.bucket()).isEqualTo("destbucket-usw2");
        assertThat(usw2.prefix()).isEqualTo("destfolder/");
        assertThat(usw2.endpoint()).isEmpty();
        assertThat(usw2.pathStyle()).isFalse();
        assertThat(usw2.sameAccount(job.source())).isTrue();
        BucketLocation cn = job.destinations().get(1).location();
        assertThat(cn.region()).contains("cn-north-1");
        assertThat(cn.endpoint()).contains(URI.create("https://s3.cn-north-1.amazonaws.com.cn"));
        assertThat(cn.pathStyle()).isTrue();
        assertThat(cn.accessKey()).contains("AKIACHINA");
        assertThat(cn.secretAccessKey()).contains(new Secret(CN_SECRET));
        assertThat(cn.sameAccount(job.source())).isFalse();
        assertThat(job.delete()).isFalse();
        assertThat(job.maxDelete()).isEqualTo(1000);
        assertThat(job.maxDeletePercent()).isEqualTo(50);
        assertThat(job.sqs()).isPresent();
        assertThat(job.sqs().get().url()).isEqualTo(URI.create("https://sqs.us-west-2.amazonaws.com/123456789012/queue"));
        assertThat(job.sqs().get().region()).contains("us-west-2");
        assertThat(c.fullSyncInterval()).contains(Duration.ofHours(1));
        assertThat(c.skipFullSync()).isFalse();
        assertThat(c.setting(ConfigKey.FULLSYNC_INTERVAL).source()).isEqualTo(Setting.Source.FILE);
        assertThat(c.toString() + c.describe() + job + job.sqs().get() + cn)
                .doesNotContain(CN_SECRET).doesNotContain(GLOBAL_SECRET).contains("photos");
    }

    @Test
    void destinationKeysAndDefaults() throws IOException {
        FerryConfig c = load("""
                replicate:
                  - source: {bucket: src, prefix: /a/b}
                    destinations:
                      - {bucket: dst, storage_class: STANDARD_IA, sse: aws:kms, sse_kms_key_id: alias/k}
                    delete: true
                    max_delete: 10
                    max_delete_percent: 5
                """);

        ReplicateJob job = c.replicate().get(0);
        assertThat(job.name()).isEqualTo("src/a/b");
        assertThat(job.source().prefix()).isEqualTo("a/b/");
        assertThat(job.source().accessKey()).isEmpty();
        ReplicaDestination d = job.destinations().get(0);
        assertThat(d.location().prefix()).isEmpty();
        assertThat(d.storageClass()).contains("STANDARD_IA");
        assertThat(d.sse()).contains("aws:kms");
        assertThat(d.kmsKeyId()).contains("alias/k");
        assertThat(job.delete()).isTrue();
        assertThat(job.maxDelete()).isEqualTo(10);
        assertThat(job.maxDeletePercent()).isEqualTo(5);
        assertThat(job.sqs()).isEmpty();
        assertThat(c.fullSyncInterval()).isEmpty();
        assertThat(c.watchPath()).isEmpty();
    }

    @Test
    void aQueueTakesItsOwnEndpointButNeverTheGlobalOneWhichIsS3s() throws IOException {
        FerryConfig c = load("endpoint: http://127.0.0.1:9000\naws_region: eu-west-1\nreplicate:\n"
                + "  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n"
                + "    sqs: {url: \"https://sqs.us-west-2.amazonaws.com/1/q\"}\n"
                + "  - source: {bucket: src2}\n    destinations: [{bucket: dst2}]\n"
                + "    sqs: {url: \"http://mq:9324/1/q\", endpoint: \"http://mq:9324\"}\n");

        assertThat(c.replicate().get(0).source().endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(c.replicate().get(0).sqs().orElseThrow().endpoint()).isEmpty();
        assertThat(c.replicate().get(0).sqs().orElseThrow().region()).contains("eu-west-1");
        assertThat(c.replicate().get(1).sqs().orElseThrow().endpoint()).contains(URI.create("http://mq:9324"));
    }

    @Test
    void aQueueTakesItsWaitTimeAndVisibilityTimeoutInSecondsDefaulting20And60() throws IOException {
        FerryConfig c = load("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n"
                + "    sqs: {url: \"http://mq:9324/1/q\"}\n"
                + "  - source: {bucket: src2}\n    destinations: [{bucket: dst2}]\n"
                + "    sqs: {url: \"http://mq:9324/1/q2\", wait_time: 0, visibility_timeout: 43200}\n");

        assertThat(c.replicate().get(0).sqs().orElseThrow().waitTime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.replicate().get(0).sqs().orElseThrow().visibilityTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.replicate().get(1).sqs().orElseThrow().waitTime()).isZero();
        assertThat(c.replicate().get(1).sqs().orElseThrow().visibilityTimeout()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void twoJobsOnOneQueueAreRefusedHoweverTheUrlIsWritten() throws IOException {
        String first = "replicate:\n  - name: photos\n    source: {bucket: src}\n    destinations: [{bucket: dst}]\n"
                + "    sqs: {url: \"https://sqs.us-west-2.amazonaws.com/123456789012/queue\"}\n";
        for (String same : new String[] {"https://sqs.us-west-2.amazonaws.com/123456789012/queue",
                " https://sqs.us-west-2.amazonaws.com/123456789012/queue/ ",
                "HTTPS://SQS.us-west-2.amazonaws.com:443/123456789012/queue"}) {
            assertThat(problems(first + "  - name: videos\n    source: {bucket: src2}\n    destinations: [{bucket: dst2}]\n"
                    + "    sqs: {url: \"" + same + "\"}\n")).as(same).singleElement().asString()
                    .startsWith("replicate[2] (").contains(").sqs.url: the same queue as job 'photos' (replicate[1])")
                    .contains("received by one job and deleted").contains("one job with several destinations")
                    .contains("SNS");
        }
        // another queue, or the same name on another server, is another queue
        assertThat(load(first + "  - name: videos\n    source: {bucket: src2}\n    destinations: [{bucket: dst2}]\n"
                + "    sqs: {url: \"https://sqs.us-west-2.amazonaws.com/123456789012/queue2\"}\n"
                + "  - name: music\n    source: {bucket: src3}\n    destinations: [{bucket: dst3}]\n"
                + "    sqs: {url: \"https://sqs.eu-west-1.amazonaws.com/123456789012/queue\"}\n").replicate()).hasSize(3);
    }

    @Test
    void aWaitTimeOrVisibilityTimeoutOutsideSqsBoundsIsRefusedNamingTheKey() {
        String job = "replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n    sqs: {url: \"http://mq/1/q\", ";
        assertThat(problems(job + "wait_time: 21}\n")).singleElement().asString()
                .startsWith("replicate[1] (").contains(".sqs.wait_time: must be a whole number from 0 to 20")
                .contains("got '21'");
        assertThat(problems(job + "wait_time: -1}\n")).singleElement().asString().contains(".sqs.wait_time: ");
        assertThat(problems(job + "visibility_timeout: 0}\n")).singleElement().asString()
                .contains(".sqs.visibility_timeout: must be a whole number from 1 to 43200");
        assertThat(problems(job + "visibility_timeout: 43201}\n")).singleElement().asString()
                .contains(".sqs.visibility_timeout: ");
        assertThat(problems(job + "visibility_timeout: 1m}\n")).singleElement().asString()
                .contains(".sqs.visibility_timeout: must be a whole number");
        assertThat(problems("replicate:\n  - source: {bucket: src, wait_time: 5}\n    destinations: [{bucket: dst}]\n"))
                .singleElement().asString().contains(".source.wait_time: unknown key of source");
    }

    @Test
    void replicateStandsBesideSitesAndWatchPath() throws IOException {
        FerryConfig c = load("watch_path: drop\nsites:\n  - local_path: site\n    bucket: site-bucket\n"
                + "replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n");

        assertThat(c.watchPath()).contains(tmp.resolve("drop"));
        assertThat(c.sites()).hasSize(1);
        assertThat(c.replicate()).hasSize(1);
    }

    @Test
    void seed001CommandLineFormsWork() throws IOException {
        CommandSpec spec = CommandSpec.create().name("ferry");
        ConfigOptions options = ConfigOptions.addTo(spec);
        var parsed = new CommandLine(spec).parseArgs("--fullsync.interval=600", "--skip-fullsync");
        Path file = Files.writeString(tmp.resolve("c.yml"), "replicate:\n  - source: {bucket: src}\n"
                + "    destinations: [{bucket: dst}]\nfullsync: {interval: 3600}\n");
        FerryConfig c = FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                options.cliValues(parsed), Optional.of(file));

        assertThat(c.fullSyncInterval()).contains(Duration.ofMinutes(10)); // the command line wins over the file
        assertThat(c.skipFullSync()).isTrue();
        assertThat(load("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n",
                Map.of("--fullsync.interval", "15m")).fullSyncInterval()).contains(Duration.ofMinutes(15));
        assertThat(load("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\nfullsync: {interval: 0}\n")
                .fullSyncInterval()).isEmpty();
    }

    @Test
    void aBadIntervalIsRefusedNamingTheKey() {
        assertThat(problems("fullsync: {interval: soon}\nwatch_path: drop\n"))
                .singleElement().asString().startsWith("fullsync.interval (").contains("number of seconds");
        assertThat(problems("fullsync: {interval: -5}\nwatch_path: drop\n"))
                .singleElement().asString().contains("must not be negative");
        assertThat(problems("fullsync: {interval: 60, every: 5}\nwatch_path: drop\n"))
                .singleElement().asString().startsWith("fullsync.every (");
    }

    @Test
    void aJobWithNoDestinationOrNoBucketIsRefused() {
        assertThat(problems("replicate:\n  - name: a\n    source: {bucket: src}\n"))
                .singleElement().asString().startsWith("replicate[1] (").contains(".destinations: at least one destination");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: []\n"))
                .singleElement().asString().contains(".destinations: at least one destination");
        assertThat(problems("replicate:\n  - source: {prefix: a/}\n    destinations: [{bucket: dst}]\n"))
                .singleElement().asString().contains(".source: bucket is required");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: [{prefix: x/}]\n"))
                .singleElement().asString().contains(".destinations[1]: bucket is required");
        assertThat(problems("replicate:\n  - destinations: [{bucket: dst}]\n"))
                .singleElement().asString().contains(": source is required");
        assertThat(problems("replicate:\n  - source: {bucket: Bad_Bucket}\n    destinations: [{bucket: dst}]\n"))
                .singleElement().asString().contains(".source.bucket: must be a valid S3 bucket name");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst, prefix: a/../b/}]\n"))
                .singleElement().asString().contains(".destinations[1].prefix: must be a key prefix without '.' or"
                        + " '..' segments");
    }

    @Test
    void unknownKeysAndMisplacedKeysAreNamed() {
        assertThat(problems("replicate:\n  - source: {bucket: src, storage_class: STANDARD}\n    destinations: [{bucket: dst}]\n"))
                .singleElement().asString().contains(".source.storage_class: unknown key of source");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n    sqs: {region: x}\n"))
                .singleElement().asString().contains(".sqs: url is required");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destination: [{bucket: dst}]\n"))
                .anySatisfy(p -> assertThat(p).contains(".destination: unknown key of a job"));
        assertThat(problems("replicate: {source: x}\nwatch_path: drop\n"))
                .singleElement().asString().contains("must be a list of jobs");
    }

    @Test
    void aDestinationEqualToOrInsideItsSourceIsRefused() {
        assertThat(problems("replicate:\n  - source: {bucket: src, prefix: a/}\n    destinations: [{bucket: src, prefix: a}]\n"))
                .singleElement().asString().contains("destinations[1]").contains("is the job's source itself");
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: src, prefix: copy/}]\n"))
                .singleElement().asString().contains("overlaps the job's source");
        // the same bucket name on another endpoint is another bucket
        assertThat(problems("replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: src, endpoint: 'http://127.0.0.1:9000'}]\n"
                + "  - source: {bucket: xyz}\n    destinations: []\n")).singleElement().asString().contains("replicate[2]");
    }

    @Test
    void anEntryWithOnlyOneOfItsKeysIsRefusedEvenWhenTheGlobalKeysCouldPairIt() {
        String global = "access_key: keyA\nsecret_access_key: secretAAAAAAAAAAAAAAAA\n";
        assertThat(problems(global + "replicate:\n  - source: {bucket: src}\n"
                + "    destinations: [{bucket: dst, access_key: keyB}]\n")).singleElement().asString()
                .contains("destinations[1]: access_key without secret_access_key").doesNotContain("secretAAAA");
        assertThat(problems(global + "replicate:\n  - source: {bucket: src, secret_access_key: TOPSECRETVALUE123}\n"
                + "    destinations: [{bucket: dst}]\n")).singleElement().asString()
                .contains("source: secret_access_key without access_key").doesNotContain("TOPSECRET");
    }

    @Test
    void oneServerWrittenTwoWaysIsOneServerForTheseChecks() throws IOException {
        String global = "endpoint: http://127.0.0.1:9000\n";
        for (String other : new String[] {"http://127.0.0.1:9000/", "http://localhost:9000", "HTTP://LOCALHOST:9000/",
                "http://[::1]:9000", "http://[::ffff:127.0.0.1]:9000"}) {
            assertThat(problems(global + "replicate:\n  - source: {bucket: loop, prefix: data/}\n"
                    + "    destinations: [{bucket: loop, prefix: data/copy/, endpoint: '" + other + "'}]\n"))
                    .as(other).singleElement().asString().contains("overlaps the job's source");
        }
        assertThat(load(global + "replicate:\n  - source: {bucket: loop, prefix: data/}\n"
                + "    destinations: [{bucket: loop, prefix: data/copy/, endpoint: 'http://127.0.0.1:9001'}]\n")
                .replicate()).as("another port is another server").hasSize(1);
        assertThat(problems("replicate:\n  - source: {bucket: bbb, endpoint: 'https://s3.example.com'}\n"
                + "    destinations: [{bucket: bbb, prefix: x/, endpoint: 'https://s3.example.com:443/'}]\n"))
                .singleElement().asString().contains("overlaps the job's source");
        assertThat(problems("replicate:\n  - source: {bucket: bbb, endpoint: 'http://10.0.0.7:9000'}\n"
                + "    destinations: [{bucket: bbb, prefix: x/, endpoint: 'http://[::ffff:10.0.0.7]:9000'}]\n"))
                .as("an IPv4 address written as IPv6").singleElement().asString().contains("overlaps the job's source");
    }

    @Test
    void jobsThatCopyIntoEachOthersSourcesAreRefusedButAChainIsNot() throws IOException {
        assertThat(problems("""
                replicate:
                  - name: there
                    source: {bucket: src}
                    destinations: [{bucket: dst, prefix: d/}]
                  - name: back
                    source: {bucket: dst, prefix: d/}
                    destinations: [{bucket: src, prefix: back/}]
                """)).singleElement().asString().contains("jobs 'there' -> 'back' -> 'there' copy into each other's sources");
        assertThat(load("""
                replicate:
                  - name: first
                    source: {bucket: aaa}
                    destinations: [{bucket: bbb, prefix: from-a/}]
                  - name: second
                    source: {bucket: bbb, prefix: from-a/}
                    destinations: [{bucket: ccc}]
                """).replicate()).hasSize(2);
    }

    @Test
    void overlappingDestinationPrefixesAreRefusedAcrossJobsAndSites() throws IOException {
        assertThat(problems("""
                replicate:
                  - name: one
                    source: {bucket: src1}
                    destinations: [{bucket: dst, prefix: a/}]
                  - name: two
                    source: {bucket: src2}
                    destinations: [{bucket: dst, prefix: a/b/}]
                """)).singleElement().asString()
                .contains("replicate job 'one' destinations[1] and replicate job 'two' destinations[1] write to overlapping");
        // ab/ is not inside a/, and the same bucket name on another endpoint is another bucket
        assertThat(load("""
                replicate:
                  - name: one
                    source: {bucket: src1}
                    destinations: [{bucket: dst, prefix: a/}]
                  - name: two
                    source: {bucket: src2}
                    destinations: [{bucket: dst, prefix: ab/}, {bucket: dst, prefix: a/, endpoint: "http://127.0.0.1:9000"}]
                """).replicate()).hasSize(2);
    }

    @Test
    void siteAndJobOnOnePrefixAndDuplicateNamesAreRefused() {
        assertThat(problems("sites:\n  - local_path: site\n    bucket: dst\n"
                + "replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst, prefix: x/}]\n"))
                .singleElement().asString().contains("and site 'dst' write to overlapping");
        assertThat(problems("replicate:\n  - {name: a, source: {bucket: src1}, destinations: [{bucket: dst1}]}\n"
                + "  - {name: a, source: {bucket: src2}, destinations: [{bucket: dst2}]}\n"))
                .singleElement().asString().contains("same name 'a'");
    }

    @Test
    void s3syncsJavaScriptConfigIsRefusedWithOneProblemPointingAtTheReplicateKeys() throws IOException {
        for (String name : new String[] {"config.js", "CONFIG.JS"}) {
            Path file = tmp.resolve(name);
            Files.writeString(file, "module.exports = {\n  fullsync: {interval: 3600},\n  replicate: [{\n"
                    + "    source: {bucket: 'srcbucket', prefix: 'srcfolder/'},\n"
                    + "    destinations: [{bucket: 'destbucket', prefix: 'destfolder/'}]\n  }]\n};\n");
            Map<String, String> env = Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString());

            assertThatThrownBy(() -> FerryConfig.load(env, Map.of(), Optional.of(file))).as(name)
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                            .asString().startsWith(file + ": a JavaScript file").contains("s3sync")
                            .contains("replicate:").contains("Replication (replicate:, seed 001)"));
        }
    }

    @Test
    void secretsNeverAppearInProblems() {
        List<String> p = problems("replicate:\n  - source: {bucket: src, secret_access_key: " + CN_SECRET + "}\n"
                + "    destinations: [{bucket: dst, access_key: 'bad key', secret_access_key: '" + CN_SECRET + " x'}]\n");

        assertThat(String.join("\n", p)).doesNotContain(CN_SECRET).contains("source: secret_access_key without access_key")
                .contains("destinations[1].access_key: must be").contains("destinations[1].secret_access_key: must be");
    }
}
