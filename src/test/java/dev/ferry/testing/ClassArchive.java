package dev.ferry.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A class data archive (AppCDS) of the jar the tests run, as bin/ferry uses one (packaging/cds-train): every
 * daemon and one-shot run the tests start loads the classes it holds from it instead of from the jar, about 0.9 s
 * less CPU per start. The tests start a few hundred.
 *
 * <p>It is made once, in the background, by the first test JVM that starts Ferry: a training daemon uploads a few
 * files to S3Proxy and stops with {@code -XX:ArchiveClassesAtExit}. Until it is there (and if it cannot be made),
 * Ferry starts without one, exactly as before; a lock file makes the other test JVM of a side-by-side run leave the
 * training to the first. The archive is named after the jar's size and time, so a rebuilt jar gets its own; the
 * JVM checks the rest itself. Its log lines about the archive are off: a daemon's output is the same with or
 * without it.
 */
final class ClassArchive {
    private static final Object LOCK = new Object();
    private static boolean trainingStarted;
    private static volatile FerryProcess training;

    private ClassArchive() {
    }

    /** The JVM options that map the archive when it is ready; none until then. */
    static List<String> options(Path jar) {
        Path archive;
        try {
            archive = archiveOf(jar);
        } catch (IOException e) {
            return List.of();
        }
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
        }
        synchronized (LOCK) {
            if (!trainingStarted) {
                trainingStarted = true;
                Thread t = new Thread(() -> train(jar, archive), "class-archive-training");
                t.setDaemon(true);
                t.start();
            }
        }
        return List.of();
    }

    private static Path archiveOf(Path jar) throws IOException {
        return jar.toAbsolutePath().resolveSibling("cds").resolve("ferry-" + Files.size(jar) + "-"
                + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
    }

    private static void train(Path jar, Path archive) {
        Path work = null;
        try {
            Files.createDirectories(archive.getParent());
            try (FileChannel channel = FileChannel.open(archive.resolveSibling("training.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock()) {
                if (lock == null || Files.isRegularFile(archive)) {
                    return; // the other test JVM trains, or has
                }
                work = Files.createTempDirectory("ferry-cds-");
                Path watch = Files.createDirectories(work.resolve("watch"));
                Path state = Files.createDirectories(work.resolve("state"));
                Path folder = Files.createDirectories(watch.resolve("training"));
                FerryProcess.shareWithDaemon(work, watch, state, folder);
                Path made = work.resolve("ferry.jsa");
                try (S3ProxyServer s3 = S3ProxyServer.start()) {
                    Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
                    training = FerryProcess.startWithJvmOptions("class-archive-training", env,
                            List.of("-XX:ArchiveClassesAtExit=" + made));
                    for (int i = 0; i < 5; i++) {
                        Files.writeString(folder.resolve(i + ".txt"), "training " + i, StandardCharsets.UTF_8);
                    }
                    await("training uploads").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                            .until(() -> {
                                try {
                                    return s3.listKeys("training").size() == 5;
                                } catch (RuntimeException e) {
                                    return false;
                                }
                            });
                    training.status();
                    int exit = training.stop();
                    training = null;
                    if (exit != 0 || !Files.isRegularFile(made) || Files.size(made) == 0) {
                        System.err.println("no class data archive for the tests' Ferry runs: the training run exited "
                                + exit + "; they start without one");
                        return;
                    }
                }
                Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
                Files.copy(made, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                try (Stream<Path> archives = Files.list(archive.getParent())) {
                    for (Path old : archives.filter(p -> p.getFileName().toString().endsWith(".jsa") && !p.equals(archive))
                            .toList()) {
                        Files.deleteIfExists(old); // of an earlier jar (a JVM that maps it keeps it until it ends)
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            System.err.println("no class data archive for the tests' Ferry runs (" + e + "); they start without one");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            FerryProcess p = training;
            if (p != null) {
                p.close();
            }
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind
        }
    }
}
