package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quick start, {@code ./run-local}: it refuses a port that is taken before it starts anything, and neither
 * S3Proxy nor Ferry outlives it when the script alone gets a signal. Runs after {@code package}, so the script
 * finds the jars and builds nothing.
 */
class RunLocalIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;
    Path demo;
    Process script;
    Path errors;

    @BeforeEach
    void setUp() {
        assertThat(ROOT.resolve("target/ferry.jar")).as("built by 'mvn package'").isRegularFile();
        assertThat(ROOT.resolve("target/s3proxy/s3proxy.jar")).as("copied by 'mvn package'").isRegularFile();
        demo = tmp.resolve("demo");
    }

    @AfterEach
    void tearDown() {
        if (script != null && script.isAlive()) {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"S3_PORT", "PORT"})
    void refusesATakenPortBeforeStartingAnything(String variable) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            int other = freePort();
            Map<String, String> ports = variable.equals("S3_PORT")
                    ? Map.of("S3_PORT", Integer.toString(port), "PORT", Integer.toString(other))
                    : Map.of("S3_PORT", Integer.toString(other), "PORT", Integer.toString(port));
            script = start(ports);
            assertThat(script.waitFor(30, TimeUnit.SECONDS)).as("run-local gives up at once").isTrue();
            String err = Files.readString(errors, StandardCharsets.UTF_8);
            assertThat(script.exitValue()).isEqualTo(1);
            assertThat(err).hasLineCount(1).contains("port " + port).contains(variable);
            assertThat(demo).as("nothing was set up or started").doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aSignalToTheScriptAloneStopsFerryAndS3Proxy(String signal) throws Exception {
        int s3Port = freePort();
        int port = freePort();
        script = start(Map.of("S3_PORT", Integer.toString(s3Port), "PORT", Integer.toString(port)));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> !script.isAlive() || ready(port));
        assertThat(script.isAlive()).as("run-local is running").isTrue();
        List<ProcessHandle> children = script.descendants().toList();
        assertThat(children).as("S3Proxy and Ferry").hasSizeGreaterThanOrEqualTo(2);

        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(script.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();

        assertThat(script.waitFor(90, TimeUnit.SECONDS)).as("run-local ends").isTrue();
        assertThat(script.exitValue()).isEqualTo(signal.equals("TERM") ? 143 : 130);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(accepts(s3Port)).as("S3Proxy's port is closed").isFalse();
        assertThat(accepts(port)).as("Ferry's port is closed").isFalse();
        assertThat(Files.readString(demo.resolve("s3proxy.log"))).isNotEmpty();
    }

    /** Whether env can give a command the default action of signals (GNU coreutils 8.31 and later). */
    private static final boolean DEFAULT_SIGNALS = defaultSignals();

    private static boolean defaultSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Process start(Map<String, String> ports) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        if (DEFAULT_SIGNALS) {
            // as from a terminal: a shell started in the background of a shell without job control (nohup ... &)
            // ignores SIGINT, passes that on to this JVM, and a script cannot trap a signal ignored at its start
            command.addAll(List.of("env", "--default-signal=INT,TERM,HUP"));
        }
        command.add(ROOT.resolve("run-local").toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("FERRY_JAVA_OPTS");
        pb.environment().putAll(ports);
        pb.environment().put("DEMO_DIR", demo.toString());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Path log = Files.createDirectories(ROOT.resolve("target/ferry-logs"))
                .resolve("run-local-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log");
        errors = tmp.resolve("stderr");
        return pb.redirectOutput(log.toFile()).redirectError(errors.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static boolean ready(int port) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
