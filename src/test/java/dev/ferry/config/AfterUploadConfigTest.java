package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * delete_after_upload and move_after_upload on sites and on seed 003's policies: read with the same meaning, and
 * every combination that could cost a file or an object refused at load, naming the site or policy and the key.
 */
class AfterUploadConfigTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws IOException {
        for (String f : new String[] {"data/sub", "tree/photos", "state", "done"}) {
            Files.createDirectories(tmp.resolve(f));
        }
    }

    private FerryConfig load(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString()),
                Map.of(), Optional.of(file));
    }

    private FerryConfig site(String keys) throws IOException {
        return load("config.yml", "sites:\n- local_path: data\n  bucket: b-1\n" + keys);
    }

    @Test
    void aSiteReadsDeleteAfterUploadAndNothingByDefault() throws IOException {
        SiteConfig deleting = site("  delete_after_upload: true\n").sites().get(0);
        assertThat(deleting.deleteAfterUpload()).isTrue();
        assertThat(deleting.moveAfterUpload()).isEmpty();
        assertThat(deleting.releasesFiles()).isTrue();
        SiteConfig plain = site("").sites().get(0);
        assertThat(plain.deleteAfterUpload()).isFalse();
        assertThat(plain.releasesFiles()).isFalse();
    }

    @Test
    void aRelativeMoveFolderResolvesAgainstTheConfigFilesFolderOnSitesAndPolicies() throws IOException {
        assertThat(site("  move_after_upload: done/uploaded\n").sites().get(0).moveAfterUpload())
                .contains(tmp.resolve("done/uploaded"));
        SiteConfig policy = load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**/*.jpg",
                  "move_after_upload": "done"}]}
                """).sites().get(0);
        assertThat(policy.moveAfterUpload()).contains(tmp.resolve("done"));
        assertThat(policy.deleteAfterUpload()).isFalse();
        assertThat(load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [{"input_file_pattern": "data/**", "delete_after_upload": true}]}
                """).sites().get(0).deleteAfterUpload()).isTrue();
    }

    @Test
    void bothTogetherAreRefused() {
        assertThatThrownBy(() -> site("  delete_after_upload: true\n  move_after_upload: done\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sites[1]")
                .hasMessageContaining("delete_after_upload and move_after_upload are two fates for one file");
    }

    @Test
    void eitherWithRetireDeletedIsRefusedSayingTheObjectWouldGo() {
        assertThatThrownBy(() -> site("  delete_after_upload: true\n  retire_deleted: true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sites[1]")
                .hasMessageContaining("delete_after_upload cannot go with retire_deleted")
                .hasMessageContaining("have its object deleted from S3");
        assertThatThrownBy(() -> site("  move_after_upload: done\n  retire_deleted: true\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("move_after_upload cannot go with retire_deleted");
    }

    @Test
    void aMoveFolderInsideOrEqualToTheSitesFolderIsRefused() {
        assertThatThrownBy(() -> site("  move_after_upload: data/sub/done\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sites[1]")
                .hasMessageContaining("move_after_upload " + tmp.resolve("data/sub/done") + " is inside the site's "
                        + "folder " + tmp.resolve("data"))
                .hasMessageContaining("would be uploaded (and moved) again");
        assertThatThrownBy(() -> site("  move_after_upload: data\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("move_after_upload " + tmp.resolve("data") + " is the site's folder");
    }

    @Test
    void aMoveFolderThatCannotBeCreatedIsRefused() throws IOException {
        Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> site("  move_after_upload: a-file/done\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sites[1]").hasMessageContaining("move_after_upload "
                        + tmp.resolve("a-file/done") + ": cannot be created: " + tmp.resolve("a-file") + " is not a folder");
        assertThatThrownBy(() -> site("  move_after_upload: a-file\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("move_after_upload")
                .hasMessageContaining("is not a folder");
    }

    @Test
    void aMoveFolderThatCannotBeWrittenIsRefused() throws IOException {
        assumeThat(System.getProperty("user.name")).as("root writes any folder").isNotEqualTo("root");
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> site("  move_after_upload: locked\n"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("not writable");
            assertThatThrownBy(() -> site("  move_after_upload: locked/new\n"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be created");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFolderThatAnotherSiteAlsoReadsMayNotDeleteOrMove() {
        assertThatThrownBy(() -> load("config.yml", """
                sites:
                - local_path: data
                  bucket: primary
                  delete_after_upload: true
                - local_path: data/sub
                  bucket: archive
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'primary' deletes or moves its files after upload (delete_after_upload)")
                .hasMessageContaining("overlaps the folder of site 'archive'");
        assertThatThrownBy(() -> load("config.yml", """
                watch_path: tree
                sites:
                - local_path: tree/photos
                  bucket: photo-archive
                  move_after_upload: done
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'photo-archive' deletes or moves its files after upload (move_after_upload)")
                .hasMessageContaining("overlaps watch_path " + tmp.resolve("tree"));
    }

    @Test
    void twoSitesWithFoldersOfTheirOwnMayBothDelete() throws IOException {
        Files.createDirectories(tmp.resolve("other"));
        assertThat(load("config.yml", """
                sites:
                - local_path: data
                  bucket: primary
                  delete_after_upload: true
                - local_path: other
                  bucket: archive
                  move_after_upload: done
                """).sites()).extracting(SiteConfig::releasesFiles).containsExactly(true, true);
    }

    @Test
    void aMoveFolderInsideOrHoldingAnotherSitesFolderIsRefusedNamingBoth() throws IOException {
        Files.createDirectories(tmp.resolve("other/inbox"));
        assertThatThrownBy(() -> load("config.yml", """
                sites:
                - local_path: data
                  bucket: primary
                  move_after_upload: other/inbox/done
                - local_path: other/inbox
                  bucket: archive
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'primary': move_after_upload " + tmp.resolve("other/inbox/done")
                        + " is inside the folder of site 'archive' (" + tmp.resolve("other/inbox") + ")")
                .hasMessageContaining("would be uploaded again by that site (a duplicate)");
        assertThatThrownBy(() -> load("config.yml", """
                sites:
                - local_path: data
                  bucket: primary
                  move_after_upload: other
                - local_path: other/inbox
                  bucket: archive
                  delete_after_upload: true
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'primary': move_after_upload " + tmp.resolve("other") + " holds the "
                        + "folder of site 'archive'")
                .hasMessageContaining("a loop: that site deletes or moves its files too");
    }

    @Test
    void aMoveFolderReachingAnotherSitesFolderThroughALinkIsRefused() throws IOException {
        Files.createDirectories(tmp.resolve("other"));
        Files.createSymbolicLink(tmp.resolve("link-to-other"), tmp.resolve("other"));
        assertThatThrownBy(() -> load("config.yml", """
                sites:
                - local_path: data
                  bucket: primary
                  move_after_upload: link-to-other/done
                - local_path: other
                  bucket: archive
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'primary': move_after_upload " + tmp.resolve("link-to-other/done")
                        + " leads (through a link) to the folder of site 'archive'");
    }

    @Test
    void aPolicysMoveFolderInsideAnotherPolicysFolderOrWatchPathIsRefused() throws IOException {
        Files.createDirectories(tmp.resolve("scans"));
        assertThatThrownBy(() -> load("s3-ingestor.json", """
                {"s3_bucket": "b-1", "policies": [
                  {"input_file_pattern": "data/**", "output_key_prefix": "d/", "move_after_upload": "scans/done"},
                  {"input_file_pattern": "scans/**", "output_key_prefix": "s/"}]}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("move_after_upload "
                        + tmp.resolve("scans/done") + " is inside the folder of site");
        assertThatThrownBy(() -> load("config.yml", """
                watch_path: tree
                sites:
                - local_path: data
                  bucket: primary
                  move_after_upload: tree/uploaded
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("site 'primary': move_after_upload " + tmp.resolve("tree/uploaded")
                        + " is inside watch_path " + tmp.resolve("tree"))
                .hasMessageContaining("uploaded again by the watch_path tree");
    }
}
