package dev.ferry.metrics;

import dev.ferry.core.ItemRef;
import dev.ferry.core.StatusSource;
import dev.ferry.core.UploadListener;
import dev.ferry.core.UploadOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's Prometheus metrics, through Micrometer: counters and latency histograms fed by every upload
 * outcome ({@link UploadListener}), gauges read from the daemon's status at each scrape, full sweep timings,
 * and the JVM's own metrics (memory, GC, threads, classes, CPU, uptime, file descriptors). Names and labels
 * are listed in docs/operations.md. No Micrometer type leaves this package: {@link #scrape()} returns the
 * Prometheus text format.
 */
public final class FerryMetrics implements UploadListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FerryMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final UploadMeters uploads = new UploadMeters(registry);
    private final StatusGauges gauges;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter sweeps;
    private final Timer sweepDuration;
    private final AtomicLong sweepFiles = new AtomicLong();

    /** @param status the daemon's status, read once per scrape for the gauges */
    public FerryMetrics(StatusSource status) {
        gauges = new StatusGauges(registry, status);
        sweeps = Counter.builder("ferry.sweeps").description("Full sweeps of the watched tree completed")
                .register(registry);
        sweepDuration = Timer.builder("ferry.sweep.duration").description("Time of each completed full sweep")
                .serviceLevelObjectives(Histograms.SWEEP).register(registry);
        Gauge.builder("ferry.sweep.files", sweepFiles, AtomicLong::get)
                .description("Files seen by the last completed full sweep").register(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void onOutcome(String bucket, String key, ItemRef item, UploadOutcome outcome, Duration sinceQueued) {
        try {
            uploads.record(bucket, key, outcome, sinceQueued);
        } catch (RuntimeException e) {
            log.warn("{}/{}: could not count the outcome: {}", bucket, key, e.toString());
        }
    }

    /** A full sweep completed in {@code took}, seeing {@code files} files. */
    public void fullSweepCompleted(Duration took, long files) {
        sweeps.increment();
        sweepDuration.record(took.isNegative() ? Duration.ZERO : took);
        sweepFiles.set(files);
    }

    /** Every metric in the Prometheus text exposition format 0.0.4. */
    public String scrape() {
        gauges.refresh();
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
