package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOptions;
import dev.ferry.source.local.LocalFileContent;
import dev.ferry.testing.S3ProxyServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Parts larger than the whole part-buffer budget, as a 5 TiB file's 525 MiB parts are with the default budget of
 * 64 MiB: here 5 MiB parts against a budget of 1 MiB. They are sent straight from the file, not read into memory.
 */
class PartsBeyondTheBudgetIT {
    private static final long MIB = 1024 * 1024;
    private static final String BUCKET = "huge-parts";

    @TempDir
    Path tmp;
    S3ProxyServer server;
    S3Client client;
    MultipartUploader uploader;

    @BeforeEach
    void setUp() {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        S3Settings settings = S3ObjectStoreIT.settings(server).multipartThreshold(5 * MIB).partSize(5 * MIB)
                .partConcurrency(2).build();
        client = S3Clients.build(settings);
        uploader = new MultipartUploader(client, new Failures(List.of(settings.secretKey().orElseThrow())), settings,
                new UploadBodies(Optional.empty(), Optional.empty()), (int) MIB);
    }

    @AfterEach
    void tearDown() {
        uploader.close();
        client.close();
        server.close();
    }

    @Test
    void partsLargerThanTheBudgetGoStraightFromTheFileWithTheirChecksums() throws Exception {
        byte[] content = new byte[(int) (12 * MIB + 777)];
        new Random(5).nextBytes(content);
        Path file = Files.write(tmp.resolve("huge.bin"), content);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        PutResult result = uploader.upload(BUCKET + "/huge.bin",
                new PutRequest(BUCKET, "huge.bin", new LocalFileContent(file), content.length, 1_700_000_000_000L), content.length,
                "application/octet-stream", Map.of(), UploadOptions.NONE);

        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(allocated).as("bytes allocated by the uploading thread: no part read into memory")
                .isLessThan(4 * MIB);
        assertThat(result.multipart()).isTrue();
        assertThat(result.md5Hex()).isEqualTo(LocalFiles.hex(LocalFiles.md5(content, content.length)));
        assertThat(server.readObjectBytes(BUCKET, "huge.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(uploader.freeBufferBytes()).isEqualTo((int) MIB);
        assertThat(result.etag()).as("three parts of 5, 5 and 2 MiB").endsWith("-3");
        assertThat(server.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }
}
