package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3Proxy 4.1.0 server in its own {@code java -jar} process, for integration tests. Each instance has
 * its own port on 127.0.0.1 and its own filesystem-backed data directory, so several can run side by side in
 * one JVM and the data survives {@link #restart()}. The jar comes from the system property {@code s3proxy.jar}
 * (set by surefire/failsafe), else {@code target/s3proxy/s3proxy.jar}.
 *
 * <p>Starting the process takes a second or two of CPU, paid by nearly every integration test. So a server with
 * the default account that was never stopped or restarted is not ended by {@link #close()}: its buckets are
 * deleted and it waits, empty, for the next {@link #start()} of the same test JVM, which finds it as a new
 * server would be (no bucket, no object). A test that stops, restarts or configures its server gets a process of
 * its own.
 */
public final class S3ProxyServer implements AutoCloseable {
    private static final String IDENTITY = "ferry-test-identity";
    private static final String CREDENTIAL = "ferry-test-credential-not-a-secret";
    private static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Idle servers with the default account and no data, kept for the next start(). */
    private static final Deque<S3ProxyServer> IDLE = new ArrayDeque<>();
    private static final int MAX_IDLE = 2;

    private final Path home;
    private final Path dataDir;
    private final Path propertiesFile;
    private final Path logFile;
    private final int port;
    /** The account of this server: {@code s3proxy.identity}/{@code credential} of the extra properties, else the defaults. */
    private final String identity;
    private final String credential;
    private final Thread shutdownHook;
    private Process process;
    private S3Client client;
    /** Whether close() may keep the process for the next test: the default account, never stopped or restarted. */
    private boolean reusable;

    private S3ProxyServer(Path home, int port, Map<String, String> extraProperties) throws IOException {
        this.home = home;
        this.dataDir = Files.createDirectories(home.resolve("data"));
        this.port = port;
        this.identity = extraProperties.getOrDefault("s3proxy.identity", IDENTITY);
        this.credential = extraProperties.getOrDefault("s3proxy.credential", CREDENTIAL);
        this.reusable = extraProperties.isEmpty();
        this.propertiesFile = home.resolve("s3proxy.properties");
        Path logs = Files.createDirectories(targetDir().resolve("s3proxy-logs"));
        this.logFile = logs.resolve("s3proxy-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()
                + "-port" + port + ".log");
        writeProperties(extraProperties);
        this.shutdownHook = new Thread(() -> {
            destroyProcess();
            deleteTree(home); // an idle server kept for reuse is ended here
        }, "s3proxy-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server with the default properties and waits until it answers. */
    public static S3ProxyServer start() {
        return start(Map.of());
    }

    /** Starts a server with extra S3Proxy properties (they override the defaults) and waits until it answers. */
    public static S3ProxyServer start(Map<String, String> extraProperties) {
        if (extraProperties.isEmpty()) {
            Optional<S3ProxyServer> idle = takeIdle();
            if (idle.isPresent()) {
                return idle.get();
            }
        }
        // The free port is only free when we look: another process may take it first, so try a few.
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            S3ProxyServer server = prepare(extraProperties);
            try {
                server.launch();
                return server;
            } catch (RuntimeException e) {
                server.close();
                last = e;
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static S3ProxyServer prepare(Map<String, String> extraProperties) {
        Path home = null;
        try {
            home = Files.createTempDirectory("ferry-s3proxy-");
            return new S3ProxyServer(home, freePort(), extraProperties);
        } catch (IOException e) {
            if (home != null) {
                deleteTree(home);
            }
            throw new UncheckedIOException("cannot prepare S3Proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return identity;
    }

    public String secretKey() {
        return credential;
    }

    public String region() {
        return REGION;
    }

    /** Where this instance's objects live on disk (filesystem backend: one directory per bucket). */
    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** A path-style client for assertions; closed with the server. */
    public synchronized S3Client client() {
        if (client == null) {
            client = S3Client.builder()
                    .endpointOverride(endpoint())
                    .region(Region.of(REGION))
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(identity, credential)))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .build();
        }
        return client;
    }

    public void createBucket(String bucket) {
        client().createBucket(b -> b.bucket(bucket));
    }

    /** The object's bytes, or empty when there is no such object or no such bucket (yet). */
    public Optional<byte[]> readObjectBytes(String bucket, String key) {
        try {
            return Optional.of(client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return Optional.empty();
        }
    }

    /** The object's content as UTF-8 text, or empty when there is no such object. */
    public Optional<String> readObject(String bucket, String key) {
        return readObjectBytes(bucket, key).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** All keys in the bucket (none when it does not exist), without the filesystem backend's extra "dir/" entries for directories. */
    public List<String> listKeys(String bucket) {
        List<String> keys = new ArrayList<>();
        if (!client().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
            return keys;
        }
        for (S3Object object : client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (!object.key().endsWith("/")) {
                keys.add(object.key());
            }
        }
        return keys;
    }

    /** Stops the process; afterwards connections to the port are refused. */
    public synchronized void stop() {
        reusable = false;
        destroyProcess();
    }

    /** Starts the process again on the same port with the same data, and waits until it answers. */
    public synchronized void restart() {
        reusable = false;
        destroyProcess();
        launch();
    }

    /** An idle server that still answers, emptied by the close() that made it idle; else none. */
    private static Optional<S3ProxyServer> takeIdle() {
        while (true) {
            S3ProxyServer server;
            synchronized (IDLE) {
                server = IDLE.pollFirst();
            }
            if (server == null) {
                return Optional.empty();
            }
            synchronized (server) {
                if (server.process != null && server.process.isAlive() && server.answers()) {
                    return Optional.of(server);
                }
            }
            server.reusable = false;
            server.close();
        }
    }

    /** Deletes every bucket and object (the filesystem backend: one directory per bucket under the data dir). */
    private boolean emptied() {
        try (var buckets = Files.list(dataDir)) {
            buckets.forEach(S3ProxyServer::deleteTree);
        } catch (IOException e) {
            return false;
        }
        try (var left = Files.list(dataDir)) {
            return left.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (reusable && process != null && process.isAlive() && emptied()) {
            synchronized (IDLE) {
                if (IDLE.size() < MAX_IDLE) {
                    IDLE.addLast(this);
                    return;
                }
            }
        }
        destroyProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
        deleteTree(home);
    }

    private synchronized void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-jar", jarPath().toString(), "--properties", propertiesFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start S3Proxy: " + String.join(" ", builder.command()), e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with code " + process.exitValue()
                        + " before answering on port " + port + "; its output:\n" + logTail());
            }
            if (answers()) {
                return;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
            }
        }
        destroyProcess();
        throw new IllegalStateException("S3Proxy did not answer on port " + port + " within " + START_TIMEOUT
                + "; its output:\n" + logTail());
    }

    /** True once the port accepts a connection and an HTTP request gets any status line back. */
    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            return false;
        }
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void destroyProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void writeProperties(Map<String, String> extra) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("s3proxy.endpoint", endpoint().toString());
        values.put("s3proxy.authorization", "aws-v2-or-v4");
        values.put("s3proxy.identity", IDENTITY);
        values.put("s3proxy.credential", CREDENTIAL);
        values.put("s3proxy.ignore-unknown-headers", "true");
        values.put("jclouds.provider", "filesystem");
        values.put("jclouds.filesystem.basedir", dataDir.toString());
        values.putAll(extra);
        Properties properties = new Properties();
        properties.putAll(values);
        try (var out = Files.newOutputStream(propertiesFile)) {
            properties.store(out, "S3Proxy for Ferry tests");
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(logFile, StandardCharsets.UTF_8);
            return text.length() > 8000 ? text.substring(text.length() - 8000) : text;
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static Path jarPath() {
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar.toAbsolutePath()
                    + ": run `mvn generate-test-resources` first");
        }
        return jar;
    }

    private static Path targetDir() {
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
        Path parent = jar.getParent() == null ? null : jar.getParent().getParent();
        return parent != null ? parent : Path.of("target").toAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp directory does not fail a test
        }
    }
}
