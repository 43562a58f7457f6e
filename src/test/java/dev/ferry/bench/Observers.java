package dev.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Watches from outside while files stream in: HEADs sampled keys every {@code headInterval} until S3 has
 * them (the time of the first 200 is an upper bound on when the object became visible, at most one
 * interval late), and samples the daemon's GET /status for its backlog (queued + in flight) and uploads.
 */
final class Observers implements AutoCloseable {
    record Backlog(long atMillis, long backlog, long uploaded) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
    private final HttpClient http = HttpClient.newHttpClient();
    private final S3Client s3;
    private final String bucket;
    private final long headIntervalMillis;
    final Map<String, Long> visibleAt = new ConcurrentHashMap<>();
    final List<Backlog> backlog = new CopyOnWriteArrayList<>();
    private final Map<String, ScheduledFuture<?>> polls = new ConcurrentHashMap<>();

    Observers(String endpoint, String bucket, long headIntervalMillis, String statusUrl) {
        this.s3 = BenchS3.client(endpoint, 8);
        this.bucket = bucket;
        this.headIntervalMillis = headIntervalMillis;
        timers.scheduleAtFixedRate(() -> sampleStatus(URI.create(statusUrl)), 0, 250, TimeUnit.MILLISECONDS);
    }

    /** Starts polling HEAD for {@code key} until it exists. */
    void watch(String key) {
        polls.put(key, timers.scheduleWithFixedDelay(() -> head(key), 0, headIntervalMillis, TimeUnit.MILLISECONDS));
    }

    boolean allVisible() {
        return polls.isEmpty();
    }

    Backlog last() {
        return backlog.isEmpty() ? new Backlog(0, -1, -1) : backlog.get(backlog.size() - 1);
    }

    /** Files uploaded since the first status sample (uploads before the stream, such as a warm-up, excluded). */
    long uploadedSinceStart() {
        return backlog.isEmpty() ? -1 : last().uploaded() - backlog.get(0).uploaded();
    }

    private void head(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            visibleAt.putIfAbsent(key, System.currentTimeMillis());
            ScheduledFuture<?> f = polls.remove(key);
            if (f != null) {
                f.cancel(false);
            }
        } catch (NoSuchKeyException e) {
            // not there yet
        } catch (RuntimeException e) {
            // 404 of HEAD comes as S3Exception with status 404; anything else: try again next time
        }
    }

    private void sampleStatus(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long queued = 0;
            long uploaded = 0;
            for (JsonNode b : JSON.readTree(r.body()).path("buckets")) {
                queued += b.path("queued").asLong() + b.path("inFlight").asLong();
                uploaded += b.path("uploaded").asLong();
            }
            backlog.add(new Backlog(System.currentTimeMillis(), queued, uploaded));
        } catch (Exception e) {
            // a missed sample is a gap in the series, not an error
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        s3.close();
    }
}
