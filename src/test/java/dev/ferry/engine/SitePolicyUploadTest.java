package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.FileStatus;
import dev.ferry.core.UnmarkedUploads;
import dev.ferry.core.UploadOptions;
import dev.ferry.core.UploadOutcome;
import dev.ferry.filter.IgnoreRules;
import dev.ferry.filter.PathFilter;
import dev.ferry.filter.PrefixRouter;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.ManualClock;
import dev.ferry.testing.MemoryObjectStore;
import dev.ferry.testing.MemorySource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A site's upload policy in the worker, with the clock injected: delay_upload requeues a young file for the time
 * left (the settle machinery), force_upload sends again a file its record says is uploaded.
 */
class SitePolicyUploadTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock(NOW);
    private final InMemoryRecords records = new InMemoryRecords();
    private final MemorySource source = new MemorySource("memory-test", "/memory");
    private final MemoryObjectStore store = new MemoryObjectStore().createBucket("archive");
    private final Destination dest = new Destination("archive", "in/a.txt");

    private Site site(SitePolicy policy) {
        return new PrefixSite("memory", source, new PrefixRouter(Path.of("/memory"), "archive", "in/",
                new IgnoreRules(List.of()), PathFilter.none()), store, false, UploadOptions.NONE, 100, policy);
    }

    private UploadOutcome process(Site site, String item) throws InterruptedException {
        Uploader uploader = new Uploader(records, new EngineSettings(1, 10, SETTLE, false, Duration.ofSeconds(5),
                Optional.empty()), clock, UnmarkedUploads.NONE);
        BucketGate gate = new BucketGate("archive", store, false, new BucketStats(), new DeleteGuard(10, clock));
        return uploader.process(site, dest, source.ref(item), gate);
    }

    @Test
    void aFileYoungerThanTheDelayIsRequeuedForTheTimeLeftThenUploaded() throws Exception {
        Site site = site(new SitePolicy(Duration.ofMinutes(15), false));
        Instant written = NOW.minus(Duration.ofMinutes(10));
        String item = source.put("a.txt", "young", written);

        UploadOutcome first = process(site, item);

        assertThat(first).isInstanceOfSatisfying(UploadOutcome.Requeue.class, requeue -> {
            assertThat(requeue.due()).isEqualTo(written.plus(Duration.ofMinutes(15)));
            assertThat(requeue.why()).contains("delay_upload");
        });
        assertThat(store.writes("archive", "in/a.txt")).isZero();

        clock.advance(Duration.ofMinutes(5));
        assertThat(process(site, item)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.object("archive", "in/a.txt").orElseThrow().text()).isEqualTo("young");
    }

    @Test
    void aDelayShorterThanTheSettleTimeChangesNothingAndAnOldFileGoesAtOnce() throws Exception {
        String item = source.put("a.txt", "just written", NOW.minusMillis(500));
        UploadOutcome outcome = process(site(new SitePolicy(Duration.ofSeconds(1), false)), item);
        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Requeue.class, requeue -> {
            assertThat(requeue.due()).isEqualTo(NOW.minusMillis(500).plus(SETTLE));
            assertThat(requeue.why()).isEqualTo("still being written");
        });

        String old = source.put("b.txt", "old", NOW.minus(Duration.ofHours(1)));
        assertThat(process(site(new SitePolicy(Duration.ofMinutes(15), false)), old))
                .isInstanceOf(UploadOutcome.Uploaded.class);
    }

    @Test
    void forceUploadSendsAgainWhatTheRecordSaysIsUploaded() throws Exception {
        String item = source.put("a.txt", "same bytes", NOW.minus(Duration.ofHours(1)));
        assertThat(process(site(SitePolicy.NONE), item)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(records.get(item).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);

        assertThat(process(site(SitePolicy.NONE), item)).as("without force: unchanged")
                .isInstanceOf(UploadOutcome.Unchanged.class);
        assertThat(process(site(new SitePolicy(Duration.ZERO, true)), item)).isInstanceOf(UploadOutcome.Uploaded.class);
        assertThat(store.writes("archive", "in/a.txt")).isEqualTo(2);
        assertThat(records.get(item).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
    }

    @Test
    void aFileNamedAsRsyncNamesWhatItWritesWaitsForTheRenameLongerThanTheSettleTime() throws Exception {
        Instant written = NOW.minusSeconds(5); // quiet for longer than the settle time: rsync stalled
        String temporary = source.put(".a.txt.Xy3k9Q", "half of it", written);

        UploadOutcome outcome = process(site(SitePolicy.NONE), temporary);

        assertThat(outcome).isInstanceOfSatisfying(UploadOutcome.Requeue.class, requeue -> {
            assertThat(requeue.due()).isEqualTo(written.plus(SitePolicy.TEMPORARY_NAME_SETTLE));
            assertThat(requeue.why()).contains("named as rsync names a file it is writing");
        });
        assertThat(store.writes("archive", "in/a.txt")).isZero();

        // one that only looks like it is uploaded after that wait, never skipped
        clock.advance(SitePolicy.TEMPORARY_NAME_SETTLE);
        assertThat(process(site(SitePolicy.NONE), temporary)).isInstanceOf(UploadOutcome.Uploaded.class);
        for (String other : new String[] {"a.txt.Xy3k9Q", ".a.txt.Xy3k9", ".a.txt.Xy3k9Q7", ".Xy3k9Q", "dir/.a.Xy-k9Q"}) {
            assertThat(SitePolicy.temporaryName(other)).as(other).isFalse();
        }
        assertThat(SitePolicy.temporaryName("/w/photos/.IMG 0001.jpg.a1B2c3")).isTrue();
    }
}
