package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus.WatcherHealth;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchHealthTest {
    private final WatchHealth photos = new WatchHealth(Path.of("/srv/photos"), false);
    private final WatchHealth scans = new WatchHealth(Path.of("/srv/scans"), false);

    private WatcherHealth combined() {
        return WatchHealth.combine(List.of(photos, scans), Optional.empty());
    }

    @Test
    void theWorstSiteGivesTheStateAndItsErrorWins() {
        photos.rescan("watch events overflowed");
        scans.rootMissing("/srv/scans: the watched folder is missing (it does not exist)");

        WatcherHealth h = combined();
        assertThat(h.state()).isEqualTo("root-missing");
        assertThat(h.mode()).isEqualTo("polling");
        assertThat(h.healthy()).isFalse();
        assertThat(h.lastError()).contains("/srv/scans: the watched folder is missing (it does not exist)");
        assertThat(h.rescans()).isEqualTo(1);
        assertThat(h.root()).isEqualTo("/srv/photos, /srv/scans");
    }

    /** A watcher error that lost events is over once a full sweep that started after it has found them. */
    @Test
    void aRescansErrorStandsUntilAFullSweepThatStartedAfterItEnds() {
        photos.rescan("watcher error (IllegalStateException: keyRoots)");
        photos.sweptAfter(java.time.Duration.ofDays(1)); // a sweep that was already running when it came
        assertThat(photos.lastError()).contains("watcher error (IllegalStateException: keyRoots)");

        photos.sweptAfter(java.time.Duration.ZERO);
        assertThat(photos.lastError()).isEmpty();
        assertThat(photos.rescans()).isEqualTo(1);

        photos.rescan("watch events overflowed");
        photos.partial("/srv/photos/locked: cannot watch this folder");
        photos.sweptAfter(java.time.Duration.ZERO);
        assertThat(photos.lastError()).as("an error since then still stands")
                .contains("/srv/photos/locked: cannot watch this folder");
    }

    @Test
    void sitesSharingAFolderNameItOnce() {
        WatchHealth archive = new WatchHealth(Path.of("/srv/photos"), false);
        assertThat(WatchHealth.combine(List.of(photos, archive, scans), Optional.empty()).root())
                .isEqualTo("/srv/photos, /srv/scans");
    }

    @Test
    void aPartlyWatchedTreeIsPolledUntilItIsWatchedWholeAgain() {
        photos.partial("/srv/photos/locked: cannot watch this folder: AccessDeniedException");
        assertThat(photos.polling()).isTrue();
        assertThat(combined().state()).isEqualTo("partial");
        assertThat(combined().healthy()).isFalse();

        photos.failed("IOException: User limit of inotify watches reached");
        photos.partial("/srv/photos/other: cannot watch this folder");
        assertThat(photos.state()).isEqualTo(WatchHealth.State.FAILED);

        photos.watching();
        assertThat(photos.polling()).isFalse();
        WatcherHealth h = combined();
        assertThat(h.state()).isEqualTo("watching");
        assertThat(h.mode()).isEqualTo("native");
        assertThat(h.healthy()).isTrue();
        assertThat(h.lastError()).as("the folders are watched again: their error is over").isEmpty();
    }

    @Test
    void theErrorOfAMissingRootIsOverOnceItIsWatchedAgain() {
        scans.rootMissing("/srv/scans: the watched folder is missing (it does not exist)");
        assertThat(combined().lastError()).contains("/srv/scans: the watched folder is missing (it does not exist)");

        scans.watching();
        WatcherHealth h = combined();
        assertThat(h.healthy()).isTrue();
        assertThat(h.lastError()).isEmpty();
    }

    @Test
    void configuredPollingIsHealthyAndStaysPollingWhenTheRootComesBack() {
        WatchHealth polled = new WatchHealth(Path.of("/mnt/nfs"), true);
        assertThat(polled.polling()).isTrue();
        polled.rootMissing("/mnt/nfs: the watched folder is missing");
        assertThat(polled.polling()).isFalse();
        polled.watching();
        WatcherHealth h = WatchHealth.combine(List.of(polled), Optional.empty());
        assertThat(h.state()).isEqualTo("polling");
        assertThat(h.mode()).isEqualTo("polling");
        assertThat(h.healthy()).isTrue();
    }

    @Test
    void aDaemonWithoutSitesWatchesNothingAndSaysSo() {
        WatcherHealth h = WatchHealth.combine(List.of(), Optional.empty());
        assertThat(h.root()).isEmpty();
        assertThat(h.mode()).isEqualTo("none");
        assertThat(h.state()).isEqualTo("none");
        assertThat(h.healthy()).isTrue();
    }
}
