package dev.ferry.metrics;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.DaemonStatus.StoreHealth;
import dev.ferry.core.DaemonStatus.WatcherHealth;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOutcome;
import dev.ferry.source.local.LocalSource;
import dev.ferry.testing.PrometheusScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outcomes and status snapshots in, Prometheus text out, through a real Micrometer registry. */
class FerryMetricsTest {
    private static final Instant SWEPT = Instant.parse("2026-05-06T07:08:09Z");
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    private final AtomicReference<DaemonStatus> status = new AtomicReference<>(status(Map.of(
            "photos", bucket(3, 1, 2, Optional.empty()),
            "Bad Name", bucket(0, 0, 1, Optional.of("not a valid S3 bucket name")))));
    private final FerryMetrics metrics = new FerryMetrics(status::get);

    @AfterEach
    void close() {
        metrics.close();
    }

    private static DaemonStatus status(Map<String, BucketStatus> buckets) {
        return new DaemonStatus("1.2.3", SWEPT.minusSeconds(60), 60, false, false,
                new StoreHealth("sqlite", "/var/lib/ferry/ferry.db", false, 7, Optional.of("disk I/O error")),
                new WatcherHealth("/srv", "polling", false, 4, Optional.of(SWEPT), Optional.of("watch limit")),
                new TreeMap<>(buckets));
    }

    private static BucketStatus bucket(int queued, int inFlight, long failing, Optional<String> problem) {
        return new BucketStatus(queued, inFlight, 0, 0, failing, problem, Optional.empty());
    }

    private void outcome(String bucket, String key, UploadOutcome outcome, double secondsSinceQueued) {
        metrics.onOutcome(bucket, key, LocalSource.ref(TestIds.SOURCE, Path.of("/srv", bucket, key)), outcome,
                Duration.ofMillis(Math.round(secondsSinceQueued * 1000)));
    }

    private static UploadOutcome uploaded(long bytes, long millis) {
        return new UploadOutcome.Uploaded(new PutResult("etag", "md5", bytes, false), Duration.ofMillis(millis));
    }

    private PrometheusScrape scrape() {
        return PrometheusScrape.parse(metrics.scrape());
    }

