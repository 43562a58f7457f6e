package dev.ferry.metrics;

import dev.ferry.core.UploadOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters fed by upload outcomes, one set per bucket, created on a bucket's first outcome. Labels are
 * the bucket and a small closed set of reasons: never a path, a key or a message, so the number of series
 * stays bounded by the number of buckets.
 */
final class UploadMeters {
    private final MeterRegistry registry;
    private final Map<String, BucketMeters> byBucket = new ConcurrentHashMap<>();
    /** bucket + "\n" + key of files whose latest attempt failed and will be tried again. */
    private final Set<String> retrying = ConcurrentHashMap.newKeySet();

    private record BucketMeters(Counter uploaded, Counter bytes, Timer latency, Timer transfer, Counter retryable,
            Counter permanent, Counter retries, Counter unchanged, Counter gone, Counter requeued) {
    }

    UploadMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String bucket, String key, UploadOutcome outcome, Duration sinceQueued) {
        BucketMeters m = byBucket.computeIfAbsent(bucket, this::register);
        countRetry(bucket + "\n" + key, outcome, m);
        if (outcome instanceof UploadOutcome.Uploaded u) {
            m.uploaded.increment();
            m.bytes.increment(u.result().bytes());
            m.latency.record(nonNegative(sinceQueued));
            m.transfer.record(nonNegative(u.took()));
        } else if (outcome instanceof UploadOutcome.Retry) {
            m.retryable.increment();
        } else if (outcome instanceof UploadOutcome.Permanent) {
            m.permanent.increment();
        } else if (outcome instanceof UploadOutcome.Unchanged) {
            m.unchanged.increment();
        } else if (outcome instanceof UploadOutcome.Gone) {
            m.gone.increment();
        } else if (outcome instanceof UploadOutcome.Requeue) {
            m.requeued.increment();
        }
    }

    /** An attempt on a file whose previous attempt failed retryably is a retry, whatever its outcome. */
    private void countRetry(String id, UploadOutcome outcome, BucketMeters m) {
        if (outcome instanceof UploadOutcome.Requeue) {
            return; // not an attempt: the file was still being written
        }
        boolean wasRetrying = outcome instanceof UploadOutcome.Retry ? !retrying.add(id) : retrying.remove(id);
        if (wasRetrying) {
            m.retries.increment();
        }
    }

    private BucketMeters register(String bucket) {
        return new BucketMeters(
                counter("ferry.files.uploaded", "Files uploaded", bucket, null),
                Counter.builder("ferry.uploaded").baseUnit("bytes").description("Bytes uploaded")
                        .tag("bucket", bucket).register(registry),
                Timer.builder("ferry.upload.latency")
                        .description("Time from a change being seen to the object being uploaded")
                        .serviceLevelObjectives(Histograms.LATENCY).tag("bucket", bucket).register(registry),
                Timer.builder("ferry.upload.duration").description("Time of the transfer itself (PUT or multipart)")
                        .serviceLevelObjectives(Histograms.TRANSFER).tag("bucket", bucket).register(registry),
                failures(bucket, "retryable"),
                failures(bucket, "permanent"),
                counter("ferry.upload.retries", "Attempts on a file whose previous attempt failed", bucket, null),
                counter("ferry.files.skipped", "Files not uploaded: unchanged (S3 holds this version) or gone",
                        bucket, "unchanged"),
                counter("ferry.files.skipped", "Files not uploaded: unchanged (S3 holds this version) or gone",
                        bucket, "gone"),
                counter("ferry.upload.requeues", "Files put back because they were still being written or changed "
                        + "during the upload", bucket, null));
    }

    private Counter failures(String bucket, String reason) {
        return counter("ferry.upload.failures",
                "Failed upload attempts: retryable ones are retried with backoff, permanent ones when the file changes",
                bucket, reason);
    }

    private Counter counter(String name, String description, String bucket, String reason) {
        Counter.Builder b = Counter.builder(name).description(description).tag("bucket", bucket);
        if (reason != null) {
            b.tag("reason", reason);
        }
        return b.register(registry);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
