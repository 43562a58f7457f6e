package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.PrometheusScrape;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** GET /metrics of the daemon as a separate process, after real uploads to a real S3-compatible server. */
class MetricsIT extends DaemonTestBase {

    private PrometheusScrape scrape() {
        HttpResponse<String> response = ferry.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusScrape.parse(response.body());
    }

    private double value(String name, String... labels) {
        return scrape().value(name, labels).orElse(-1.0);
    }

    @Test
    void uploadsFailuresQueuesSweepsStateAndJvmAreMeasured() throws Exception {
        write("photos/a.jpg", "photo a, 18 bytes");
        write("photos/2026/b.jpg", "photo b");
        write("scans/c.pdf", "scan");
        Path locked = write("private/locked.jpg", "cannot be read");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        ferry = FerryProcess.start("metrics", FerryProcess.baseEnv(watch, state, s3));

        await("three uploads counted").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> value("ferry_files_uploaded_total", "bucket", "photos") == 2
                        && value("ferry_files_uploaded_total", "bucket", "scans") == 1);
        await("the unreadable file tried again").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> value("ferry_upload_retries_total", "bucket", "private") >= 1);
        await("queues drained").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> value("ferry_queue_depth", "bucket", "photos") == 0
                        && value("ferry_uploads_in_flight", "bucket", "photos") == 0);

        HttpResponse<String> response = ferry.get("/metrics");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        PrometheusScrape s = PrometheusScrape.parse(response.body());

        assertThat(s.type("ferry_files_uploaded_total")).contains("counter");
        assertThat(s.value("ferry_uploaded_bytes_total", "bucket", "photos")).contains(
                (double) ("photo a, 18 bytes".length() + "photo b".length()));
        assertThat(s.value("ferry_uploaded_bytes_total", "bucket", "scans")).contains(4.0);
        assertThat(s.value("ferry_upload_latency_seconds_count", "bucket", "photos")).contains(2.0);
        assertThat(s.value("ferry_upload_latency_seconds_bucket", "bucket", "photos", "le", "+Inf")).contains(2.0);
        // the start-up sweep asks S3 about these files (unknown to the state store) before queueing them, so
        // their settle time may be over when they are queued: latency includes the transfer, not always the settle
        assertThat(s.value("ferry_upload_latency_seconds_sum", "bucket", "photos").orElseThrow())
                .as("queued to uploaded, the transfer included")
                .isGreaterThanOrEqualTo(s.value("ferry_upload_duration_seconds_sum", "bucket", "photos").orElseThrow());
        assertThat(s.value("ferry_upload_duration_seconds_count", "bucket", "scans")).contains(1.0);

        assertThat(s.value("ferry_upload_failures_total", "bucket", "private", "reason", "retryable").orElseThrow())
                .isGreaterThanOrEqualTo(2.0);
        assertThat(s.value("ferry_upload_failures_total", "bucket", "photos", "reason", "retryable")).contains(0.0);
        assertThat(s.value("ferry_files_failing", "bucket", "private")).contains(1.0);
        assertThat(s.value("ferry_files_failing", "bucket", "photos")).contains(0.0);
        assertThat(s.value("ferry_bucket_problem", "bucket", "photos")).contains(0.0);

        assertThat(s.value("ferry_sweeps_total").orElseThrow()).isGreaterThanOrEqualTo(1.0);
        assertThat(s.value("ferry_sweep_duration_seconds_count").orElseThrow()).isGreaterThanOrEqualTo(1.0);
        assertThat(s.value("ferry_sweep_files")).contains(4.0);
        assertThat(s.value("ferry_sweep_last_completed_timestamp_seconds").orElseThrow())
                .isGreaterThan(1.7e9);
        assertThat(s.value("ferry_ready")).contains(1.0);
        assertThat(s.value("ferry_state_reachable")).contains(1.0);
        assertThat(s.value("ferry_state_pending_writes").orElseThrow()).isGreaterThanOrEqualTo(0.0);
        assertThat(s.value("ferry_watcher_healthy")).contains(1.0);
        assertThat(s.value("ferry_watcher_rescans_total")).contains(0.0);
        assertThat(s.find("ferry_build_info")).singleElement()
                .satisfies(b -> assertThat(b.labels().get("version")).isNotBlank());

        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "jvm_gc_max_data_size_bytes", "process_cpu_usage",
                "process_uptime_seconds", "process_files_open_files"}) {
            assertThat(s.find(jvm)).as(jvm).isNotEmpty();
        }
        assertThat(s.value("process_uptime_seconds").orElseThrow()).isPositive();
        assertThat(s.samples()).allSatisfy(sample -> assertThat(sample.labels().values())
                .noneMatch(v -> v.contains(watch.toString()) || v.contains(".jpg")));
        assertThat(response.body()).doesNotContain(s3.secretKey());
    }
}
