package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class S3ProxyServerIT {

    @Test
    void storesObjectsAndKeepsThemAcrossRestart() {
        try (S3ProxyServer server = S3ProxyServer.start()) {
            server.createBucket("harness");
            server.client().putObject(b -> b.bucket("harness").key("dir/a.txt"), RequestBody.fromString("hello"));
            server.client().putObject(b -> b.bucket("harness").key("b.txt"), RequestBody.fromString("world"));

            assertThat(server.readObject("harness", "dir/a.txt")).contains("hello");
            assertThat(server.readObject("harness", "missing")).isEmpty();
            assertThat(server.listKeys("harness")).containsExactlyInAnyOrder("dir/a.txt", "b.txt");

            int port = server.port();
            server.stop();
            assertThat(accepts(port)).as("port accepts after stop").isFalse();

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.readObject("harness", "b.txt")).contains("world");
        }
    }

    @Test
    void twoServersRunSideBySideAndCloseDeletesTheirData() {
        Path data;
        try (S3ProxyServer first = S3ProxyServer.start(); S3ProxyServer second = S3ProxyServer.start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            first.createBucket("only-in-first");
            assertThat(second.client().listBuckets().buckets()).isEmpty();
            assertThat(first.client().listBuckets().buckets()).hasSize(1);
            data = first.dataDir();
            assertThat(Files.isDirectory(data.resolve("only-in-first"))).isTrue();
        }
        assertThat(data.resolve("only-in-first")).as("closed: its buckets are gone").doesNotExist();
        try (S3ProxyServer next = S3ProxyServer.start()) {
            assertThat(next.client().listBuckets().buckets()).as("a server started next holds nothing").isEmpty();
        }
    }

    @Test
    void refusesWrongCredentials() {
        try (S3ProxyServer server = S3ProxyServer.start()) {
            var wrong = software.amazon.awssdk.services.s3.S3Client.builder()
                    .endpointOverride(server.endpoint())
                    .region(software.amazon.awssdk.regions.Region.of(server.region()))
                    .forcePathStyle(true)
                    .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials
                            .create(server.accessKey(), "wrong"))
                    .build();
            try (wrong) {
                assertThatThrownBy(() -> wrong.listBuckets())
                        .hasMessageContaining("403");
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
