package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteObject;
import dev.ferry.source.local.LocalFileContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * S3ObjectStore against LocalStack's S3, a second S3 implementation beside S3Proxy: single PUT, parallel
 * multipart, HEAD with rclone's metadata, bucket creation. Runs where Docker exists (GitHub Actions) and is
 * skipped elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class S3ObjectStoreLocalStackIT {
    private static final long MIB = 1024 * 1024;
    private static final String BUCKET = "ferry-localstack";

    // A pinned release: newer LocalStack images may ask for an account token.
    @Container
    private static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
            DockerImageName.parse("localstack/localstack:3.8.1")).withServices(LocalStackContainer.Service.S3);

    private static S3ObjectStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        store = S3ObjectStore.create(settings().build());
        store.ensureBucket(BUCKET, true);
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    private static S3Settings.Builder settings() {
        return S3Settings.builder().endpoint(LOCALSTACK.getEndpoint()).region(LOCALSTACK.getRegion()).pathStyle(true)
                .credentials(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey());
    }

    @Test
    void aSmallFileGoesUpInOnePutWithItsChecksumAndMtime() throws IOException {
        Path file = Files.writeString(dir.resolve("note.txt"), "hello LocalStack", StandardCharsets.UTF_8);

        PutResult result = store.put(new PutRequest(BUCKET, "small/note.txt", new LocalFileContent(file), Files.size(file), 1_700_000_000_123L));

        assertThat(result.multipart()).isFalse();
        assertThat(result.bytes()).isEqualTo(Files.size(file));
        assertThat(result.etag()).isEqualTo(result.md5Hex());
        RemoteObject head = store.head(BUCKET, "small/note.txt").orElseThrow();
        assertThat(head.size()).isEqualTo(Files.size(file));
        assertThat(head.md5Hex()).contains(result.md5Hex());
        assertThat(head.mtimeMillis()).contains(1_700_000_000_123L);
    }

    @Test
    void aLargeFileGoesUpInPartsAndHeadSeesItsMd5AndMtime() throws IOException {
        byte[] content = new byte[(int) (11 * MIB + 7)];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);

        try (S3ObjectStore multipart = S3ObjectStore.create(settings().multipartThreshold(5 * MIB).partSize(5 * MIB)
                .partConcurrency(3).build())) {
            PutResult result = multipart.put(new PutRequest(BUCKET, "big/big.bin", new LocalFileContent(file), content.length, 42_000L));

            assertThat(result.multipart()).isTrue();
            assertThat(result.etag()).endsWith("-3");
            RemoteObject head = multipart.head(BUCKET, "big/big.bin").orElseThrow();
            assertThat(head.size()).isEqualTo(content.length);
            assertThat(head.md5Hex()).contains(result.md5Hex());
            assertThat(head.mtimeMillis()).contains(42_000L);
        }
    }

    @Test
    void headOfAMissingObjectIsEmpty() {
        assertThat(store.head(BUCKET, "no/such/key")).isEmpty();
    }
}
