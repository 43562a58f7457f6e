package dev.ferry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * The daemon as users run it: {@code java -jar target/ferry.jar} in its own process, configured through the
 * environment, its output in a log file under target/ferry-logs. When the tests run as root, the daemon runs
 * as {@code nobody} (through setpriv), as it would under its own systemd user, so file permissions mean what
 * they mean in production.
 */
public final class FerryProcess implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> SETPRIV = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    /**
     * The JVM options bin/ferry starts Ferry with (beside its heap): the serial collector, and on x86-64 the C1
     * compiler alone. The daemon runs here as it runs in production, and each start costs about 40% less CPU
     * than with the JVM's defaults (G1 and C2), which on a machine running the tests side by side is most of
     * the time a test spends starting Ferry.
     */
    private static final List<String> LAUNCHER_JVM_OPTIONS = launcherJvmOptions();

    private static volatile Boolean canLimitWatches;

    private final Map<String, String> env;
    private final Path logFile;
    private final int port;
    private List<String> wrapper = List.of();
    /** JVM options of this run beside the launcher's ({@link ClassArchive}'s training run). */
    private List<String> jvmOptions = List.of();
    private Process process;
    /** Where stderr goes when it is kept apart from stdout ({@link #runSplit}); null: both in the log file. */
    private Path errFile;

    private FerryProcess(Map<String, String> env, int port, String name) throws IOException {
        this.env = env;
        this.port = port;
        Path logs = Files.createDirectories(Path.of("target", "ferry-logs"));
        this.logFile = logs.resolve(name + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()
                + ".log");
    }

    /** Environment for sites from a config file: state in {@code stateDir}, S3 credentials and endpoint of {@code s3}. */
    public static Map<String, String> sitesEnv(Path stateDir, S3ProxyServer s3) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STATE_DIR", stateDir.toString());
        env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
        env.put("AWS_KEY", s3.accessKey());
        env.put("AWS_SECRET", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("SETTLE_TIME", "300ms");
        env.put("TIMEOUT", "5000");
        return env;
    }

    /** Environment for a daemon watching {@code watch} with state in {@code stateDir}, uploading to {@code s3}. */
    public static Map<String, String> baseEnv(Path watch, Path stateDir, S3ProxyServer s3) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WATCH_PATH", watch.toString());
        env.put("STATE_DIR", stateDir.toString());
        env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
        env.put("AWS_KEY", s3.accessKey());
        env.put("AWS_SECRET", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("SETTLE_TIME", "300ms");
        env.put("TIMEOUT", "5000");
        env.put("LOG_LEVEL", "info");
        return env;
    }

    /** Starts the daemon (with these command-line arguments) and waits until GET /status answers. */
    public static FerryProcess start(String name, Map<String, String> env, String... args) {
        return start(name, env, List.of(), args);
    }

    /**
     * Starts the daemon in a user namespace of its own whose inotify watch limit
     * ({@code /proc/sys/user/max_inotify_watches}) is {@code maxWatches}: a real "watch limit reached" for
     * this process alone, without root and without touching the machine's limit. Needs unprivileged user
     * namespaces: check {@link #canLimitInotifyWatches()} first.
     */
    public static FerryProcess startWithInotifyWatchLimit(String name, Map<String, String> env, int maxWatches) {
        return start(name, env, inotifyLimit(maxWatches), new String[0]);
    }

    /**
     * Starts the daemon through a wrapper command that ends by running the rest of its command line, for
     * example {@code List.of("prlimit", "--nofile=1024:1024", "--")} for a daemon with 1,024 open files at most.
     */
    public static FerryProcess startWrapped(String name, Map<String, String> env, List<String> wrapper,
            String... args) {
        return start(name, env, List.copyOf(wrapper), args);
    }

    /** Whether {@link #startWithInotifyWatchLimit} works here (Linux with unprivileged user namespaces). */
    public static boolean canLimitInotifyWatches() {
        if (canLimitWatches == null) {
            List<String> probe = new ArrayList<>(runningAsRoot() ? SETPRIV : List.of());
            probe.addAll(inotifyLimit(8));
            probe.add("true");
            try {
                Process p = new ProcessBuilder(probe).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                canLimitWatches = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                canLimitWatches = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return canLimitWatches;
    }

    private static List<String> inotifyLimit(int maxWatches) {
        return List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo " + maxWatches + " > /proc/sys/user/max_inotify_watches && exec \"$@\"", "ferry-ns");
    }

    /** Starts the daemon with these JVM options in place of the class data archive ({@link ClassArchive}). */
    static FerryProcess startWithJvmOptions(String name, Map<String, String> env, List<String> jvmOptions) {
        return start(name, env, List.of(), List.copyOf(jvmOptions), new String[0]);
    }

    private static FerryProcess start(String name, Map<String, String> env, List<String> wrapper, String... args) {
        return start(name, env, wrapper, List.of(), args);
    }

    private static FerryProcess start(String name, Map<String, String> env, List<String> wrapper,
            List<String> jvmOptions, String... args) {
        try {
            int port = freePort();
            Map<String, String> all = new LinkedHashMap<>(env);
            all.putIfAbsent("PORT", Integer.toString(port));
            FerryProcess p = new FerryProcess(all, Integer.parseInt(all.get("PORT")), name);
            p.wrapper = wrapper;
            p.jvmOptions = jvmOptions;
            p.launch(args);
            try {
                p.awaitStatus();
            } catch (RuntimeException | Error e) {
                p.close(); // a daemon that never answered must not outlive its failed test
                throw e;
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts ferry and returns at once, for a run that opens no status server (seed 004's config.txt with a
     * sync_interval): poll what it does, then {@link #stop()} it.
     */
    public static FerryProcess launch(String name, Map<String, String> env, String... args) {
        try {
            FerryProcess p = new FerryProcess(new LinkedHashMap<>(env), 0, name);
            p.launch(args);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the daemon to its end (for start-up errors) and returns its exit code; output in {@link #log()}. */
    public static FerryProcess run(String name, Map<String, String> env, String... args) {
        return runToEnd(name, env, false, args);
    }

    /**
     * As {@link #run}, with stdout and stderr kept apart: {@link #stdout()} holds the results alone and
     * {@link #stderr()} the logs; {@link #log()} holds both.
     */
    public static FerryProcess runSplit(String name, Map<String, String> env, String... args) {
        return runToEnd(name, env, true, args);
    }

    /** Launches Ferry and waits up to 60 s for it to exit; {@code split}: stderr in a file of its own. */
    private static FerryProcess runToEnd(String name, Map<String, String> env, boolean split, String... args) {
        try {
            FerryProcess p = new FerryProcess(new LinkedHashMap<>(env), 0, name);
            if (split) {
                p.errFile = p.logFile.resolveSibling(p.logFile.getFileName().toString().replace(".log", ".stderr.log"));
            }
            p.launch(args);
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                p.process.destroyForcibly();
                throw new AssertionError("ferry did not exit within 60 s:\n" + p.log());
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What the process wrote on stdout (with {@link #runSplit}; else stdout and stderr together). */
    public String stdout() {
        return read(logFile);
    }

    /** What the process wrote on stderr (with {@link #runSplit}; else nothing). */
    public String stderr() {
        return errFile == null ? "" : read(errFile);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Makes test folders usable by the unprivileged daemon when the tests run as root. */
    public static void shareWithDaemon(Path... dirs) {
        for (Path dir : dirs) {
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void launch(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.addAll(SETPRIV);
        }
        command.addAll(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(LAUNCHER_JVM_OPTIONS);
        Path jar = Path.of(System.getProperty("ferry.jar", "target/ferry.jar"));
        command.addAll(jvmOptions.isEmpty() ? ClassArchive.options(jar) : jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(errFile == null)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (errFile != null) {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(errFile.toFile()));
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("MONGO_URL"));
        pb.environment().putAll(env);
        pb.environment().put("LANG", "C.UTF-8");
        process = pb.start();
        alive(process);
    }

    /** Every Ferry process the tests started that is still running: none outlives the test JVM. */
    private static final java.util.Set<Process> ALIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        // a test that fails (or a JVM that ends) before it stops its daemon, a training run cut short: all killed
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly),
                "ferry-processes-stop"));
    }

    private static void alive(Process process) {
        ALIVE.add(process);
        process.onExit().thenRun(() -> ALIVE.remove(process));
    }

    private void awaitStatus() {
        Awaitility.await("GET /status of ferry on port " + port).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("ferry exited with " + process.exitValue() + ":\n" + log());
                    }
                    return statusCode() == 200;
                });
    }

    private int statusCode() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url("/status"))).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The port of the daemon's HTTP server. */
    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** GET {@code path} and parse the JSON body. */
    public JsonNode getJson(String path) {
        try {
            return JSON.readTree(get(path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET {@code path}: status, headers and body as text. */
    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends {@code method path} (no body) with {@code Authorization: Bearer token} when a token is given. */
    public HttpResponse<String> send(String method, String path, Optional<String> token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@link #send} with the token, expecting 2xx; the JSON body. */
    public JsonNode admin(String method, String path, String token) {
        HttpResponse<String> r = send(method, path, Optional.of(token));
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode status() {
        return getJson("/status");
    }

    /** The sum over buckets of a numeric /status field (for example "uploaded"). */
    public long total(String field) {
        long sum = 0;
        for (JsonNode bucket : status().path("buckets")) {
            sum += bucket.path(field).asLong();
        }
        return sum;
    }

    /** SIGKILL: no chance to flush anything. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ferry did not stop within 90 s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** The daemon's process id (setpriv and the namespace wrapper exec the JVM in place). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() {
        return stdout() + stderr();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<String> launcherJvmOptions() {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        return x86 ? List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1") : List.of("-XX:+UseSerialGC");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
