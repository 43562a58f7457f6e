package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketStatsTest {
    @Test
    void refusedDeletionsAndAnUnusableBucketAreKeptApartAndShownTogether() {
        BucketStats stats = new BucketStats();

        assertThat(stats.deletionsStopped("deletions stopped: guard")).as("changed").isTrue();
        assertThat(stats.deletionsStopped("deletions stopped: guard")).as("already so: not logged again").isFalse();
        stats.problem("access denied");
        assertThat(stats.problem()).contains("access denied; deletions stopped: guard");

        stats.problem(null); // the bucket check passes again: the refused deletions stay
        assertThat(stats.problem()).contains("deletions stopped: guard");
        assertThat(stats.deletionsStopped(null)).isTrue();
        assertThat(stats.problem()).isEmpty();
    }

    @Test
    void theLastErrorIsTheNewestFailureOfAFileThatStillFailsAndNoneOnceEveryFailedFileArrived() {
        BucketStats stats = new BucketStats();
        Instant t = Instant.parse("2026-12-07T03:00:00Z");

        stats.failed("/w/photos/a.jpg", "permission denied", t);
        stats.failed("/w/photos/b.jpg", "network error", t.plusSeconds(10));
        stats.succeeded("/w/photos/c.jpg"); // never failed: changes nothing
        assertThat(stats.lastError()).hasValueSatisfying(e -> assertThat(e.path()).isEqualTo("/w/photos/b.jpg"));

        stats.succeeded("/w/photos/b.jpg");
        assertThat(stats.lastError()).as("b arrived: a still fails").hasValueSatisfying(e -> {
            assertThat(e.path()).isEqualTo("/w/photos/a.jpg");
            assertThat(e.reason()).isEqualTo("permission denied");
        });
        stats.succeeded("/w/photos/a.jpg");
        assertThat(stats.lastError()).isEmpty();
        assertThat(stats.failingNow()).isZero();
        assertThat(stats.failures.sum()).as("the count since start stays").isEqualTo(2);

        stats.failing("/w/photos/long.jpg", "key too long", t.plusSeconds(20));
        stats.failing("/w/photos/long.jpg", "key too long", t.plusSeconds(30));
        assertThat(stats.failures.sum()).as("a file rejected at every sweep counts once").isEqualTo(3);
        assertThat(stats.lastError()).hasValueSatisfying(e -> assertThat(e.at()).isEqualTo(t.plusSeconds(20)));
    }

    @Test
    void uploadsRefusedInPartOfABucketStayItsProblemWhileThoseFilesAreRefusedWhateverElseGoes() {
        BucketStats stats = new BucketStats();
        assertThat(stats.uploadRefused("/w/b/private/a", "refused a")).as("said when it appears").isTrue();
        assertThat(stats.uploadRefused("/w/b/private/b", "refused b")).isFalse();

        assertThat(stats.succeeded("/w/b/public/c")).as("a file under another prefix went").isFalse();
        assertThat(stats.uploadRefused("/w/b/private/a", "refused a")).as("its retry: not said again").isFalse();
        assertThat(stats.problem()).as("told by the newest refusal")
                .hasValue("refused a (2 files refused; cleared once each has gone)");

        assertThat(stats.succeeded("/w/b/private/a")).isFalse();
        assertThat(stats.problem()).as("told by a file still refused")
                .hasValue("refused b (1 file refused; cleared once each has gone)");
        assertThat(stats.succeeded("/w/b/private/b")).as("the last refused file went").isTrue();
        assertThat(stats.problem()).isEmpty();
    }
}
