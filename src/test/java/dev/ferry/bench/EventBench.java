package dev.ferry.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Event mode of a {@code replicate:} job, measured as users run it: Ferry daemons started with {@code bin/ferry}
 * follow an SQS queue (ElasticMQ, in this process) of S3 event notifications for a source bucket on the S3 server
 * given, and copy each object to a destination bucket on the same server.
 * <ul>
 * <li>latency: one daemon; objects written at {@code --rate} per second for {@code --seconds}, each followed by its
 * S3 event; the time from the event sent to the copy visible (HEAD answers 200), polled by four threads every few
 * milliseconds: p50, p90, p99, max, in two rows: the events sent in the first {@code --cold-seconds} (default 10)
 * of the load, while the daemon's JVM, S3Proxy's and ElasticMQ's still compile the code it runs on the same two
 * cores, and those sent after (a daemon that has been at work). Every event's latency goes to WORK/latency.tsv.</li>
 * <li>throughput: for each count of {@code --instances} (for example 1,2), that many daemons on one queue, a backlog
 * of {@code --backlog} events sent at once; events per second from the first sent to the last copy listed. On the
 * server of {@code --endpoint}, and again on {@code --slow-endpoint} when given: an S3Proxy that answers every
 * request {@code --slow-latency-ms} late (its latency middleware), where the daemons wait on S3 rather than share
 * the machine's two cores with the servers, so the count of daemons, not the CPU, decides the rate.</li>
 * </ul>
 * Prints one Markdown table. S3 credentials from BENCH_ACCESS_KEY and BENCH_SECRET_KEY.
 */
