package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.KeyRewrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's policy options (rewrites, delay, force) on sites and on seed 003's policies, checked at load. */
class PolicyConfigTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Files.createDirectories(tmp.resolve("state"));
    }

    private FerryConfig load(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                Map.of(), Optional.of(file));
    }

    private FerryConfig site(String keys) throws IOException {
        return load("config.yml", "sites:\n- local_path: " + tmp.resolve("data") + "\n  bucket: b-1\n" + keys);
    }

    @Test
    void rewriteRulesOnASiteAreReadInOrder() throws IOException {
        SiteConfig s = site("""
                  rewrite:
                  - {match: '^raw/(.*)\\.txt$', replace: 'text/$1.txt'}
                  - match: ' '
                    replace: '_'
                  rewrite_required: true
                """).sites().get(0);
        assertThat(s.rewrite().required()).isTrue();
        assertThat(s.rewrite().rules()).extracting(r -> r.match().pattern()).containsExactly("^raw/(.*)\\.txt$", " ");
        assertThat(s.rewrite().apply("raw/a b.txt")).contains("text/a b.txt");
        assertThat(s.rewrite().apply("x y z")).contains("x_y_z");
        assertThat(s.rewrite().apply("other")).isEmpty();
    }

    @Test
    void withoutRewriteKeysEveryKeyStaysAsItIs() throws IOException {
        assertThat(site("").sites().get(0).rewrite()).isEqualTo(KeyRewrite.NONE);
    }

    @Test
    void aBadRegexIsAnErrorNamingTheRule() {
        assertThatThrownBy(() -> site("""
                  rewrite:
                  - {match: '^ok$', replace: 'fine'}
                  - {match: '(unclosed', replace: 'x'}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites[1]").hasMessageContaining("rewrite[2].match: not a valid regular expression");
    }

    @Test
    void aReplacementNamingAMissingGroupOrMissingKeysAreErrors() {
        assertThatThrownBy(() -> site("""
                  rewrite:
                  - {match: '^(a)/(b)$', replace: '$3'}
                  - {match: 'x', replace: 'y', colour: red}
                  - {replace: 'y'}
                  - {match: '(?<day>[0-9]+)', replace: '${month}'}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rewrite[1].replace: refers to group $3 but its match has 2 groups")
                .hasMessageContaining("rewrite[2].colour: unknown rewrite key")
                .hasMessageContaining("rewrite[3].match: is required")
                .hasMessageContaining("rewrite[4].replace: names a group ${month}");
    }

    @Test
    void rewriteIsNotAPlainValueAndRequiredNeedsRules() {
        assertThatThrownBy(() -> site("  rewrite: '^a$'\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites[1]").hasMessageContaining("rewrite: must be a list of rules");
        assertThatThrownBy(() -> site("  rewrite_required: true\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rewrite_required needs rewrite rules");
    }

    @Test
    void rewritesNeedTheStateModeWithoutDeletionsOrMarkers() {
        assertThatThrownBy(() -> site("""
                  reconcile: size-mtime
                  rewrite: [{match: 'a', replace: 'b'}]
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rewrite works with reconcile: state only");
        assertThatThrownBy(() -> site("""
                  retire_deleted: true
                  rewrite: [{match: 'a', replace: 'b'}]
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rewrite works with reconcile: state only");
    }

    @Test
    void seed003PoliciesTakeTheSameRewriteKeysAndErrorsNameThePolicy() throws IOException {
        FerryConfig c = load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**",
                  "rewrite": [{"match": "^(.*)\\\\.CSV$", "replace": "$1.csv"}], "rewrite_required": true}]}
                """);
        SiteConfig s = c.sites().get(0);
        assertThat(s.rewrite().required()).isTrue();
        assertThat(s.rewrite().apply("data/x.CSV")).contains("data/x.csv");

        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**",
                  "rewrite": [{"match": "[z-a]", "replace": "x"}]}]}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policies[1]").hasMessageContaining("rewrite[1].match: not a valid regular expression");
    }

    @Test
    void delayUploadIsSecondsWhenBareAsSeed003HadItOrADuration() throws IOException {
        assertThat(site("").sites().get(0).delayUpload()).isEqualTo(Duration.ZERO);
        assertThat(site("  delay_upload: 900\n").sites().get(0).delayUpload()).isEqualTo(Duration.ofMinutes(15));
        assertThat(site("  delay_upload: 2h\n").sites().get(0).delayUpload()).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> site("  delay_upload: soon\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites[1]").hasMessageContaining("delay_upload: must be a number of seconds");
        assertThatThrownBy(() -> site("  delay_upload: -5\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("delay_upload: must not be negative");
    }

    @Test
    void forceUploadIsABooleanForTheStateModeOnly() throws IOException {
        assertThat(site("").sites().get(0).forceUpload()).isFalse();
        assertThat(site("  force_upload: true\n").sites().get(0).forceUpload()).isTrue();
        assertThatThrownBy(() -> site("  force_upload: maybe\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("force_upload");
        assertThatThrownBy(() -> site("  force_upload: true\n  reconcile: checksum\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("force_upload works with reconcile: state");
    }

    @Test
    void seed003PoliciesTakeDelayAndForceAndRefuseDeleteAndMoveTogether() throws IOException {
        SiteConfig s = load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "delay_upload": 900,
                  "force_upload": true}]}
                """).sites().get(0);
        assertThat(s.delayUpload()).isEqualTo(Duration.ofSeconds(900));
        assertThat(s.forceUpload()).isTrue();
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "delete_after_upload": true,
                  "move_after_upload": "done/"}]}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policies[1]")
                .hasMessageContaining("delete_after_upload and move_after_upload are two fates for one file");
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "delay_upload": "later"}]}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policies[1]").hasMessageContaining("delay_upload: must be a number of seconds");
    }
}
