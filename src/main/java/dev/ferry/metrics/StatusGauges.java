package dev.ferry.metrics;

import dev.ferry.core.DaemonStatus;
import dev.ferry.core.DaemonStatus.BucketStatus;
import dev.ferry.core.StatusSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the daemon's status snapshot: per bucket the queue depth, uploads in flight, failing
 * files and whether the bucket has a problem; state store and watcher health; readiness. The snapshot is
 * taken once per scrape ({@link #refresh}), which also registers the gauges of buckets seen for the first
 * time, so every gauge of one scrape comes from the same moment.
 */
final class StatusGauges {
    private static final Logger log = LoggerFactory.getLogger(StatusGauges.class);

    private final MeterRegistry registry;
    private final StatusSource source;
    /** The gauges of each bucket in the last snapshot, so that those of a bucket that left it can be removed. */
    private final java.util.Map<String, java.util.List<io.micrometer.core.instrument.Meter>> buckets =
            new java.util.HashMap<>();
    private final Set<String> jobs = new HashSet<>();
    private volatile DaemonStatus last;
    private boolean versionRegistered;

    StatusGauges(MeterRegistry registry, StatusSource source) {
        this.registry = registry;
        this.source = source;
        gauge("ferry.ready", "1 once the first full sweep finished and the state store answers, else 0",
                s -> bool(s.ready()));
        gauge("ferry.state.reachable", "1 while the state store answers, else 0", s -> bool(s.store().reachable()));
        gauge("ferry.state.pending.writes", "Records waiting to be written to the state store",
                s -> s.store().pendingWrites());
        gauge("ferry.watcher.healthy", "1 while native watching works, 0 when polling sweeps find changes instead",
                s -> bool(s.watcher().healthy()));
        FunctionCounter.builder("ferry.watcher.rescans", this, g -> g.counter(s -> s.watcher().rescans()))
                .description("Full rescans because the watcher lost events (kernel queue overflow, watcher error)")
                .register(registry);
        Gauge.builder("ferry.sweep.last.completed.timestamp", this, g -> g.value(s -> s.watcher().lastSweepAt()
                        .map(at -> at.toEpochMilli() / 1000.0).orElse(Double.NaN)))
                .baseUnit("seconds").description("When the last full sweep finished (Unix time)").register(registry);
    }

    /** Takes a new snapshot and registers the gauges of new buckets. A failing source keeps the last snapshot. */
    synchronized void refresh() {
        DaemonStatus s;
        try {
            s = source.snapshot();
        } catch (RuntimeException e) {
            log.warn("/metrics: the status source failed; gauges keep their last values: {}", e.toString());
            return;
        }
        last = s;
        if (!versionRegistered) {
            versionRegistered = true;
            Gauge.builder("ferry.build.info", () -> 1).tag("version", s.version()).strongReference(true)
                    .description("Ferry's version, as a label; the value is always 1").register(registry);
        }
        for (String bucket : s.buckets().keySet()) {
            buckets.computeIfAbsent(bucket, this::register);
        }
        // a bucket no longer in the status (its folder renamed away, its site removed): no series, rather than NaN
        buckets.keySet().removeIf(bucket -> {
            if (s.buckets().containsKey(bucket)) {
                return false;
            }
            buckets.get(bucket).forEach(registry::remove);
            return true;
        });
        for (String job : s.replication().keySet()) {
            if (jobs.add(job)) {
                registerJob(job);
                if (s.replication().get(job).events().isPresent()) {
                    registerEvents(job);
                }
            }
        }
    }

    /** The counters of one replicate: job, labelled {@code job}. */
    private void registerJob(String job) {
        jobCounter(job, "ferry.replication.copied", "Objects copied by the job, by its full syncs and its events (sqs)",
                DaemonStatus.JobStatus::copied);
        jobCounter(job, "ferry.replication.bytes", "Bytes copied by the job, by its full syncs and its events (sqs)",
                DaemonStatus.JobStatus::bytes);
        jobCounter(job, "ferry.replication.failed", "Copies that failed after their retries", DaemonStatus.JobStatus::failed);
        jobCounter(job, "ferry.replication.deleted", "Destination objects deleted (delete: true)",
                DaemonStatus.JobStatus::deleted);
        jobCounter(job, "ferry.replication.fullsyncs", "Full syncs finished", DaemonStatus.JobStatus::fullSyncs);
        Gauge.builder("ferry.replication.running", this, g -> g.value(s -> {
            DaemonStatus.JobStatus j = s.replication().get(job);
            return j == null ? Double.NaN : bool(j.running());
        })).description("1 while a full sync of the job runs, else 0").tag("job", job).register(registry);
    }

    /** The event mode of one job (sqs:), labelled {@code job}. */
    private void registerEvents(String job) {
        eventCounter(job, "ferry.replication.sqs.messages", "SQS messages received", DaemonStatus.EventStatus::messages);
        eventCounter(job, "ferry.replication.sqs.acknowledged", "SQS messages handled and deleted",
                DaemonStatus.EventStatus::acknowledged);
        eventCounter(job, "ferry.replication.sqs.malformed", "SQS messages that are no S3 event (left to the DLQ)",
                DaemonStatus.EventStatus::malformed);
        eventCounter(job, "ferry.replication.sqs.skipped",
                "Events not applied: a newer one is in place, the object is gone, or it is there already",
                DaemonStatus.EventStatus::skipped);
        eventCounter(job, "ferry.replication.sqs.receive.failures", "SQS receive calls that failed",
                DaemonStatus.EventStatus::receiveFailures);
        Gauge.builder("ferry.replication.sqs.in.flight", this, g -> g.value(s -> {
            DaemonStatus.JobStatus j = s.replication().get(job);
            return j == null ? Double.NaN : j.events().map(e -> (double) e.inFlight()).orElse(Double.NaN);
        })).description("SQS messages received and not yet handled").tag("job", job).register(registry);
        Gauge.builder("ferry.replication.sqs.waiting", this, g -> g.value(s -> {
            DaemonStatus.JobStatus j = s.replication().get(job);
            return j == null ? Double.NaN : j.events().flatMap(DaemonStatus.EventStatus::waiting)
                    .map(Long::doubleValue).orElse(Double.NaN);
        })).description("SQS messages waiting on the job's queue (approximate, read every 20 s)").tag("job", job)
                .register(registry);
    }

    private void eventCounter(String job, String name, String description,
            ToDoubleFunction<DaemonStatus.EventStatus> f) {
        jobCounter(job, name, description, j -> j.events().map(f::applyAsDouble).orElse(0.0));
    }

    private void jobCounter(String job, String name, String description, ToDoubleFunction<DaemonStatus.JobStatus> f) {
        FunctionCounter.builder(name, this, g -> g.counter(s -> {
            DaemonStatus.JobStatus j = s.replication().get(job);
            return j == null ? 0 : f.applyAsDouble(j);
        })).description(description).tag("job", job).register(registry);
    }

    private java.util.List<io.micrometer.core.instrument.Meter> register(String bucket) {
        return java.util.List.of(bucketGauge(bucket, "ferry.queue.depth", "Files waiting: settling, ready, or backing off after a failure",
                BucketStatus::queued),
                bucketGauge(bucket, "ferry.uploads.in.flight", "Uploads under way", BucketStatus::inFlight),
                bucketGauge(bucket, "ferry.files.failing", "Files whose latest attempt failed and which are not "
                        + "uploaded yet", BucketStatus::failed),
                bucketGauge(bucket, "ferry.bucket.problem", "1 when the bucket itself cannot be used (invalid name, "
                        + "cannot be created, access denied), else 0", b -> bool(b.problem().isPresent())),
                bucketGauge(bucket, "ferry.endpoint.unreachable", "1 while the bucket's S3 endpoint does not answer "
                        + "(its uploads wait while it is probed), else 0", b -> bool(b.unreachable().isPresent())),
                bucketGauge(bucket, "ferry.endpoint.probes.failed", "Probes of the bucket's S3 endpoint that found no "
                        + "answer in the current outage (0 while it answers)",
                        b -> b.unreachable().map(u -> u.probes()).orElse(0)));
    }

    private void gauge(String name, String description, ToDoubleFunction<DaemonStatus> f) {
        Gauge.builder(name, this, g -> g.value(f)).description(description).register(registry);
    }

    private Gauge bucketGauge(String bucket, String name, String description, ToDoubleFunction<BucketStatus> f) {
        return Gauge.builder(name, this, g -> g.value(s -> {
            BucketStatus b = s.buckets().get(bucket);
            return b == null ? Double.NaN : f.applyAsDouble(b);
        })).description(description).tag("bucket", bucket).register(registry);
    }

    private double value(ToDoubleFunction<DaemonStatus> f) {
        DaemonStatus s = last;
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private double counter(ToDoubleFunction<DaemonStatus> f) {
        DaemonStatus s = last;
        return s == null ? 0 : f.applyAsDouble(s);
    }

    private static double bool(boolean b) {
        return b ? 1 : 0;
    }
}