public final class EventBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final BenchArgs args;
    private final String accessKey = System.getenv("BENCH_ACCESS_KEY");
    private final String secretKey = System.getenv("BENCH_SECRET_KEY");
    private final Path ferry;
    private final Path work;
    /** The server of the latency measure and the first throughput measures. */
    private final Server server;
    private final SqsClient sqs;
    private final URI sqsEndpoint;
    private final List<String> rows = new ArrayList<>();
    private int round;

    private EventBench(BenchArgs args, URI sqsEndpoint) {
        this.args = args;
        this.ferry = args.path("ferry");
        this.work = args.path("work");
        this.sqsEndpoint = sqsEndpoint;
        this.server = server(URI.create(args.get("endpoint")), "loopback");
        this.sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
    }

    /** An S3 server the daemons copy on, the bench's client of it, and its name in the table. */
    private record Server(URI endpoint, S3Client s3, String label) {
    }

    private Server server(URI endpoint, String label) {
        return new Server(endpoint, S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build(), label);
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        SQSRestServer elastic = SQSRestServerBuilder.withDynamicPort().withInterface("127.0.0.1").start();
        URI sqsEndpoint = URI.create("http://127.0.0.1:" + elastic.waitUntilStarted().localAddress().getPort());
        try {
            EventBench bench = new EventBench(args, sqsEndpoint);
            if (args.integer("seconds", 60) > 0) {
                bench.latency(args.integer("rate", 100), args.integer("seconds", 60));
            }
            List<Server> servers = new ArrayList<>(List.of(bench.server));
            if (!args.get("slow-endpoint", "").isBlank()) {
                servers.add(bench.server(URI.create(args.get("slow-endpoint")),
                        "S3 " + args.integer("slow-latency-ms", 20) + " ms late"));
            }
            for (Server server : servers) {
                for (String n : args.get("instances", "1,2").split(",")) {
                    if (!n.isBlank()) {
                        bench.throughput(server, Integer.parseInt(n.strip()), args.integer("backlog", 2000));
                    }
                }
            }
            bench.print();
        } finally {
            elastic.stopAndWait();
        }
        System.exit(0);
    }

    /** One job's buckets and queue, fresh for each measurement. */
    private record Setup(Server server, String source, String destination, String queue, Path config) {
        S3Client s3() {
            return server.s3();
        }
    }

    private Setup setup(Server server) throws IOException {
        URI endpoint = server.endpoint();
        S3Client s3 = server.s3();
        int n = ++round;
        String src = "evsrc" + n + "-" + ProcessHandle.current().pid();
        String dst = "evdst" + n + "-" + ProcessHandle.current().pid();
        s3.createBucket(b -> b.bucket(src));
        s3.createBucket(b -> b.bucket(dst));
        sqs.createQueue(b -> b.queueName("events" + n));
        String queue = sqsEndpoint + "/000000000000/events" + n;
        Path config = work.resolve("events" + n + ".yml");
        Files.writeString(config, """
                replicate:
                  - name: events
                    source: {bucket: %s, prefix: in/, endpoint: "%s", path_style: true, region: us-east-1,
                             access_key: %s, secret_access_key: %s}
                    destinations:
                      - {bucket: %s, prefix: out/, endpoint: "%s", path_style: true, region: us-east-1,
                         access_key: %s, secret_access_key: %s}
                    sqs: {url: "%s", region: us-east-1, access_key: x, secret_access_key: x}
                skip-fullsync: true
                """.formatted(src, endpoint, accessKey, secretKey, dst, endpoint, accessKey, secretKey, queue));
        return new Setup(server, src, dst, queue, config);
    }

    /** Starts a daemon of {@code s}; returns it once /status answers. */
    private Process start(Setup s, String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path state = work.resolve("state-" + name);
        Files.createDirectories(state);
        ProcessBuilder pb = new ProcessBuilder(ferry.toString(), "--config", s.config().toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("STATE_DIR", state.toString());
        env.put("PORT", Integer.toString(port));
        env.put("INSTANCE_ID", name);
        env.put("LOG_LEVEL", "warn");
        env.put("CONCURRENCY", args.get("concurrency", "16"));
        pb.redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        Process p = pb.start();
        URI status = URI.create("http://127.0.0.1:" + port + "/status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited: see " + work.resolve(name + ".log"));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not answer /status within 60 s");
    }

    private static void stop(List<Process> daemons) throws InterruptedException {
        daemons.forEach(Process::destroy);
        for (Process p : daemons) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** ETags of the source objects written, by key: S3's notifications carry them, so these do too. */
    private final Map<String, String> etags = new ConcurrentHashMap<>();

    private String event(Setup s, String key, long sequencer) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        String etag = etags.getOrDefault(s.source() + "/" + key, "");
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"" + s.source() + "\"},\"object\":{\"key\":\"" + encoded
                + "\",\"size\":1024,\"eTag\":\"" + etag + "\",\"sequencer\":\"" + String.format("%016X", sequencer)
                + "\"}}}]}";
    }

    private static final byte[] BODY = new byte[1024];

    private boolean visible(Setup s, String key) {
        try {
            s.s3().headObject(b -> b.bucket(s.destination()).key("out/" + key.substring("in/".length())));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Sends one event and waits until its copy is visible: the daemon is following its queue. */
    private void warmUp(Setup s) throws InterruptedException {
        String key = "in/warm-up.bin";
        s.s3().putObject(b -> b.bucket(s.source()).key(key), RequestBody.fromBytes(BODY));
        sqs.sendMessage(b -> b.queueUrl(s.queue()).messageBody(event(s, key, 1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!visible(s, key)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the warm-up event was not copied within 60 s");
            }
            Thread.sleep(20);
        }
    }

    private void latency(int rate, int seconds) throws Exception {
        Setup s = setup(server);
        Process daemon = start(s, "latency");
        try {
            warmUp(s);
            int total = rate * seconds;
            long[] sent = new long[total];
            long[] seen = new long[total];
            Set<Integer> open = ConcurrentHashMap.newKeySet();
            AtomicBoolean sendingEvents = new AtomicBoolean(true);
            ExecutorService checkers = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                int lane = c;
                checkers.submit(() -> {
                    while (sendingEvents.get() || !open.isEmpty()) {
                        for (Integer i : open) {
                            if (i % 4 == lane && visible(s, key(i))) {
                                seen[i] = System.nanoTime();
                                open.remove(i);
                            }
                        }
                        Thread.sleep(2);
                    }
                    return null;
                });
            }
            putAll(s, total);
            long origin = System.nanoTime();
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            int senders = 4;
            ExecutorService sending = Executors.newFixedThreadPool(senders);
            List<java.util.concurrent.Future<?>> lanes = new ArrayList<>();
            for (int l = 0; l < senders; l++) {
                int lane = l;
                lanes.add(sending.submit(() -> {
                    for (int i = lane; i < total; i += senders) {
                        long wait = origin + i * period - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        String body = event(s, key(i), 2 + i);
                        open.add(i);
                        sent[i] = System.nanoTime();
                        sqs.sendMessage(b -> b.queueUrl(s.queue()).messageBody(body));
                    }
                    return null;
                }));
            }
            for (var f : lanes) {
                f.get();
            }
            sending.shutdown();
            long sendingTook = System.nanoTime() - origin;
            sendingEvents.set(false);
            checkers.shutdown();
            if (!checkers.awaitTermination(120, TimeUnit.SECONDS)) {
                checkers.shutdownNow();
            }
            long[] ms = new long[total];
            int missing = 0;
            for (int i = 0; i < total; i++) {
                if (seen[i] == 0) {
                    missing++;
                    ms[i] = Long.MAX_VALUE;
                } else {
                    ms[i] = TimeUnit.NANOSECONDS.toMillis(seen[i] - sent[i]);
                }
            }
            double achieved = total / (sendingTook / 1e9);
            StringBuilder tsv = new StringBuilder("event\tsent_ms\tlatency_ms\n");
            for (int i = 0; i < total; i++) {
                tsv.append(i).append('\t').append(TimeUnit.NANOSECONDS.toMillis(sent[i] - origin)).append('\t')
                        .append(seen[i] == 0 ? "-" : Long.toString(ms[i])).append('\n');
            }
            Files.writeString(work.resolve("latency.tsv"), tsv);
            long cold = origin + TimeUnit.SECONDS.toNanos(args.integer("cold-seconds", 10));
            List<Long> early = new ArrayList<>();
            List<Long> late = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                (sent[i] < cold ? early : late).add(ms[i]);
            }
            latencyRow("first " + args.integer("cold-seconds", 10) + " s of events", early, achieved);
            latencyRow("after that", late, achieved);
        } finally {
            stop(List.of(daemon));
        }
    }

    private void latencyRow(String when, List<Long> latencies, double rate) {
        if (latencies.isEmpty()) {
            return;
        }
        long[] ms = latencies.stream().mapToLong(Long::longValue).toArray();
        long missing = latencies.stream().filter(l -> l == Long.MAX_VALUE).count();
        rows.add(String.format("| latency, %s | 1 | %d at %.0f/s | %d | %d | %d | %d | %s |", when, ms.length, rate,
                Stats.percentile(ms, 50), Stats.percentile(ms, 90), Stats.percentile(ms, 99),
                Stats.percentile(ms, 100), missing == 0 ? "-" : missing + " not copied within 120 s"));
    }

    /** Writes the source objects of events 0 to n-1 (before their events, as S3 would). */
    private void putAll(Setup s, int n) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < n; i++) {
            String key = key(i);
            pool.submit(() -> etags.put(s.source() + "/" + key, s.s3().putObject(b -> b.bucket(s.source()).key(key),
                    RequestBody.fromBytes(BODY)).eTag().replace("\"", "")));
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("source objects not written within 10 minutes");
        }
    }

    private static String key(int i) {
        return String.format("in/k%02d/object %06d.bin", i % 100, i);
    }

    private void throughput(Server server, int instances, int backlog) throws Exception {
        Setup s = setup(server);
        putAll(s, backlog);
        List<Process> daemons = new ArrayList<>();
        try {
            for (int d = 0; d < instances; d++) {
                daemons.add(start(s, "throughput" + instances + "-" + d));
            }
            warmUp(s);
            long origin = System.nanoTime();
            AtomicLong sequencer = new AtomicLong(2);
            for (int i = 0; i < backlog; i += 10) {
                List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
                for (int j = i; j < Math.min(backlog, i + 10); j++) {
                    batch.add(SendMessageBatchRequestEntry.builder().id("m" + j)
                            .messageBody(event(s, key(j), sequencer.getAndIncrement())).build());
                }
                sqs.sendMessageBatch(b -> b.queueUrl(s.queue()).entries(batch));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            long copied = 0;
            while (System.nanoTime() < deadline) {
                copied = s.s3().listObjectsV2Paginator(b -> b.bucket(s.destination()).prefix("out/k")).contents()
                        .stream().count();
                if (copied >= backlog) {
                    break;
                }
                Thread.sleep(100);
            }
            double took = (System.nanoTime() - origin) / 1e9;
            rows.add(String.format("| throughput, %s | %d | %d backlog | - | - | - | - | %.0f events/s%s |",
                    server.label(), instances, backlog, copied / took, copied < backlog ? " (" + (backlog - copied) + " not copied in 600 s)"
                            : ""));
        } finally {
            stop(daemons);
        }
    }

    private void print() {
        System.out.println("| measure | daemons | events | p50 ms | p90 ms | p99 ms | max ms | events/s or note |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }
}
