package dev.ferry.state;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.core.FileRecord;
import dev.ferry.core.StateStore;
import dev.ferry.testing.TestIds;
import dev.ferry.core.StateStoreException;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ferry.core.FileStatus.FAILED;
import static dev.ferry.core.FileStatus.PENDING;
import static dev.ferry.core.FileStatus.UPLOADED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract and the MongoDB specifics against mongo-java-server, a MongoDB wire-protocol server in memory. */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class MongoStateStoreIT extends StateStoreContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static MongoServer server;
    private static String serverUrl;
    private static MongoClient raw;

    private String database;

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        serverUrl = "mongodb://127.0.0.1:" + server.bind().getPort();
        raw = MongoClients.create(serverUrl);
    }

    @AfterAll
    static void stopServer() {
        raw.close();
        server.shutdownNow();
    }

    @Override
    protected StateStore openStore() {
        database = "ferry_" + DATABASES.incrementAndGet();
        return MongoStateStore.open(serverUrl + "/" + database, "unused", TestIds.INSTANCE, List.of());
    }

    private MongoCollection<Document> rawFiles(String db) {
        return raw.getDatabase(db).getCollection("files");
    }

    @Test
    void storesTheAbsolutePathAsFileAsTheEarlierDaemonDid() {
        store.putAll(List.of(record("/data/cam1/img 001.jpg", "cam1", UPLOADED),
                record("/data/cam1/bad.jpg", "cam1", FAILED)));

        Document up = rawFiles(database).find(new Document("path", "/data/cam1/img 001.jpg")).first();
        assertThat(up).isNotNull();
        // seed 000's meaning of file (the absolute path): its lookup {file: absPath} finds Ferry's record
        assertThat(up.getString("file")).isEqualTo("/data/cam1/img 001.jpg");
        assertThat(rawFiles(database).find(new Document("file", "/data/cam1/img 001.jpg")).first()).isEqualTo(up);
        assertThat(up.getString("bucket")).isEqualTo("cam1");
        assertThat(up.getBoolean("uploaded")).isTrue();
        assertThat(up.getString("reason")).isEqualTo("reason for /data/cam1/img 001.jpg");
        assertThat(up.getString("status")).isEqualTo("UPLOADED");
        assertThat(up.get("mtime")).isEqualTo(1_714_979_289_123L);
        assertThat(up.get("uploadedAt")).isEqualTo(Date.from(T3));
        assertThat(up.get("createdAt")).isEqualTo(Date.from(T1));

        Document bad = rawFiles(database).find(new Document("path", "/data/cam1/bad.jpg")).first();
        assertThat(bad).isNotNull();
        assertThat(bad.getBoolean("uploaded")).isFalse();
        assertThat(bad.getString("file")).isEqualTo("/data/cam1/bad.jpg");
        assertThat(bad.containsKey("uploadedAt")).isFalse();
    }

    @Test
    void removesUploadedAtWhenARecordNoLongerHasOne() {
        store.put(record("/a", "b", UPLOADED));
        store.put(record("/a", "b", PENDING));
        Document d = rawFiles(database).find(new Document("path", "/a")).first();
        assertThat(d).isNotNull();
        assertThat(d.containsKey("uploadedAt")).isFalse();
        assertThat(rawFiles(database).countDocuments()).isEqualTo(1);
    }

    @Test
    void readsSourceLessDocumentsByPathWhateverTheirFile() {
        store.ping(); // creates the indexes first, as a running Ferry would have
        // as the release that keyed records by path alone wrote them (file: the base name), and one without a
        // status: records are read by path, never by file
        rawFiles(database).insertMany(List.of(
                new Document("file", "a.jpg").append("path", "/w/b/a.jpg").append("bucket", "b")
                        .append("uploaded", true).append("reason", "").append("key", "a.jpg")
                        .append("status", "UPLOADED").append("size", 3L).append("mtime", 1_000L),
                new Document("file", "c.jpg").append("path", "/w/b/c.jpg").append("bucket", "b")
                        .append("uploaded", false).append("reason", "RequestTimeout")));

        FileRecord a = store.get(TestIds.id("/w/b/a.jpg", "b")).orElseThrow();
        assertThat(a.status()).isEqualTo(UPLOADED);
        assertThat(a.describes(3, 1_000)).isTrue();
        FileRecord c = store.get(TestIds.id("/w/b/c.jpg", "b")).orElseThrow();
        assertThat(c.status()).isEqualTo(FAILED);
        assertThat(c.reason()).isEqualTo("RequestTimeout");
        assertThat(c.describes(-1, -1)).isTrue(); // unknown version: a sweep compares it with S3
    }

    @Test
    void createsItsIndexes() {
        store.ping();
        List<Document> indexes = rawFiles(database).listIndexes().into(new ArrayList<>());
        // records are keyed by (source, path, bucket): that index is the unique one, the path alone is not
        assertThat(indexes).anySatisfy(i -> {
            assertThat(i.get("key", Document.class))
                    .isEqualTo(new Document("source", 1).append("path", 1).append("bucket", 1));
            assertThat(i.get("unique")).isEqualTo(true);
        });
        assertThat(indexes).extracting(i -> i.get("key", Document.class))
                .doesNotContain(new Document("path", 1))
                .contains(new Document("source", 1).append("status", 1).append("path", 1),
                        new Document("source", 1).append("bucket", 1).append("status", 1));
    }

    @Test
    void takesTheDatabaseFromTheUrlElseTheDefault() {
        try (MongoStateStore s = MongoStateStore.open(serverUrl + "/", "imagesync_default")) {
            s.put(record("/x", "b", UPLOADED));
            assertThat(s.location()).isEqualTo(serverUrl + "/imagesync_default");
        }
        assertThat(rawFiles("imagesync_default").countDocuments()).isEqualTo(1);
        try (MongoStateStore s = MongoStateStore.open(serverUrl + "/named?retryWrites=false", "imagesync_other")) {
            s.put(record("/y", "b", UPLOADED));
            assertThat(s.location()).isEqualTo(serverUrl + "/named");
        }
        assertThat(rawFiles("named").countDocuments()).isEqualTo(1);
    }

    @Test
    void failsFastAndWithoutThePasswordWhenUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String secret = "S3cr3t-Passw0rd";
        long opened = System.nanoTime();
        MongoStateStore s = MongoStateStore.open("mongodb://ferry:" + secret + "@127.0.0.1:" + port + "/imagesync",
                "unused");
        try {
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isLessThan(Duration.ofSeconds(3));
            assertThat(s.location()).isEqualTo("mongodb://127.0.0.1:" + port + "/imagesync");

            long started = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> s.get(TestIds.id("/a", "b")));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(thrown).isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("mongodb://127.0.0.1:" + port + "/imagesync")
                    .hasMessageContaining("get failed");
            assertThat(took).isLessThan(Duration.ofSeconds(12));
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            }
        } finally {
            s.close();
        }
    }

    @Test
    void refusesAnInvalidUrlWithoutShowingItsPassword() {
        assertThatThrownBy(() -> MongoStateStore.open("http://user:hunter22@host/db", "imagesync"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("invalid connection string")
                .hasMessageNotContaining("hunter22")
                .hasNoCause();
        assertThatThrownBy(() -> MongoStateStore.open("mongodb://user:hunter22@host:notaport/db", "imagesync"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageNotContaining("hunter22");
    }

    @Test
    void getReturnsEmptyForAnUnknownPathInAFreshDatabase() {
        assertThat(store.get(TestIds.id("/nothing", "b"))).isEqualTo(Optional.empty());
    }
}
