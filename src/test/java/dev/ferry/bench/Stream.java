package dev.ferry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 4, a steady stream into a running daemon: writes {@code --rate} files a second for
 * {@code --seconds} into {@code --folders} existing folders under {@code --dir} (which is
 * {@code <watch>/<bucket>/<prefix>}), each in one write and close, at fixed times (a writer that falls
 * behind catches up at once, and says so). Then waits until the daemon reports every file uploaded and an
 * empty queue, and reports, as {@code name=value} pairs on one line:
 * <ul>
 * <li>latency from close to the daemon's "uploaded" log line, for every file (p50/p99/max);</li>
 * <li>latency from close to the first successful HEAD, for every {@code --head-every}th file, polled every
 * {@code --head-interval-ms} (an outside check of the log-based numbers);</li>
 * <li>the backlog (queued + in flight, from GET /status every 250 ms): its maximum, its medians over the
 * second and the last quarter of the stream (growth from one to the other means the daemon falls behind),
 * at the end of the stream, and the drain time from the last close to the last upload.</li>
 * </ul>
 */
public final class Stream {
    private Stream() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        Path dir = args.path("dir");
        String bucket = args.get("bucket");
        String prefix = args.get("prefix");
        int rate = args.integer("rate", 200);
        int seconds = args.integer("seconds", 60);
        int folders = args.integer("folders", 10);
        int headEvery = args.integer("head-every", 40);
        int minBytes = args.integer("min-bytes", 1024);
        int maxBytes = args.integer("max-bytes", 16384);
        long drainTimeoutMillis = args.integer("drain-timeout-s", 300) * 1000L;
        int total = rate * seconds;
        Map<String, Long> closedAt = new LinkedHashMap<>();
        long maxLagMillis = 0;
        long streamStart;
        long streamEnd;
        try (Observers obs = new Observers(args.get("endpoint"), bucket, args.integer("head-interval-ms", 100),
                args.get("status-url"))) {
            long answerBy = System.currentTimeMillis() + 30_000;
            while (obs.backlog.isEmpty()) { // the first /status sample is the baseline of the upload count
                if (System.currentTimeMillis() > answerBy) {
                    throw new IllegalStateException("no answer from " + args.get("status-url") + " in 30 s");
                }
                Thread.sleep(10);
            }
            SplittableRandom random = new SplittableRandom(42);
            long t0 = System.nanoTime();
            streamStart = System.currentTimeMillis();
            for (int k = 0; k < total; k++) {
                long due = t0 + (long) k * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    maxLagMillis = Math.max(maxLagMillis, -wait / 1_000_000);
                }
                String name = String.format("f%02d/s%06d.dat", k % folders, k);
                byte[] content = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
                random.nextBytes(content);
                Files.write(dir.resolve(name), content);
                long closed = System.currentTimeMillis();
                String key = prefix + "/" + name;
                closedAt.put(key, closed);
                if (k % headEvery == 0) {
                    obs.watch(key);
                }
            }
            streamEnd = System.currentTimeMillis();
            long deadline = streamEnd + drainTimeoutMillis;
            while (System.currentTimeMillis() < deadline
                    && !(obs.allVisible() && obs.uploadedSinceStart() >= total && obs.last().backlog() == 0)) {
                Thread.sleep(100); // polling a condition of another process; no event to wait on
            }
            report(args, bucket, closedAt, obs, streamStart, streamEnd, maxLagMillis, total);
        }
    }

    private static void report(BenchArgs args, String bucket, Map<String, Long> closedAt, Observers obs,
            long streamStart, long streamEnd, long maxLagMillis, int total) throws Exception {
        Map<String, Long> uploaded = UploadLog.firstUploads(Path.of(args.get("ferry-log")), bucket);
        List<Long> latencies = new ArrayList<>();
        long lastUpload = 0;
        for (Map.Entry<String, Long> e : closedAt.entrySet()) {
            Long at = uploaded.get(e.getKey());
            if (at != null) {
                latencies.add(at - e.getValue());
                lastUpload = Math.max(lastUpload, at);
            }
        }
        List<Long> heads = new ArrayList<>();
        obs.visibleAt.forEach((key, at) -> heads.add(at - closedAt.get(key)));
        // Backlog in the second and the last quarter of the stream: after the first settle time it should
        // hover around rate x (settle time + upload time); a last quarter well above the second means it grows.
        long span = Math.max(1, streamEnd - streamStart);
        List<Double> secondQuarter = new ArrayList<>();
        List<Double> lastQuarter = new ArrayList<>();
        long backlogMax = 0;
        long backlogEnd = -1;
        for (Observers.Backlog b : obs.backlog) {
            long at = b.atMillis() - streamStart;
            if (at >= 0 && at <= span) {
                if (at >= span / 4 && at < span / 2) {
                    secondQuarter.add((double) b.backlog());
                } else if (at >= span * 3 / 4) {
                    lastQuarter.add((double) b.backlog());
                }
                backlogMax = Math.max(backlogMax, b.backlog());
                backlogEnd = b.backlog();
            }
        }
        long[] lat = latencies.stream().mapToLong(Long::longValue).toArray();
        long[] head = heads.stream().mapToLong(Long::longValue).toArray();
        System.out.printf("written=%d rate=%.1f writer_max_lag_ms=%d uploaded=%d missing=%d"
                + " p50_ms=%d p99_ms=%d max_ms=%d head_n=%d head_p50_ms=%d head_p99_ms=%d head_max_ms=%d"
                + " backlog_max=%d backlog_q2=%.0f backlog_q4=%.0f backlog_end=%d drain_ms=%d%n",
                total, total * 1000.0 / Math.max(1, streamEnd - streamStart), maxLagMillis, latencies.size(),
                total - latencies.size(), Stats.percentile(lat, 50), Stats.percentile(lat, 99),
                Stats.percentile(lat, 100), head.length, Stats.percentile(head, 50), Stats.percentile(head, 99),
                Stats.percentile(head, 100), backlogMax, Stats.median(secondQuarter), Stats.median(lastQuarter),
                backlogEnd, lastUpload == 0 ? -1 : lastUpload - streamEnd);
    }
}
