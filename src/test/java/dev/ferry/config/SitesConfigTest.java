package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SitesConfigTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws IOException {
        for (String f : new String[] {"path1", "path2", "path3", "state"}) {
            Files.createDirectories(tmp.resolve(f));
        }
    }

    private FerryConfig load(String yaml) throws IOException {
        Path file = tmp.resolve("config.yml");
        Files.writeString(file, yaml);
        return FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()), Map.of(),
                Optional.of(file));
    }

    @Test
    void seed002ConfigIsReadWithItsKeysAndMeanings() throws IOException {
        FerryConfig c = load("""
                upload_workers: 10
                upload_queue_buffer: 0
                loglevel: debug
                aws_region: eu-west-1
                access_key: AKIAGLOBAL
                secret_access_key: globalsecret
                sites:
                - local_path: path1
                  bucket: backup-bucket-path1
                  bucket_region: us-east-1
                  storage_class: STANDARD_IA
                  access_key: AKIASITE
                  secret_access_key: sitesecret
                  exclusions:
                    - .[Dd][Ss]_[Ss]tore
                    - .[Aa]pple[Dd]ouble
                - local_path: path2
                  bucket: backup-bucket-path2
                  bucket_path: path2
                  exclusions:
                    - "[Tt]humbs.db"
                - local_path: path3
                  bucket: backup-bucket-path3
                  bucket_path: /path3/
                  retire_deleted: true
                """);
        assertThat(c.concurrency()).isEqualTo(10);
        assertThat(c.watchPath()).isEmpty();
        assertThat(c.sites()).hasSize(3);
        SiteConfig s1 = c.sites().get(0);
        assertThat(s1.localPath()).isEqualTo(tmp.resolve("path1"));
        assertThat(s1.region()).contains("us-east-1");
        assertThat(s1.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(s1.accessKey()).contains("AKIASITE");
        assertThat(s1.exclusions()).hasSize(2);
        SiteConfig s2 = c.sites().get(1);
        assertThat(s2.prefix()).isEqualTo("path2/");
        assertThat(s2.name()).isEqualTo("backup-bucket-path2/path2");
        assertThat(s2.region()).as("falls back to the global region").contains("eu-west-1");
        assertThat(s2.accessKey()).as("falls back to the global key").contains("AKIAGLOBAL");
        assertThat(c.sites().get(2).prefix()).isEqualTo("path3/");
        assertThat(c.sites().get(2).retireDeleted()).isTrue();
        assertThat(c.toString() + c.describe()).doesNotContain("sitesecret").doesNotContain("globalsecret");
    }

    @Test
    void aPrefixIsOneSlashBetweenSegmentsWhateverWasTyped() {
        assertThat(SitesParser.normalizePrefix("x//y")).isEqualTo("x/y/");
        assertThat(SitesParser.normalizePrefix("//x///y//")).isEqualTo("x/y/");
        assertThat(SitesParser.normalizePrefix("/")).isEmpty();
        assertThat(SitesParser.normalizePrefix("host1/photos")).isEqualTo("host1/photos/");
    }

    @Test
    void overlappingDestinationsAreRefusedNamingBothSites() {
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: path1
                  bucket: shared
                - local_path: path2
                  bucket: shared
                  bucket_path: sub
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'shared' and 'shared/sub' write to overlapping prefixes of bucket shared");
    }

    @Test
    void aPrefixWithADotSegmentIsRefusedNamingTheKeyButDotsInsideANameAreFine() throws IOException {
        // some S3 servers resolve "photos/../other/" to "other/": keys would land outside the prefix
        for (String bad : new String[] {"photos/../other", "./photos", "/..", "a/./b/"}) {
            assertThatThrownBy(() -> load("""
                    sites:
                    - local_path: path1
                      bucket: shared
                      bucket_path: "%s"
                    """.formatted(bad))).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(".bucket_path: must be a key prefix without '.' or '..' segments")
                    .hasMessageContaining("got '" + bad + "'");
        }
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: path1
                  bucket: shared
                  output_key_prefix: "in/../out-"
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(".output_key_prefix: must be a key prefix not starting with '/' without '.' or"
                        + " '..' segments");
        assertThat(load("""
                sites:
                - local_path: path1
                  bucket: shared
                  bucket_path: v1..2/.hidden/..more/
                """).sites().get(0).prefix()).isEqualTo("v1..2/.hidden/..more/");
    }

    @Test
    void distinctPrefixesOfOneBucketAreFine() throws IOException {
        assertThat(load("""
                sites:
                - local_path: path1
                  bucket: shared
                  bucket_path: one
                - local_path: path2
                  bucket: shared
                  bucket_path: one-two
                """).sites()).hasSize(2);
    }

    @Test
    void aProblemOfTheSecondSiteNamesTheLineThatSiteStartsOn() {
        assertThatThrownBy(() -> load("""
                # sites of this host
                concurrency: 4
                sites:
                - local_path: path1
                  bucket: one

                - local_path: path2
                  bucket: two
                  max_delete: -1
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites[2] (" + tmp.resolve("config.yml") + " line 7).max_delete");
    }

    @Test
    void siteErrorsNameTheSiteAndKeyAndNeverTheSecret() {
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: nowhere
                  bucket: Bad_Bucket
                  storage_class: SUPER_CHEAP
                  reconcile: sometimes
                  secret_access_key: "has space secret"
                  colour: blue
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites[1]")
                .hasMessageContaining("local_path")
                .hasMessageContaining("bucket: must be a valid S3 bucket name")
                .hasMessageContaining("storage_class")
                .hasMessageContaining("reconcile")
                .hasMessageContaining("colour: unknown site key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("has space secret"));
    }

    @Test
    void nothingToSyncIsAnError() {
        assertThatThrownBy(() -> load("port: 5000\n")).hasMessageContaining("WATCH_PATH is required");
    }
}
