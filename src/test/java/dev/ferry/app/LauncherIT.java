package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ferry} as people run it: from the checkout (target/ferry.jar) and from the unpacked distribution
 * archive (lib/ferry.jar), through a symlink, with JAVA_HOME and FERRY_JAVA_OPTS, and failing clearly when
 * there is no java or no jar. Runs after {@code package}, which builds both.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = ROOT.resolve("bin/ferry");
    private static Path archive;

    @TempDir
    Path tmp;

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void findArchive() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("target"))) {
            List<Path> found = files.filter(p -> p.getFileName().toString().matches("ferry-.+\\.tar\\.gz")).toList();
            assertThat(found).as("target/ferry-VERSION.tar.gz from 'mvn package'").hasSize(1);
            archive = found.get(0);
        }
    }

    @Test
    void runsTheCheckoutsJarWithVersionAndHelp() throws Exception {
        Result version = run(env(), LAUNCHER.toString(), "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).matches("ferry \\S+\\R");
        assertThat(version.err()).isEmpty();

        Result help = run(env(), LAUNCHER.toString(), "--help");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: ferry").contains("sync").contains("verify");
    }

    @Test
    void theArchiveHoldsAnInstallThatRunsThroughASymlink() throws Exception {
        Path home = unpack();
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/ferry")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String file : List.of("lib/ferry.jar", "config.example.yml", "packaging/systemd/ferry.service",
                "packaging/systemd/ferry.env.example", "README.md", "LICENSE", "docs/configuration.md",
                "docs/operations.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        // As installed: /usr/local/bin/ferry -> /opt/ferry/bin/ferry, run from elsewhere by its link.
        Path links = Files.createDirectories(tmp.resolve("usr/local/bin"));
        Path link = Files.createSymbolicLink(links.resolve("ferry"), home.resolve("bin/ferry"));
        Path linkToLink = Files.createSymbolicLink(tmp.resolve("f"), tmp.relativize(link));

        Map<String, String> env = env();
        env.put("FERRY_JAVA_OPTS", "-XshowSettings:properties");
        Result version = run(env, linkToLink.toString(), "--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).matches("ferry \\S+\\R");
        // The archive's own jar, not the checkout's target/ferry.jar.
        assertThat(version.err()).contains("java.class.path = " + home.toRealPath().resolve("lib/ferry.jar"));

        Result help = run(env(), link.toString(), "--help");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: ferry");
    }

    @Test
    void startsJavaWithFerrysOptionsAndFerryJavaOptsWin() throws Exception {
        Map<String, String> env = env();
        env.put("FERRY_JAVA_OPTS", "-XshowSettings:vm");
        Result defaults = run(env, LAUNCHER.toString(), "--version");
        assertThat(defaults.exit()).as(defaults.err()).isZero();
        assertThat(defaults.err()).contains("Max. Heap Size: 512.00M");

        env.put("FERRY_JAVA_OPTS", "-Xmx300m -XshowSettings:vm");
        Result smaller = run(env, LAUNCHER.toString(), "--version");
        assertThat(smaller.err()).contains("Max. Heap Size: 300.00M");

        // A heap sized by share of memory (as the image does) drops the default -Xmx, which would override it.
        env.put("FERRY_JAVA_OPTS", "-XX:MaxRAMPercentage=1 -XshowSettings:vm");
        Result share = run(env, LAUNCHER.toString(), "--version");
        assertThat(share.err()).contains("Max. Heap Size").doesNotContain("512.00M");

        env.put("FERRY_JAVA_OPTS", "-XX:+NoSuchFerryOption");
        Result bogus = run(env, LAUNCHER.toString(), "--version");
        assertThat(bogus.exit()).isNotZero();
        assertThat(bogus.err()).contains("NoSuchFerryOption");
        assertThat(bogus.out()).doesNotContain("ferry ");
    }

    @Test
    void aClassArchiveThatNoLongerMatchesIsIgnoredAndStaysOffStdout() throws Exception {
        // An archive made for the checkout's jar, then used with the archive's jar (another file): stale.
        Path jsa = tmp.resolve("ferry.jsa");
        Map<String, String> env = env();
        env.put("FERRY_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + jsa);
        Result training = run(env, LAUNCHER.toString(), "--version");
        assertThat(training.exit()).as(training.err()).isZero();
        assertThat(jsa).isRegularFile();

        Path home = unpack();
        env.put("FERRY_JAVA_OPTS", "-XX:SharedArchiveFile=" + jsa);
        Result stale = run(env, home.resolve("bin/ferry").toString(), "--version");
        assertThat(stale.exit()).as(stale.err()).isZero();
        // The JVM's warning about it (JDK 17 prints one) goes to stderr, not into the results.
        assertThat(stale.out()).matches("ferry \\S+\\R");
    }

    @Test
    void usesTheClassDataArchiveBesideItsJarOnlyWithTheJavaThatMadeItAndStartsWithoutOneThatDoesNotMatch()
            throws Exception {
        Path home = unpack();
        Path launcher = home.resolve("bin/ferry");
        Path jar = home.toRealPath().resolve("lib/ferry.jar");
        Path jsa = jar.resolveSibling("ferry.jsa");
        Path jdk = jar.resolveSibling("ferry.jsa.jdk");
        // Made as packaging/cds-train makes it: a run of the launcher itself with ArchiveClassesAtExit, and the
        // runtime version of the JDK that made it beside it.
        Map<String, String> env = env();
        env.put("FERRY_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + jsa);
        Result training = run(env, launcher.toString(), "--version");
        assertThat(training.exit()).as(training.err()).isZero();
        assertThat(jsa).isRegularFile();
        Files.writeString(jdk, runtimeVersion() + "\n");

        Path loaded = tmp.resolve("loaded.txt");
        env.put("FERRY_JAVA_OPTS", "-Xlog:class+load=info:file=" + loaded);
        Result used = run(env, launcher.toString(), "--version");
        assertThat(used.exit()).as(used.err()).isZero();
        assertThat(used.out()).matches("ferry \\S+\\R");
        assertThat(used.err()).isEmpty();
        assertThat(Files.readString(loaded)).contains("dev.ferry.app.Main source: shared objects file (top)");

        // Made by another JDK: not given to this one (which would then start without its own default archive too).
        Files.writeString(jdk, "\"17.0.0+0-another-build\"\n");
        env.put("FERRY_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        Result foreign = run(env, launcher.toString(), "--version");
        assertThat(foreign.exit()).as(foreign.err()).isZero();
        assertThat(foreign.out()).contains("ferry ").doesNotContain("SharedArchiveFile");

        // A jar replaced since (another time), then a damaged archive: given, left aside by the JVM, silently.
        Files.writeString(jdk, runtimeVersion() + "\n");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() - 3_600_000));
        Result stale = run(env, launcher.toString(), "--version");
        assertThat(stale.exit()).as(stale.err()).isZero();
        assertThat(stale.out()).contains("-XX:SharedArchiveFile=" + jsa).contains("ferry ");
        assertThat(stale.err()).isEmpty();
        Files.write(jsa, new byte[4096]);
        Result damaged = run(env, launcher.toString(), "--version");
        assertThat(damaged.exit()).as(damaged.err()).isZero();
        assertThat(damaged.out()).contains("ferry ");
        assertThat(damaged.err()).isEmpty();

        // FERRY_JAVA_OPTS that choose an archive or cache of their own win: the launcher adds none.
        env.put("FERRY_JAVA_OPTS", "-Xshare:off -XX:+PrintCommandLineFlags");
        Result own = run(env, launcher.toString(), "--version");
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(own.out()).doesNotContain("SharedArchiveFile");
    }

    /** JAVA_RUNTIME_VERSION of the release file of the JDK running the tests, the launcher's java here (env()). */
    private static String runtimeVersion() throws IOException {
        return Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
                .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION=")).map(l -> l.substring("JAVA_RUNTIME_VERSION=".length()))
                .findFirst().orElseThrow();
    }

    @Test
    void usesJavaHomeAndHandsOverArgumentsAndExitCodeThroughExec() throws Exception {
        Path javaHome = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path argsFile = tmp.resolve("args");
        Path fakeJava = javaHome.resolve("java");
        // A java that records its process id and arguments, one per line, and exits 42.
        Files.writeString(fakeJava, "#!/bin/sh\necho $$ > '" + argsFile + "'\nfor a in \"$@\"; do printf '%s\\n' \"$a\" "
                + ">> '" + argsFile + "'; done\nexit 42\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = env();
        env.put("JAVA_HOME", tmp.resolve("jdk").toString());
        env.put("FERRY_JAVA_OPTS", "-Dferry.test=1");

        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "sync", "a b", "--dry-run");
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the exit code of java").isEqualTo(42);

        List<String> lines = Files.readAllLines(argsFile);
        assertThat(lines.get(0)).as("java runs in the launcher's own process (exec), so it gets its signals")
                .isEqualTo(Long.toString(p.pid()));
        List<String> args = lines.subList(1, lines.size());
        assertThat(args).containsSubsequence("-Xlog:all=warning:stderr", "-XX:+ExitOnOutOfMemoryError", "-Xmx512m", "-XX:+UseSerialGC",
                "-Dferry.test=1", "-jar", ROOT.resolve("target/ferry.jar").toString(), "sync", "a b", "--dry-run");
        if (System.getProperty("os.arch").matches("amd64|x86_64")) {
            assertThat(args).containsSubsequence("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dferry.test=1");
        } else {
            assertThat(args).doesNotContain("-XX:TieredStopAtLevel=1");
        }
    }

    @Test
    void sqlitesLibraryComesFromBesideTheJarSoATemporaryFolderThatCannotBeWrittenStopsNoStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64|aarch64"), "bin/ferry ships it for Linux");
        Path notAFolder = Files.writeString(tmp.resolve("not-a-folder"), "x");
        Path tmpdir = notAFolder.resolve("tmp"); // neither there nor possible: a full or read-only /tmp alike
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "a");
        Map<String, String> env = env();
        env.put("AWS_ACCESS_KEY_ID", "x");
        env.put("AWS_SECRET_ACCESS_KEY", "y");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9"); // nothing listens: the sync fails after the store opens

        env.put("FERRY_JAVA_OPTS", "-Djava.io.tmpdir=" + tmpdir);
        Path state = tmp.resolve("state");
        Result launched = run(env, LAUNCHER.toString(), "sync", src.toString(), "s3://bucket", "--state-dir",
                state.toString(), "--no-progress");
        assertThat(launched.err()).doesNotContain("cannot open the state store");
        assertThat(launched.out()).contains("cannot list objects");
        try (Stream<Path> files = Files.walk(state)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("ferry.db"))).hasSize(1);
        }

        // without the launcher, the driver must unpack it there, and the error says so rather than blame the file
        env.remove("FERRY_JAVA_OPTS");
        Result bare = run(env, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpdir, "-jar", ROOT.resolve("target/ferry.jar").toString(), "sync",
                src.toString(), "s3://bucket", "--state-dir", tmp.resolve("state2").toString(), "--no-progress");
        assertThat(bare.exit()).as("the state store cannot be opened: nothing was started").isEqualTo(2);
        assertThat(bare.err()).contains("SQLite's native library cannot be loaded")
                .contains("temporary folder " + tmpdir + " (java.io.tmpdir)");
    }

    @Test
    void failsWithOneLineWithoutJavaOrJar() throws Exception {
        Map<String, String> env = env();
        env.put("JAVA_HOME", tmp.resolve("no-such-jdk").toString());
        Result badHome = run(env, LAUNCHER.toString(), "--version");
        assertThat(badHome.exit()).isEqualTo(127);
        assertThat(badHome.err()).hasLineCount(1).contains("JAVA_HOME").contains("no-such-jdk");

        env.remove("JAVA_HOME");
        env.put("PATH", Files.createDirectories(tmp.resolve("empty-path")).toString());
        Result noJava = run(env, "/bin/sh", LAUNCHER.toString(), "--version");
        assertThat(noJava.exit()).isEqualTo(127);
        assertThat(noJava.err()).hasLineCount(1).contains("no java").contains("JAVA_HOME");

        Path bin = Files.createDirectories(tmp.resolve("bare/bin"));
        Path copy = Files.copy(LAUNCHER, bin.resolve("ferry"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result noJar = run(env(), copy.toString(), "--version");
        assertThat(noJar.exit()).isEqualTo(127);
        assertThat(noJar.err()).hasLineCount(1).contains("no ferry.jar").contains("mvn -B package");
    }

    private Path unpack() throws Exception {
        Path into = Files.createDirectories(tmp.resolve("opt"));
        Result tar = run(env(), "tar", "-xzf", archive.toString(), "-C", into.toString());
        assertThat(tar.exit()).as(tar.err()).isZero();
        try (Stream<Path> top = Files.list(into)) {
            List<Path> dirs = top.toList();
            assertThat(dirs).as("one folder ferry-VERSION at the top").hasSize(1);
            assertThat(dirs.get(0).getFileName().toString()).matches("ferry-.+");
            return dirs.get(0);
        }
    }

    /** The test's environment without JAVA_HOME and FERRY_JAVA_OPTS, so each test sets what it checks. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("FERRY_JAVA_OPTS");
        env.remove("JAVA_HOME");
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv().getOrDefault("PATH",
                "/usr/bin:/bin"));
        return env;
    }

    /** Runs {@code command} in an empty folder of its own, so that nothing depends on the working folder. */
    private Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.directory(Files.createDirectories(tmp.resolve("cwd")).toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
