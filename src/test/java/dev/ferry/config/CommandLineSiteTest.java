package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.filter.PathFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry sync DIR s3://bucket/prefix}: the one site it builds, through the sites: parser and checks. */
class CommandLineSiteTest {
    @TempDir
    Path tmp;
    Path dir;
    Map<String, String> env;

    @BeforeEach
    void folders() throws IOException {
        dir = Files.createDirectories(tmp.resolve("photos"));
        env = Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString());
    }

    private static CommandLineSite site(String dir, String dest) {
        return new CommandLineSite(dir, dest, List.of(), List.of(), false, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private FerryConfig load(CommandLineSite site) {
        return FerryConfig.load(env, Map.of(), site);
    }

    @Test
    void theUrlGivesBucketAndPrefixAndTheSiteHasTheDefaultsOfASitesEntry() {
        FerryConfig c = load(site(dir.toString(), "s3://backup/host1/photos"));

        assertThat(c.sites()).hasSize(1);
        SiteConfig s = c.sites().get(0);
        assertThat(s.localPath()).isEqualTo(dir);
        assertThat(s.bucket()).isEqualTo("backup");
        assertThat(s.prefix()).isEqualTo("host1/photos/");
        assertThat(s.name()).isEqualTo("backup/host1/photos");
        assertThat(s.reconcile()).isEqualTo(SiteConfig.ReconcileMode.STATE);
        assertThat(s.retireDeleted()).isFalse();
        assertThat(s.maxDelete()).isEqualTo(1000);
        assertThat(c.watchPath()).isEmpty();

        assertThat(load(site(dir.toString(), "s3://backup")).sites().get(0).prefix()).isEmpty();
        assertThat(load(site(dir.toString(), "s3://backup/")).sites().get(0).prefix()).isEmpty();
    }

    @Test
    void theStateIsAFolderOfItsOwnPerFolderAndDestination() throws IOException {
        Path a = load(site(dir.toString(), "s3://backup/one")).stateDir();
        Path sameAgain = load(site(dir.toString(), "s3://backup/one")).stateDir();
        Path otherPrefix = load(site(dir.toString(), "s3://backup/two")).stateDir();
        Path otherDir = load(site(Files.createDirectories(tmp.resolve("scans")).toString(), "s3://backup/one"))
                .stateDir();
        Path otherEndpoint = FerryConfig.load(env, Map.of("--endpoint", "http://127.0.0.1:9"),
                site(dir.toString(), "s3://backup/one")).stateDir();

        assertThat(a.getParent()).isEqualTo(tmp.resolve("state").resolve("sync"));
        assertThat(a.getFileName().toString()).matches("backup-[0-9a-f]{16}");
        assertThat(sameAgain).isEqualTo(a);
        assertThat(List.of(otherPrefix, otherDir, otherEndpoint)).doesNotContain(a).doesNotHaveDuplicates();
    }

    @Test
    void aBadUrlOrBucketIsNamedAsTheDestinationArgument() {
        for (String bad : new String[] {"s3:/x", "http://host/bucket", "backup/prefix", "s3://", "s3://Bad_Bucket/x",
                "s3://ab"}) {
            assertThatThrownBy(() -> load(site(dir.toString(), bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("s3://... (the destination")
                    .hasMessageNotContaining("is required");
        }
        assertThatThrownBy(() -> load(site(dir.toString(), "s3:/x"))).hasMessageContaining("two slashes");
        assertThatThrownBy(() -> load(site(dir.toString(), "s3://bucket/pre/../x")))
                .hasMessageContaining("s3://... (the destination").hasMessageContaining("without '.' or '..' segments");
        assertThatThrownBy(() -> load(site(dir.toString(), "https://user:hunter2secret@minio.local/b")))
                .hasMessageContaining("--endpoint").hasMessageNotContaining("hunter2secret");
        assertThatThrownBy(() -> load(site(dir.toString(), "s3://Bad_Bucket/x")))
                .hasMessageContaining("valid S3 bucket name").hasMessageContaining("'Bad_Bucket'");
    }

    @Test
    void credentialsTypedIntoTheUrlAreNeverShown() {
        assertThatThrownBy(() -> load(site(dir.toString(), "s3://AKID:S3UrlSECRET@bucket/prefix")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'s3://AKID:****@bucket/prefix'").hasMessageContaining("'AKID:****@bucket'")
                .hasMessageNotContaining("S3UrlSECRET");
        assertThatThrownBy(() -> load(site(dir.toString(), "s3://AKID:Pa/ss@SECRET@bucket/prefix")))
                .hasMessageNotContaining("ss@SECRET").hasMessageNotContaining("Pa/");
        assertThatThrownBy(() -> load(site(dir.toString(), "s3://AKID:ColonSECRET/bucket")))
                .hasMessageContaining("'s3://AKID:****/bucket'").hasMessageNotContaining("ColonSECRET");
    }

    @Test
    void aMissingFolderIsNamedAsDir() {
        assertThatThrownBy(() -> load(site(tmp.resolve("nope").toString(), "s3://backup")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DIR: folder " + tmp.resolve("nope") + " does not exist")
                .hasMessageNotContaining("is required");
    }

    @Test
    void optionsBecomeTheSiteKeysTheyStandFor() {
        FerryConfig c = load(new CommandLineSite(dir.toString(), "s3://backup/p", List.of("*.jpg"), List.of("cache/"),
                true, Optional.of("7"), Optional.of("100"), Optional.of(SiteConfig.ReconcileMode.SIZE_ONLY)));
        SiteConfig s = c.sites().get(0);

        assertThat(s.retireDeleted()).isTrue();
        assertThat(s.maxDelete()).isEqualTo(7);
        assertThat(s.maxDeletePercent()).isEqualTo(100);
        assertThat(s.reconcile()).isEqualTo(SiteConfig.ReconcileMode.SIZE_ONLY);
        PathFilter filter = new PathFilter(s.exclusions(), s.inclusions());
        assertThat(filter.refusal("a.jpg")).isNull();
        assertThat(filter.refusal("deep/er/b.jpg")).isNull();
        assertThat(filter.refusal("c.png")).isEqualTo("matches no inclusion");
        assertThat(filter.refusal("x/cache/d.jpg")).isEqualTo("matches an exclusion: glob:**/cache/**");

        assertThatThrownBy(() -> load(new CommandLineSite(dir.toString(), "s3://backup", List.of(), List.of(), true,
                Optional.of("many"), Optional.empty(), Optional.empty())))
                .hasMessageContaining("--max-delete: must be a whole number");
        assertThatThrownBy(() -> load(new CommandLineSite(dir.toString(), "s3://backup", List.of("[ab"), List.of(),
                false, Optional.empty(), Optional.empty(), Optional.empty())))
                .hasMessageContaining("--include: '[ab' is not a valid glob");
    }

    @Test
    void rcloneGlobsMatchTheEndOfThePathUnlessAnchored() throws BadValue {
        assertThat(matches("file.jpg", "file.jpg")).isTrue();
        assertThat(matches("file.jpg", "directory/file.jpg")).isTrue();
        assertThat(matches("file.jpg", "afile.jpg")).isFalse();
        assertThat(matches("file.jpg", "directory/afile.jpg")).isFalse();
        assertThat(matches("/file.jpg", "file.jpg")).isTrue();
        assertThat(matches("/file.jpg", "directory/file.jpg")).isFalse();
        assertThat(matches("*.jpg", "a/b/c.jpg")).isTrue();
        assertThat(matches("/*.jpg", "a/c.jpg")).isFalse();
        assertThat(matches("dir/**", "x/dir/a/b.txt")).isTrue();
        assertThat(matches("/dir/**", "x/dir/a/b.txt")).isFalse();
        assertThat(matches("logs/", "var/logs/today.txt")).isTrue();
        assertThat(matches("*.{jpg,png}", "a.png")).isTrue();
        assertThat(matches("[^a]*.txt", "a.txt")).isFalse();
        assertThat(matches("[^a]*.txt", "b.txt")).isTrue();
        assertThat(matches("?.txt", "ab.txt")).isFalse();
        assertThatThrownBy(() -> RcloneGlobs.patterns("/")).isInstanceOf(BadValue.class);
        assertThatThrownBy(() -> RcloneGlobs.patterns(" ")).isInstanceOf(BadValue.class);
    }

    private static boolean matches(String glob, String relative) throws BadValue {
        return new PathFilter(RcloneGlobs.patterns(glob), List.of()).refusal(relative) != null;
    }
}
