package dev.ferry.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code ferry sync} groups failures that are the site's, not the file's, into one line per site. */
class SyncRefusalsTest {

    private static SyncProgress.Failure unreachable(String key, String detail) {
        return new SyncProgress.Failure("backup", "backup/" + key + ": upload failed: " + detail, false, true);
    }

    @Test
    void filesThatAllMetAnUnreachableServerAreOneLineForTheSiteWhateverTheirDetail() {
        Map<Path, SyncProgress.Failure> failures = Map.of(
                Path.of("/srv/a.txt"), unreachable("a.txt", "network error: Connection refused"),
                Path.of("/srv/b.txt"), unreachable("b.txt", "network error: Connection reset"),
                Path.of("/srv/c.txt"), unreachable("c.txt", "timed out: no answer within the timeout"));

        Map<String, SyncCommand.SiteRefusal> refusals = SyncCommand.refusals(failures);

        assertThat(refusals).containsOnlyKeys("backup");
        assertThat(refusals.get("backup").files()).isEqualTo(3);
        assertThat(refusals.get("backup").why()).startsWith("S3 unreachable (").doesNotContain("a.txt", "b.txt",
                "c.txt");
    }

    @Test
    void aSiteWithOtherFailuresToo_orASingleFile_keepsItsLinesPerFile() {
        Map<Path, SyncProgress.Failure> mixed = Map.of(
                Path.of("/srv/a.txt"), unreachable("a.txt", "network error: Connection refused"),
                Path.of("/srv/b.txt"), new SyncProgress.Failure("backup", "/srv/b.txt: cannot read file: permission "
                        + "denied", false, false));
        Map<Path, SyncProgress.Failure> one = Map.of(
                Path.of("/srv/a.txt"), unreachable("a.txt", "network error: Connection refused"));

        assertThat(SyncCommand.refusals(mixed)).isEmpty();
        assertThat(SyncCommand.refusals(one)).isEmpty();
    }

    @Test
    void refusedKeysStayOneLineAsBefore() {
        Map<Path, SyncProgress.Failure> failures = Map.of(Path.of("/srv/a.txt"), new SyncProgress.Failure("backup",
                "backup/a.txt: upload failed: credentials refused: the secret key was refused", true));

        assertThat(SyncCommand.refusals(failures).get("backup").why()).isEqualTo(
                "credentials refused: the secret key was refused");
    }
}
