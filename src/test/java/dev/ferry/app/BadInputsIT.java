package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.Normalizer;
import java.util.Collections;
import java.util.Map;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Odd files and names among ordinary ones, in one daemon run: each case says what the user sees (the log,
 * {@code /status}, {@code ferry failed}) and that the ordinary files of the same folder still arrive. S3 is
 * reached through a {@link CountingProxy}, so a test can count the requests each key took.
 */
class BadInputsIT extends DaemonTestBase {
    private static final String TOKEN = "bad-inputs-admin-token-0123456789";

    private CountingProxy proxy;

    @AfterEach
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private Map<String, String> envThroughProxy() {
        proxy = CountingProxy.start(s3.port());
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        env.put("ADMIN_TOKEN", TOKEN);
        return env;
    }

    @Test
    void oddEntriesAndNamesAreEachReportedAndHoldUpNoOrdinaryFileOfTheirFolder() throws Exception {
        Files.createDirectories(watch.resolve("odd"));
        FerryProcess.shareWithDaemon(watch.resolve("odd"));
        // a loop of links among the files: it once ended the start-up sweep of the whole bucket folder
        Files.createSymbolicLink(watch.resolve("odd/loop1"), watch.resolve("odd/loop2"));
        Files.createSymbolicLink(watch.resolve("odd/loop2"), watch.resolve("odd/loop1"));
        for (int i = 0; i < 20; i++) {
            write("odd/before-" + i + ".txt", "before " + i);
        }
        String longKey = String.join("/", Collections.nCopies(5, "d".repeat(200))) + "/" + "e".repeat(95);
        assertThat(longKey.getBytes(StandardCharsets.UTF_8)).hasSize(1_100);
        Path tooLong = write("odd/" + longKey, "a key S3 cannot take");
        Path target = write("elsewhere/target.txt", "the target's content");
        Files.createSymbolicLink(watch.resolve("odd/link.txt"), target);
        write("odd/empty.txt", "");
        String nfc = Normalizer.normalize("café-é.txt", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize("café-é.txt", Normalizer.Form.NFD);
        assertThat(nfc).isNotEqualTo(nfd);
        write("odd/" + nfc, "composed");
        write("odd/" + nfd, "decomposed");
        write("odd/new\nline.txt", "a name with a line break");
        Map<String, String> env = envThroughProxy();
        env.put("MULTIPART_THRESHOLD", "5MiB");
        env.put("MULTIPART_PART_SIZE", "5MiB");
        ferry = FerryProcess.start("bad-inputs", env);

        for (int i = 0; i < 20; i++) {
            awaitObject("odd", "before-" + i + ".txt", "before " + i);
        }
        awaitObject("odd", "link.txt", "the target's content");
        awaitObject("odd", "empty.txt", "");
        awaitObject("odd", nfc, "composed");
        awaitObject("odd", nfd, "decomposed");
        awaitObject("odd", "new\nline.txt", "a name with a line break");

        // 1,100-byte key: failed, with the reason, in the record, /status and the log (one line)
        await().atMost(DEADLINE).until(() -> record(tooLong).map(FileRecord::status).orElse(null) == FileStatus.FAILED);
        FileRecord longRecord = record(tooLong).orElseThrow();
        assertThat(longRecord.reason()).contains("key too long: 1100 bytes in UTF-8, S3 allows 1024");
        assertThat(longRecord.permanent()).isTrue();
        assertThat(bucket("odd").path("failed").asLong()).isEqualTo(1);
        assertThat(bucket("odd").path("lastError").path("path").asText()).isEqualTo(tooLong.toString());
        await().atMost(DEADLINE).until(() -> !logLines(tooLong + ": not uploaded: key too long").isEmpty());
        assertThat(logLines(tooLong + ": not uploaded: key too long")).hasSize(1);

        // the line break is written as \n: one line per event, and no line forged by the name
        // (an object is in S3 a moment before its upload is logged)
        await().atMost(DEADLINE).until(() -> logLines("odd/new\\nline.txt: uploaded 24 bytes").size() == 1
                && logLines("odd/empty.txt: uploaded 0 bytes").size() == 1);
        assertThat(ferry.log().lines().filter(l -> l.startsWith("line.txt"))).isEmpty();

        // after start: a FIFO, a socket, a file gone before its upload, a file made unreadable during its upload
        mkfifo(watch.resolve("odd/pipe.jpg"));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(watch.resolve("odd/sock.jpg")));
        }
        Path fleeting = write("odd/fleeting.txt", "deleted before it settled");
        Files.delete(fleeting);
        byte[] big = new byte[5 * 1024 * 1024 + 4096]; // two parts
        new Random(15).nextBytes(big);
        Path locked = watch.resolve("odd/locked.bin");
        AtomicBoolean lockedOnce = new AtomicBoolean();
        proxy.beforeForwarding(head -> {
            // after its checksum pass, before its parts are read: unreadable in the middle of its upload, once
            if (head.startsWith("POST /odd/locked.bin?uploads") && lockedOnce.compareAndSet(false, true)) {
                setPermissions(locked, "---------");
            }
        });
        Files.write(locked, big);
        write("odd/after.txt", "after");

