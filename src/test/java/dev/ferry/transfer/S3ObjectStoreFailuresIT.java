package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ferry.core.FailureKind;
import dev.ferry.core.PutRequest;
import dev.ferry.core.TransferException;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** How uploads fail against a real S3Proxy process (and a socket that never answers), and how they are classified. */
class S3ObjectStoreFailuresIT {
    private static final String BUCKET = "ferry-failures";
    private static S3ProxyServer server;
    private static S3ObjectStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        store = S3ObjectStore.create(S3ObjectStoreIT.settings(server).attemptTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void wrongCredentialsAreRefusedCredentialsAndTheReasonSaysSoWithoutTheSecret() throws IOException {
        Path file = write("a.txt", "a");
        String wrongSecret = "wrong-secret-" + UUID.randomUUID();
        S3Settings wrong = S3ObjectStoreIT.settings(server).credentials(server.accessKey(), wrongSecret).build();

        try (S3ObjectStore refused = S3ObjectStore.create(wrong)) {
            TransferException e = failure(() -> refused.put(new PutRequest(BUCKET, "a.txt", new LocalFileContent(file), 1, 0)));

            assertThat(e.kind()).isEqualTo(FailureKind.CREDENTIALS_REFUSED);
            assertThat(e.kind().retryable()).isTrue();
            assertThat(e.getMessage()).startsWith(BUCKET + "/a.txt: ").contains("credentials refused")
                    .contains("HTTP 403").doesNotContain(wrongSecret).doesNotContain(server.secretKey());
        }
        assertThat(server.readObject(BUCKET, "a.txt")).isEmpty();
    }

    @Test
    void anUnknownAccessKeyIsRefusedCredentialsButAHeadCannotTellFromAccessDenied() throws IOException {
        Path file = write("u.txt", "u");
        S3Settings unknown = S3ObjectStoreIT.settings(server).credentials("AKIA-NOT-KNOWN", server.secretKey()).build();

        try (S3ObjectStore refused = S3ObjectStore.create(unknown)) {
            TransferException put = failure(() -> refused.put(new PutRequest(BUCKET, "u.txt", new LocalFileContent(file), 1, 0)));
            // a HEAD answer has no body, so no error code: refused credentials look like any other 403
            TransferException head = failure(() -> refused.head(BUCKET, "u.txt"));

            assertThat(put.kind()).isEqualTo(FailureKind.CREDENTIALS_REFUSED);
            assertThat(put.getMessage()).contains("InvalidAccessKeyId");
            assertThat(head.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(head.getMessage()).contains("access denied").contains("HTTP 403");
        }
    }

    @Test
    void stoppedServerIsRetryableQuicklyAndARestartHeals() throws IOException {
        Path file = write("r.txt", "restart");
        try (S3ProxyServer own = S3ProxyServer.start();
                S3ObjectStore ownStore = S3ObjectStore.create(
                        S3ObjectStoreIT.settings(own).attemptTimeout(Duration.ofSeconds(2)).build())) {
            own.createBucket("restart");
            ownStore.put(new PutRequest("restart", "before.txt", new LocalFileContent(file), 7, 0));
            own.stop();

            long started = System.nanoTime();
            TransferException e = failure(() -> ownStore.put(new PutRequest("restart", "during.txt", new LocalFileContent(file), 7, 0)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
            assertThat(e.getMessage()).startsWith("restart/during.txt: upload failed: ");
            assertThat(took).isLessThan(Duration.ofSeconds(10));

            own.restart();
            ownStore.put(new PutRequest("restart", "after.txt", new LocalFileContent(file), 7, 0));
            assertThat(own.listKeys("restart")).containsExactlyInAnyOrder("before.txt", "after.txt");
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutPerAttempt() throws Exception {
        Path file = write("t.txt", "timeout");
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket blackhole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!blackhole.isClosed()) {
                    try {
                        held.add(blackhole.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "blackhole");
            acceptor.setDaemon(true);
            acceptor.start();
            S3Settings settings = S3Settings.builder().endpoint(URI.create("http://127.0.0.1:" + blackhole.getLocalPort()))
                    .pathStyle(true).credentials("id", "secret-for-blackhole").attemptTimeout(Duration.ofMillis(500))
                    .build();
            try (S3ObjectStore silent = S3ObjectStore.create(settings)) {
                // the first through the SDK, the second (the bucket's endpoint now known) as a direct PUT
                for (int attempt = 1; attempt <= 2; attempt++) {
                    long started = System.nanoTime();
                    TransferException e = failure(() -> silent.put(new PutRequest("b", "t.txt", new LocalFileContent(file), 7, 0)));
                    Duration took = Duration.ofNanos(System.nanoTime() - started);

                    assertThat(e.kind()).as("attempt %d", attempt).isEqualTo(FailureKind.UNREACHABLE);
                    assertThat(e.getMessage()).as("attempt %d", attempt).contains("timed out");
                    assertThat(took).as("attempt %d", attempt).isLessThan(Duration.ofSeconds(10));
                }
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void fileDeletedBeforePutIsPermanent() throws IOException {
        Path file = write("gone.txt", "gone");
        Files.delete(file);

        TransferException e = failure(() -> store.put(new PutRequest(BUCKET, "gone.txt", new LocalFileContent(file), 4, 0)));

        assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(e.getMessage()).isEqualTo(BUCKET + "/gone.txt: file vanished before it could be uploaded");
    }

    @Test
    void bigFileDeletedBeforePutIsPermanentToo() throws IOException {
        Path file = write("gone.bin", "x");
        Files.delete(file);
        S3Settings multipart = S3ObjectStoreIT.settings(server).multipartThreshold(1).build();

        try (S3ObjectStore mp = S3ObjectStore.create(multipart)) {
            TransferException e = failure(() -> mp.put(new PutRequest(BUCKET, "gone.bin", new LocalFileContent(file), 6 << 20, 0)));

            assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(e.getMessage()).contains("file vanished");
        }
    }

    @Test
    void unreadableFileIsRetryable() throws IOException {
        Path file = write("secret.txt", "no access");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(file), "running as root: chmod 000 does not stop reading");

            TransferException e = failure(() -> store.put(new PutRequest(BUCKET, "secret.txt", new LocalFileContent(file), 9, 0)));

            assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(e.getMessage()).isEqualTo(BUCKET + "/secret.txt: cannot read file: permission denied");
        } finally {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aPathThatCannotBeReadAsAFileIsRetryable() throws IOException {
        Path directory = Files.createDirectories(dir.resolve("a-directory.txt"));

        TransferException e = failure(() -> store.put(new PutRequest(BUCKET, "dir.txt", new LocalFileContent(directory), 10, 0)));

        assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(e.getMessage()).startsWith(BUCKET + "/dir.txt: cannot read file: ");
        assertThat(server.readObject(BUCKET, "dir.txt")).isEmpty();
    }

    @Test
    void keyTooLongFailsPermanentlyWithoutAnyRequest() throws IOException {
        Path file = write("k.txt", "k");
        String key = "é".repeat(513); // 1,026 bytes in UTF-8, 513 characters
        // nothing listens there: a request would fail as a RETRYABLE network error instead
        S3Settings nowhere = S3Settings.builder().endpoint(URI.create("http://127.0.0.1:" + freePort()))
                .pathStyle(true).credentials("id", "secret-nowhere").build();

        try (S3ObjectStore unreachable = S3ObjectStore.create(nowhere)) {
            TransferException e = failure(() -> unreachable.put(new PutRequest(BUCKET, key, new LocalFileContent(file), 1, 0)));

            assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(e.getMessage()).contains("key too long: 1026 bytes");
            assertThat(failure(() -> unreachable.head(BUCKET, key)).kind()).isEqualTo(FailureKind.PERMANENT);
        }
        // exactly 1,024 bytes is allowed (in segments: the filesystem backend stores each as a file name)
        String longest = String.join("/", "k".repeat(200), "k".repeat(200), "k".repeat(200), "k".repeat(200),
                "k".repeat(200), "k".repeat(19));
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        store.put(new PutRequest(BUCKET, longest, new LocalFileContent(file), 1, 0));
        assertThat(store.head(BUCKET, longest)).isPresent();
    }

    @Test
    void aFileWhoseSizeDiffersFromTheExpectedOneIsRetryable() throws IOException {
        Path small = write("grew.txt", "now longer than expected");
        Path big = dir.resolve("grew.bin");
        Files.write(big, S3ObjectStoreIT.random(12 << 20, 3));
        S3Settings multipart = S3ObjectStoreIT.settings(server).multipartThreshold(5 << 20).partSize(5 << 20).build();

        TransferException single = failure(() -> store.put(new PutRequest(BUCKET, "grew.txt", new LocalFileContent(small), 3, 0)));
        TransferException shorter = failure(() -> store.put(new PutRequest(BUCKET, "grew.txt", new LocalFileContent(small), 300, 0)));
        TransferException parts;
        try (S3ObjectStore mp = S3ObjectStore.create(multipart)) {
            parts = failure(() -> mp.put(new PutRequest(BUCKET, "grew.bin", new LocalFileContent(big), 11 << 20, 0)));
            assertThat(mp.freePartBufferBytes()).as("part buffers returned after the failure").isEqualTo(2 * 4 * (5 << 20));
        }

        for (TransferException e : List.of(single, shorter, parts)) {
            assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(e.getMessage()).contains("changed while uploading");
        }
        assertThat(server.listKeys(BUCKET)).doesNotContain("grew.txt", "grew.bin");
    }

    @Test
    void theServerVerifiesContentMd5AndAMismatchIsRetryable() {
        byte[] wrongMd5 = LocalFiles.md5("other content".getBytes(StandardCharsets.UTF_8), 13);

        Throwable rejected = org.assertj.core.api.Assertions.catchThrowable(() -> server.client().putObject(
                b -> b.bucket(BUCKET).key("digest.txt").contentMD5(LocalFiles.base64(wrongMd5)),
                RequestBody.fromString("the content")));
        TransferException e = new Failures(List.of()).remote(BUCKET + "/digest.txt", "upload failed", rejected);

        assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(e.getMessage()).contains("content changed while uploading").contains("BadDigest");
        assertThat(server.readObject(BUCKET, "digest.txt")).isEmpty();
    }

    private static TransferException failure(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(TransferException.class);
        return (TransferException) thrown;
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(UUID.randomUUID().toString()).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
