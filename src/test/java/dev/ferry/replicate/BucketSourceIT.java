package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ItemVersion;
import dev.ferry.core.Source;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** A bucket's prefix read as a {@link dev.ferry.core.Source} from a real S3Proxy. */
class BucketSourceIT {
    static S3ProxyServer s3;
    static S3ObjectStore store;

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.start();
        s3.createBucket("src");
        store = S3ObjectStore.create(settings(s3));
        for (String key : List.of("in/b.txt", "in/a.txt", "in/sub/c d+e.txt", "out/x.txt", "in/\u00e9t\u00e9.txt")) {
            s3.client().putObject(b -> b.bucket("src").key(key), RequestBody.fromString("content of " + key));
        }
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static S3Settings settings(S3ProxyServer server) {
        return S3Settings.builder().endpoint(server.endpoint()).region(server.region()).pathStyle(true)
                .credentials(server.accessKey(), server.secretKey()).build();
    }

    private static BucketSource source() {
        return new BucketSource("src", "in/", Optional.of(s3.endpoint()), store, store::openRange);
    }

    @Test
    void itsIdNamesEndpointBucketAndPrefix() {
        assertThat(source().id()).isEqualTo("s3://127.0.0.1:" + s3.port() + "/src/in/");
        assertThat(BucketSource.idOf("src", "in/", Optional.empty())).isEqualTo("s3://src/in/");
    }

    @Test
    void listsThePrefixInKeyOrderWithSizeAndEtag() throws Exception {
        List<Source.Item> items;
        try (Stream<Source.Item> s = source().list()) {
            items = s.toList();
        }
        assertThat(items).extracting(Source.Item::item)
                .containsExactly("in/a.txt", "in/b.txt", "in/sub/c d+e.txt", "in/\u00e9t\u00e9.txt");
        ItemVersion v = items.get(0).version();
        assertThat(v.size()).isEqualTo("content of in/a.txt".length());
        assertThat(v.etag()).isPresent();
        assertThat(v.md5Hex()).isEqualTo(v.etag());
        assertThat(source().owns("out/x.txt")).isFalse();
    }

    @Test
    void readsContentByRangeAndVersionByHead() throws Exception {
        BucketSource src = source();
        try (InputStream in = src.content("in/sub/c d+e.txt").open(11, 4)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("in/s");
        }
        assertThat(src.content("in/a.txt").currentLength()).isEqualTo("content of in/a.txt".length());
        assertThat(src.version("in/nothing.txt")).isEmpty();
        assertThat(src.version("in/b.txt").orElseThrow().etag()).isPresent();
    }
}