        awaitObject("odd", "after.txt", "after");
        await().atMost(DEADLINE).until(() -> ferry.log().contains("odd/pipe.jpg: skipped, not a regular file")
                && ferry.log().contains("odd/sock.jpg: skipped, not a regular file"));
        await().atMost(DEADLINE).until(() -> record(locked).map(FileRecord::status).orElse(null) == FileStatus.FAILED);
        FileRecord lockedRecord = record(locked).orElseThrow();
        assertThat(lockedRecord.reason()).contains("odd/locked.bin: cannot read file: permission denied");
        assertThat(lockedRecord.permanent()).as("retried").isFalse();
        // the record is written a moment before the retry is logged
        await().atMost(DEADLINE).until(() -> !logLines("odd/locked.bin: upload failed (attempt ").isEmpty());
        assertThat(logLines("odd/locked.bin: upload failed (attempt "))
                .allSatisfy(l -> assertThat(l).contains("permission denied"));

        String failed = ferryFailed();
        assertThat(failed).contains(locked.toString()).contains("automatically")
                .contains("cannot read file: permission denied");
        assertThat(failed).contains("never (move it)").contains("key too long"); // a new name is the only cure
        assertThat(failed).doesNotContain("fleeting").doesNotContain("pipe.jpg").doesNotContain("sock.jpg")
                .doesNotContain("loop1");

        setPermissions(locked, "rw-r--r--");
        await("odd/locked.bin after it became readable").atMost(DEADLINE)
                .until(() -> s3.readObjectBytes("odd", "locked.bin").filter(b -> java.util.Arrays.equals(b, big))
                        .isPresent());
        await().atMost(DEADLINE).until(() -> bucket("odd").path("failed").asLong() == 1);
        assertThat(record(locked).map(FileRecord::status)).contains(FileStatus.UPLOADED);

