package dev.ferry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A chaos scenario against the daemon as users run it: files arrive steadily in several bucket folders of a
 * WATCH_PATH while a {@link CountingProxy} between the daemon and S3Proxy injects the settings' faults throughout,
 * and in turn: a kill -9 and restart on the same state, an S3 outage, a black hole, a state store outage, a second
 * kill -9. Then it waits for the daemon to drain. The same run serves the chaos IT (short) and the bench (long).
 */
public final class ChaosRun implements AutoCloseable {
    private final ChaosSettings settings;
    private final Path watch;
    private final Path state;
    private final S3ProxyServer s3;
    private final CountingProxy proxy;
    private final Map<String, String> env;
    private final Map<String, byte[]> expected = new ConcurrentHashMap<>();
    private final Map<String, Integer> writes = new ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final List<FerryProcess> processes = new ArrayList<>();
    private final StoreOutage storeOutage;
    private long startNanos;
    private long lastFaultNanos;
    private FerryProcess ferry;

    public ChaosRun(ChaosSettings settings, Path dir) throws IOException {
        this.settings = settings;
        this.watch = Files.createDirectories(dir.resolve("watch"));
        this.state = Files.createDirectories(dir.resolve("state"));
        FerryProcess.shareWithDaemon(dir, watch, state);
        this.s3 = S3ProxyServer.start();
        this.proxy = CountingProxy.start(s3.port());
        this.env = FerryProcess.baseEnv(watch, state, s3);
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        this.storeOutage = new StoreOutage(state);
    }

    /** Runs the scenario and waits until every file is in S3 with its content and /status is clean. */
    public ChaosResult run() throws Exception {
        Random random = new Random(settings.seed());
        proxy.faults(settings.faults());
        ferry = start();
        startNanos = System.nanoTime();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try {
            scheduleArrivals(writer, random);
            long lag = 0;
            for (ChaosSettings.Event event : settings.timeline(random)) {
                // an event that comes late (a slow restart) shifts the rest, so each outage keeps its length
                lag = Math.max(lag, System.nanoTime() - startNanos - event.at().toNanos());
                sleepUntil(event.at().plusNanos(lag));
                lastFaultNanos = System.nanoTime();
                note(event.toString());
                act(event);
            }
            writer.shutdown();
            if (!writer.awaitTermination(settings.arrivals().toSeconds() + 60, TimeUnit.SECONDS)) {
                throw new AssertionError("files still being written long after the arrival window");
            }
        } finally {
            writer.shutdownNow();
            storeOutage.end();
            proxy.outage(false);
            proxy.blackHole(false);
        }
        long drainFrom = System.nanoTime();
        note("faults go on; waiting for the daemon to drain");
        Awaitility.await("every file in S3 with its content and /status clean (seed " + settings.seed() + ")")
                .atMost(settings.drainDeadline()).pollInterval(Duration.ofSeconds(1))
                .until(() -> missing().isEmpty() && clean(ferry.status()));
        long end = System.nanoTime();
        Duration drain = Duration.ofNanos(end - drainFrom);
        note("drained in " + drain.toMillis() + " ms");
        return new ChaosResult(settings, Map.copyOf(expected), Map.copyOf(writes), proxy.traffic(), drain,
                Duration.ofNanos(end - lastFaultNanos), List.copyOf(events), ferry);
    }

    private void scheduleArrivals(ScheduledExecutorService writer, Random random) {
        long periodNanos = (long) (1e9 / settings.filesPerSecondPerBucket());
        int perBucket = (int) (settings.arrivals().toNanos() / periodNanos);
        for (int n = 0; n < perBucket; n++) {
            for (int b = 0; b < settings.buckets().size(); b++) {
                String bucket = settings.buckets().get(b);
                String key = "d" + (n % 7) + "/f" + n + ".bin";
                long at = n * periodNanos + b * periodNanos / settings.buckets().size();
                byte[] first = content(random, 512 + random.nextInt(16 * 1024));
                writer.schedule(() -> write(bucket, key, first), at, TimeUnit.NANOSECONDS);
                if (random.nextDouble() < settings.rewriteShare()) {
                    byte[] second = content(random, 512 + random.nextInt(16 * 1024));
                    long later = at + (long) (random.nextDouble() * 10e9);
                    writer.schedule(() -> write(bucket, key, second), later, TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    private static byte[] content(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private void write(String bucket, String key, byte[] bytes) {
        try {
            Path file = watch.resolve(bucket).resolve(key);
            Files.createDirectories(file.getParent());
            FerryProcess.shareWithDaemon(watch.resolve(bucket), file.getParent());
            Files.write(file, bytes);
            expected.put(bucket + "/" + key, bytes);
            writes.merge(bucket + "/" + key, 1, Integer::sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void act(ChaosSettings.Event event) throws Exception {
        switch (event.kind()) {
            case KILL -> {
                proxy.whileKillingClient(() -> {
                    try {
                        ferry.kill9();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                ferry = start();
            }
            case S3_OUTAGE -> proxy.outage(event.on());
            case BLACK_HOLE -> proxy.blackHole(event.on());
            case STORE_OUTAGE -> {
                if (event.on()) {
                    storeOutage.begin();
                } else {
                    storeOutage.end();
                }
            }
        }
    }

    private FerryProcess start() {
        FerryProcess p = FerryProcess.start("chaos-" + processes.size(), env);
        processes.add(p);
        return p;
    }

    private void sleepUntil(Duration at) throws InterruptedException {
        long wait = startNanos + at.toNanos() - System.nanoTime();
        if (wait > 0) {
            // pacing the scenario's timeline, not waiting for an outcome
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void note(String what) {
        events.add(String.format("%6.1f s  %s", (System.nanoTime() - startNanos) / 1e9, what));
    }

    /** The files whose object in S3 is missing or holds other bytes than the file's last content. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        new TreeMap<>(expected).forEach((target, bytes) -> {
            Path object = s3.dataDir().resolve(target);
            try {
                if (!Files.isRegularFile(object) || !Arrays.equals(Files.readAllBytes(object), bytes)) {
                    missing.add(target);
                }
            } catch (IOException e) {
                missing.add(target);
            }
        });
        return missing;
    }

    /** Nothing queued, in flight or failing, the store reachable with nothing pending, ready. */
    public static boolean clean(JsonNode status) {
        int queued = 0;
        for (JsonNode bucket : status.path("buckets")) {
            queued += bucket.path("queued").asInt() + bucket.path("inFlight").asInt() + bucket.path("failed").asInt();
        }
        JsonNode store = status.path("store");
        return queued == 0 && store.path("reachable").asBoolean() && store.path("pendingWrites").asInt() == 0
                && status.path("ready").asBoolean();
    }

    /** The daemon's logs, each start's after the other. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            sb.append("----- start ").append(i).append('\n').append(processes.get(i).log());
        }
        return sb.toString();
    }

    public CountingProxy proxy() {
        return proxy;
    }

    @Override
    public void close() {
        storeOutage.end();
        processes.forEach(FerryProcess::close);
        proxy.close();
        s3.close();
    }
}
