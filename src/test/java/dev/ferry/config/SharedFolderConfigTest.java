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

/** One folder (or nested folders) feeding several sites: accepted with a bucket each, refused where records would collide. */
class SharedFolderConfigTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws IOException {
        for (String f : new String[] {"data/sub", "tree/photos/2026", "state"}) {
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
    void oneFolderMayFeedTwoSitesWithABucketEach() throws IOException {
        FerryConfig c = load("""
                sites:
                - local_path: data
                  bucket: primary
                - local_path: data
                  bucket: archive
                  retire_deleted: true
                """);
        assertThat(c.sites()).extracting(SiteConfig::bucket).containsExactly("primary", "archive");
        assertThat(c.sites()).extracting(SiteConfig::localPath).containsOnly(tmp.resolve("data"));
    }

    @Test
    void nestedFoldersMayFeedTwoSitesWithABucketEach() throws IOException {
        assertThat(load("""
                sites:
                - local_path: data
                  bucket: everything
                - local_path: data/sub
                  bucket: just-sub
                """).sites()).hasSize(2);
    }

    @Test
    void oneFolderToOneBucketTwiceIsRefusedEvenUnderDistinctPrefixes() {
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: data
                  bucket: shared
                  bucket_path: one
                - local_path: data/sub
                  bucket: shared
                  bucket_path: two
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites 'shared/one' and 'shared/two' send files of overlapping folders ("
                        + tmp.resolve("data") + " and " + tmp.resolve("data/sub") + ") to the same bucket shared")
                .hasMessageContaining("would share one record");
    }

    @Test
    void overlappingPrefixesAreReportedOnceAsBefore() {
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: data
                  bucket: shared
                - local_path: data
                  bucket: shared
                  bucket_path: sub
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("write to overlapping prefixes of bucket shared")
                .hasMessageNotContaining("send files of overlapping folders");
    }

    @Test
    void aSiteInsideAFolderOfTheWatchPathTreeIsAcceptedWithAnotherBucket() throws IOException {
        FerryConfig c = load("""
                watch_path: tree
                sites:
                - local_path: tree/photos/2026
                  bucket: photo-archive
                """);
        assertThat(c.watchPath()).contains(tmp.resolve("tree"));
        assertThat(c.sites()).singleElement().extracting(SiteConfig::bucket).isEqualTo("photo-archive");
    }

    @Test
    void aSiteInsideAFolderOfTheWatchPathTreeIsRefusedWithThatFoldersBucket() {
        assertThatThrownBy(() -> load("""
                watch_path: tree
                sites:
                - local_path: tree/photos
                  bucket: photos
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'photos' (local_path " + tmp.resolve("tree/photos") + ") is inside "
                        + "watch_path " + tmp.resolve("tree") + "'s folder photos, whose files the watch_path tree "
                        + "sends to bucket photos too");
    }

    @Test
    void aSiteHoldingTheWholeWatchPathIsRefusedSayingWhy() {
        assertThatThrownBy(() -> load("""
                watch_path: tree
                sites:
                - local_path: .
                  bucket: all-of-it
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds the whole watch_path " + tmp.resolve("tree"))
                .hasMessageContaining("first-level folders become buckets as they appear: one named all-of-it");
    }

    @Test
    void theStateFolderInsideAFolderOfTwoSitesStaysRefused() {
        assertThatThrownBy(() -> load("""
                sites:
                - local_path: .
                  bucket: primary
                - local_path: .
                  bucket: archive
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("state_dir " + tmp.resolve("state") + " is inside the site folder " + tmp);
    }
}