        assertThat(s3.readObject("odd", "pipe.jpg")).isEmpty();
        assertThat(s3.readObject("odd", "sock.jpg")).isEmpty();
        assertThat(s3.readObject("odd", "loop1")).isEmpty();
        assertThat(s3.readObject("odd", "fleeting.txt")).as("deleted before its upload").isEmpty();
        assertThat(record(fleeting).map(FileRecord::status)).isNotEqualTo(Optional.of(FileStatus.FAILED));
        assertThat(ferry.log().lines().filter(l -> l.contains("fleeting") && (l.contains("WARN") || l.contains("ERROR"))))
                .as("a file deleted before its upload is routine").isEmpty();
        assertThat(ferry.log().lines().filter(l -> l.contains("loop1") || l.contains("loop2")))
                .as("sweeps pass over a loop of links quietly").isEmpty();
        await().atMost(DEADLINE).until(() -> logLines(": uploaded ").size() >= 28);
        assertThat(logLines(": uploaded ")).as("every upload once: 27 files and locked.bin").hasSize(28);
    }

    @Test
    void aFileInAFolderThatCanBeListedButNotSearchedIsRecordedFailedWithTheReasonAndGoesOnceItCanBeRead()
            throws Exception {
        Files.createDirectories(watch.resolve("odd/locked"));
        FerryProcess.shareWithDaemon(watch.resolve("odd"));
        Path inside = write("odd/locked/scan.pdf", "a scan");
        write("odd/open.txt", "open");
        setPermissions(watch.resolve("odd/locked"), "rw-r--r--"); // listed, but no entry in it can be stat'ed
        ferry = FerryProcess.start("unsearchable", envThroughProxy());

        awaitObject("odd", "open.txt", "open");
        await().atMost(DEADLINE).until(() -> record(inside).map(FileRecord::status).orElse(null) == FileStatus.FAILED);
        FileRecord failed = record(inside).orElseThrow();
        assertThat(failed.reason()).contains("permission denied: its folder can be listed but not searched");
        assertThat(failed.permanent()).as("retried").isFalse();
        await().atMost(DEADLINE).until(() -> bucket("odd").path("failed").asLong() == 1);
        assertThat(ferryFailed()).contains(inside.toString()).contains("cannot read it: permission denied");
        assertThat(ferry.log()).as("what it is cannot be told").doesNotContain("is not a folder");

        setPermissions(watch.resolve("odd/locked"), "rwxr-xr-x");
        HttpResponse<String> wakeup = ferry.send("POST", "/wakeup", Optional.of(TOKEN));
        assertThat(wakeup.statusCode()).isLessThan(300);
        awaitObject("odd", "locked/scan.pdf", "a scan");
        await().atMost(DEADLINE).until(() -> bucket("odd").path("failed").asLong() == 0);
        await().atMost(DEADLINE).until(() -> record(inside).map(FileRecord::status).orElse(null) == FileStatus.UPLOADED);
    }

    @Test
    void aFileGrowingForManySettleTimesArrivesOnceCompleteAndItsNeighboursArriveMeanwhile() throws Exception {
        Map<String, String> env = envThroughProxy();
        env.put("SETTLE_TIME", "1s");
        Files.createDirectories(watch.resolve("video"));
        FerryProcess.shareWithDaemon(watch.resolve("video"));
        ferry = FerryProcess.start("growing", env);

        Path file = watch.resolve("video/clip.bin");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        long started = System.nanoTime();
        boolean neighbourWritten = false;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            // a write every 200 ms for at least six settle times, and until a neighbour arrived meanwhile
            for (int i = 0; ; i++) {
                byte[] chunk = ("chunk " + i + " " + "x".repeat(4000) + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(chunk);
                out.flush();
                expected.write(chunk);
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                if (!neighbourWritten && elapsedMs > 1_000) {
                    write("video/neighbour.txt", "written while clip.bin grows");
                    neighbourWritten = true;
                }
                if (elapsedMs > 6_000 && s3.readObject("video", "neighbour.txt").isPresent()) {
                    break;
                }
                assertThat(elapsedMs).as("the neighbour arrives while clip.bin grows").isLessThan(DEADLINE.toMillis());
                assertThat(puts("/video/clip.bin")).as("nothing of clip.bin sent while it grows").isZero();
                LockSupport.parkNanos(200_000_000L); // the writer's pace, not a wait for an outcome
            }
        }
        byte[] content = expected.toByteArray();
        await("video/clip.bin complete").atMost(DEADLINE)
                .until(() -> s3.readObjectBytes("video", "clip.bin").filter(b -> java.util.Arrays.equals(b, content))
                        .isPresent());
        await().atMost(DEADLINE).until(() -> FerryDaemonIT.uploadLines(ferry.log(), "video/clip.bin") >= 1);
        assertThat(puts("/video/clip.bin")).as("one PUT, of the settled file").isEqualTo(1);
        assertThat(FerryDaemonIT.uploadLines(ferry.log(), "video/clip.bin")).isEqualTo(1);
        assertThat(bucket("video").path("failed").asLong()).isZero();
    }

    @Test
    void aFolderOfThousandsOfFilesAllArriveOnceWithTheQueueWithinItsCapacity() throws Exception {
        // the queue holds a tenth of the folder, whatever its size: 2,000 files make the same point as 10,000
        // (-Dferry.test.folder-files=10000) in a fifth of the time
        int files = Integer.getInteger("ferry.test.folder-files", 2_000);
        int capacity = files / 10;
        Files.createDirectories(watch.resolve("many"));
        FerryProcess.shareWithDaemon(watch.resolve("many"));
        for (int i = 0; i < files / 2; i++) {
            Files.writeString(watch.resolve("many/before-" + i + ".txt"), "file " + i);
        }
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("QUEUE_CAPACITY", Integer.toString(capacity));
        ferry = FerryProcess.start("folder-" + files, env);
        // the other half as one burst while it runs: more events than the queue takes, and than inotify keeps
        for (int i = 0; i < files - files / 2; i++) {
            Files.writeString(watch.resolve("many/after-" + i + ".txt"), "file " + i);
        }
        write("other/small.txt", "another bucket meanwhile");
        awaitObject("other", "small.txt", "another bucket meanwhile");

        long[] maxQueued = {0};
        await(files + " objects in many/").atMost(DEADLINE.multipliedBy(5)).pollInterval(java.time.Duration.ofSeconds(1))
                .until(() -> {
                    maxQueued[0] = Math.max(maxQueued[0], bucket("many").path("queued").asLong());
                    return bucket("many").path("uploaded").asLong() >= files;
                });
        await().atMost(DEADLINE).until(() -> bucket("many").path("queued").asLong() == 0
                && bucket("many").path("inFlight").asLong() == 0);
        assertThat(bucket("many").path("uploaded").asLong()).as("each file once").isEqualTo(files);
        assertThat(bucket("many").path("failed").asLong()).isZero();
        assertThat(maxQueued[0]).as("queued at most QUEUE_CAPACITY").isLessThanOrEqualTo(capacity);
        java.util.List<String> keys = s3.listKeys("many");
        assertThat(keys).hasSize(files).doesNotHaveDuplicates();
        for (String half : new String[] {"before-", "after-"}) {
            for (int i = 0; i < files / 2; i++) {
                Path stored = s3.dataDir().resolve("many").resolve(half + i + ".txt");
                assertThat(Files.readString(stored)).as(stored.toString()).isEqualTo("file " + i);
            }
        }
        assertThat(ferry.alive()).isTrue();
        String peak = Files.readAllLines(Path.of("/proc", Long.toString(ferry.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("VmHWM: unknown");
        System.out.println("folder of " + files + " files: daemon peak RSS " + peak.substring(6).trim());
    }

    /**
     * A sparse file past S3's 5 GiB single-PUT limit: multipart, in at most 10,000 parts. Opt-in
     * ({@code -Dferry.test.big-file=true}): S3Proxy writes every byte to disk, 5 GiB, which takes minutes here.
     */
    @Test
    @EnabledIfSystemProperty(named = "ferry.test.big-file", matches = "true")
    void aSparseFileLargerThanFiveGibGoesUpInPartsWhileSmallFilesGoOn() throws Exception {
        long size = 5L * 1024 * 1024 * 1024 + 3 * 1024 * 1024 + 17;
        Files.createDirectories(watch.resolve("large"));
        FerryProcess.shareWithDaemon(watch.resolve("large"));
        Path sparse = watch.resolve("large/disk.img");
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(size);
            file.seek(size - 5);
            file.write("end!\n".getBytes(StandardCharsets.US_ASCII));
        }
        Map<String, String> env = envThroughProxy();
        env.put("TIMEOUT", "60000");
        ferry = FerryProcess.start("sparse", env);
        write("large/small.txt", "small");
        awaitObject("large", "small.txt", "small");

        await("large/disk.img uploaded").atMost(java.time.Duration.ofMinutes(20))
                .pollInterval(java.time.Duration.ofSeconds(2))
                .until(() -> record(sparse).map(FileRecord::status).orElse(null) == FileStatus.UPLOADED);
        var head = s3.client().headObject(b -> b.bucket("large").key("disk.img"));
        assertThat(head.contentLength()).isEqualTo(size);
        long parts = puts("/large/disk.img");
        assertThat(parts).isGreaterThan(1).isLessThanOrEqualTo(10_000);
        assertThat(head.eTag()).endsWith("-" + parts + "\"");
        assertThat(proxy.requestHeads()).noneMatch(h -> h.startsWith("PUT /large/disk.img HTTP"));
        await().atMost(DEADLINE).until(() -> !logLines("large/disk.img: uploaded " + size + " bytes").isEmpty());
        assertThat(logLines("large/disk.img: uploaded " + size + " bytes")).singleElement()
                .satisfies(l -> assertThat(l).endsWith("(multipart)"));
        try (RandomAccessFile stored = new RandomAccessFile(s3.dataDir().resolve("large/disk.img").toFile(), "r")) {
            byte[] tail = new byte[5];
            stored.seek(size - 5);
            stored.readFully(tail);
            assertThat(new String(tail, StandardCharsets.US_ASCII)).isEqualTo("end!\n");
        }
    }

    private JsonNode bucket(String name) {
        return ferry.status().path("buckets").path(name);
    }

    /** PUT requests (single PUTs and parts) the daemon sent for this path ("/bucket/key"). */
    private long puts(String bucketAndKey) {
        return proxy.requestHeads().stream()
                .filter(h -> h.startsWith("PUT " + bucketAndKey + " ") || h.startsWith("PUT " + bucketAndKey + "?"))
                .count();
    }

    private java.util.List<String> logLines(String text) {
        return ferry.log().lines().filter(l -> l.contains(text)).toList();
    }

    /** {@code ferry failed} as a person runs it against the daemon: its output. */
    private String ferryFailed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"failed", "--url", ferry.url("")}, Map.of("ADMIN_TOKEN", TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
    }

    private static void setPermissions(Path path, String permissions) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
