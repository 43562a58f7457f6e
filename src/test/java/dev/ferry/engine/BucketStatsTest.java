package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
}