    @Test
    void uploadOutcomesBecomeCountersAndLatencyHistogramsPerBucket() {
        outcome("photos", "a.jpg", uploaded(1000, 50), 2.5);
        outcome("photos", "b.jpg", uploaded(500, 20), 0.3);
        outcome("photos", "c.jpg", new UploadOutcome.Retry("HTTP 503"), 1);
        outcome("photos", "c.jpg", new UploadOutcome.Retry("HTTP 503"), 3);
        outcome("photos", "c.jpg", uploaded(24, 4000), 40);
        outcome("photos", "d.jpg", new UploadOutcome.Unchanged("already uploaded"), 1);
        outcome("photos", "e.jpg", new UploadOutcome.Gone("no longer a regular file"), 1);
        outcome("photos", "f.jpg", new UploadOutcome.Requeue(Instant.now(), "still being written"), 1);
        outcome("scans", "x.pdf", new UploadOutcome.Permanent("key too long"), 1);

        PrometheusScrape s = scrape();

        assertThat(s.type("ferry_files_uploaded_total")).contains("counter");
        assertThat(s.value("ferry_files_uploaded_total", "bucket", "photos")).contains(3.0);
        assertThat(s.value("ferry_uploaded_bytes_total", "bucket", "photos")).contains(1524.0);
        assertThat(s.value("ferry_upload_failures_total", "bucket", "photos", "reason", "retryable")).contains(2.0);
        assertThat(s.value("ferry_upload_failures_total", "bucket", "photos", "reason", "permanent")).contains(0.0);
        assertThat(s.value("ferry_upload_failures_total", "bucket", "scans", "reason", "permanent")).contains(1.0);
        assertThat(s.value("ferry_upload_retries_total", "bucket", "photos")).as("2nd and 3rd try of c.jpg")
                .contains(2.0);
        assertThat(s.value("ferry_files_skipped_total", "bucket", "photos", "reason", "unchanged")).contains(1.0);
        assertThat(s.value("ferry_files_skipped_total", "bucket", "photos", "reason", "gone")).contains(1.0);
        assertThat(s.value("ferry_upload_requeues_total", "bucket", "photos")).contains(1.0);

        assertThat(s.type("ferry_upload_latency_seconds")).contains("histogram");
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "0.25")).contains(0.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "0.5")).contains(1.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "2.5")).contains(2.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "30.0")).contains(2.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "60.0")).contains(3.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "+Inf")).contains(3.0);
        assertThat(s.value("ferry_upload_latency_seconds_count", "bucket", "photos")).contains(3.0);
        assertThat(s.value("ferry_upload_latency_seconds_sum", "bucket", "photos").orElseThrow()).isCloseTo(42.8, EXACT);
        assertThat(s.value("ferry_upload_duration_seconds_sum", "bucket", "photos").orElseThrow())
                .isCloseTo(4.07, EXACT);
    }

    @Test
    void gaugesFollowTheStatusAtEachScrapeAndNewBucketsAppear() {
        PrometheusScrape s = scrape();
        assertThat(s.value("ferry_queue_depth", "bucket", "photos")).contains(3.0);
        assertThat(s.value("ferry_uploads_in_flight", "bucket", "photos")).contains(1.0);
        assertThat(s.value("ferry_files_failing", "bucket", "photos")).contains(2.0);
        assertThat(s.value("ferry_files_failing", "bucket", "Bad Name")).contains(1.0);
        assertThat(s.value("ferry_bucket_problem", "bucket", "Bad Name")).contains(1.0);
        assertThat(s.value("ferry_bucket_problem", "bucket", "photos")).contains(0.0);
        assertThat(s.value("ferry_ready")).contains(0.0);
        assertThat(s.value("ferry_state_reachable")).contains(0.0);
        assertThat(s.value("ferry_state_pending_writes")).contains(7.0);
        assertThat(s.value("ferry_watcher_healthy")).contains(0.0);
        assertThat(s.value("ferry_watcher_rescans_total")).contains(4.0);
        assertThat(s.value("ferry_sweep_last_completed_timestamp_seconds")).contains((double) SWEPT.getEpochSecond());
        assertThat(s.value("ferry_build_info", "version", "1.2.3")).contains(1.0);

        status.set(status(Map.of("photos", bucket(0, 0, 0, Optional.empty()),
                "scans", bucket(12, 5, 0, Optional.empty()))));
        s = scrape();
        assertThat(s.value("ferry_queue_depth", "bucket", "photos")).contains(0.0);
        assertThat(s.value("ferry_files_failing", "bucket", "photos")).contains(0.0);
        assertThat(s.value("ferry_queue_depth", "bucket", "scans")).contains(12.0);
        assertThat(s.value("ferry_uploads_in_flight", "bucket", "scans")).contains(5.0);
        assertThat(s.find("ferry_bucket_problem", "bucket", "Bad Name")).as("a bucket that left the status has no "
                + "series, not NaN (its folder renamed away)").isEmpty();
        assertThat(s.find("ferry_files_failing", "bucket", "Bad Name")).isEmpty();

        status.set(status(Map.of("Bad Name", bucket(0, 0, 1, Optional.of("invalid bucket name")))));
        s = scrape();
        assertThat(s.value("ferry_bucket_problem", "bucket", "Bad Name")).as("back").contains(1.0);
        assertThat(s.find("ferry_queue_depth", "bucket", "photos")).isEmpty();
    }

    @Test
    void fullSweepsAreCountedAndTimed() {
        metrics.fullSweepCompleted(Duration.ofMillis(1500), 42);
        metrics.fullSweepCompleted(Duration.ofMillis(500), 40);

        PrometheusScrape s = scrape();
        assertThat(s.value("ferry_sweeps_total")).contains(2.0);
        assertThat(s.value("ferry_sweep_duration_seconds_count")).contains(2.0);
        assertThat(s.value("ferry_sweep_duration_seconds_sum").orElseThrow()).isCloseTo(2.0, EXACT);
        assertThat(s.value("ferry_sweep_duration_seconds_bucket", "le", "1.0")).contains(1.0);
        assertThat(s.value("ferry_sweep_files")).contains(40.0);
    }

    @Test
    void aJobsCopiesAreSaidToCountEventsTooNotOnlyFullSyncs() {
        status.set(status.get().withReplication(Map.of("photos", new DaemonStatus.JobStatus("s3://src/in/", 2, 10, 0,
                0, 0, 1, false, Optional.of(SWEPT), Optional.empty()))));

        String text = metrics.scrape();

        assertThat(text).contains("# HELP ferry_replication_copied_total Objects copied by the job, by its full syncs "
                + "and its events").contains("# HELP ferry_replication_bytes_total Bytes copied by the job, by its "
                + "full syncs and its events").doesNotContain("copied by the job's full syncs");
    }

    @Test
    void jvmMetricsAreThereAndNoLabelCarriesAPath() {
        outcome("photos", "deep/down/a.jpg", uploaded(1, 1), 1);
        outcome("photos", "deep/down/b.jpg", new UploadOutcome.Retry("/srv/photos/deep/down/b.jpg: cannot read"), 1);

        PrometheusScrape s = scrape();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "jvm_gc_max_data_size_bytes", "jvm_info", "process_cpu_usage",
                "process_uptime_seconds", "process_files_open_files", "system_cpu_count"}) {
            assertThat(s.find(name)).as(name).isNotEmpty();
        }
        assertThat(s.samples()).allSatisfy(sample -> assertThat(sample.labels().values())
                .noneMatch(v -> v.contains("/srv") || v.contains("deep/down") || v.contains("cannot read")));
    }
}
