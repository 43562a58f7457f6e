package dev.ferry.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkerTrackerTest {
    private final List<String> due = new ArrayList<>();
    private final List<String> complete = new ArrayList<>();
    private final MarkerTracker tracker = new MarkerTracker((folder, isDue) -> {
        complete.add(folder);
        if (isDue) {
            due.add(folder);
        }
    });

    @Test
    void aFolderGetsAMarkerOnlyWhenItAndAllItsSubfoldersAreComplete() {
        tracker.enter("a/");
        tracker.file(10, true);
        tracker.enter("a/x/");
        tracker.file(20, true);
        tracker.enter("b/");
        tracker.file(30, false);
        tracker.enter("b/y/");
        tracker.file(40, true);
        tracker.close();
        assertThat(due).containsExactly("a/x/", "a/", "b/y/");
        assertThat(complete).doesNotContain("b/", "");
    }

    @Test
    void anExistingMarkerIsRewrittenOnlyWhenAFileIsNewer() {
        tracker.enter("fresh/");
        tracker.file(1_000, true);
        tracker.markerSeen(Instant.ofEpochMilli(2_000));
        tracker.enter("stale/");
        tracker.file(5_000, true);
        tracker.markerSeen(Instant.ofEpochMilli(2_000));
        tracker.close();
        assertThat(due).containsExactly("stale/", "");
        assertThat(complete).contains("fresh/");
    }

    @Test
    void aFolderThatExistsOnlyInS3GetsNoMarkerButTheRootAndAFolderOfLocalFoldersDo() {
        tracker.enter("gone/"); // objects of a folder renamed away: no local entry under it
        tracker.markerSeen(Instant.ofEpochMilli(1_000));
        tracker.enter("gone/deeper/");
        tracker.enter("kept/sub/");
        tracker.file(2_000, true);
        tracker.enter("only-excluded/");
        tracker.local(); // an entry that is not a file to upload still says the folder is there
        tracker.close();
        assertThat(due).containsExactly("kept/sub/", "kept/", "only-excluded/", "");
        assertThat(complete).doesNotContain("gone/", "gone/deeper/");
    }

    @Test
    void anEmptyRootIsDue() {
        tracker.close();
        assertThat(due).containsExactly("");
    }

    @Test
    void folderOfTakesEverythingUpToTheLastSlash() {
        assertThat(MarkerTracker.folderOf("a/b/c.txt")).isEqualTo("a/b/");
        assertThat(MarkerTracker.folderOf("c.txt")).isEmpty();
    }
}
