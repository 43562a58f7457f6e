package dev.ferry.state;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MongoDB collection written by the release that keyed records by path alone (its documents and indexes as that
 * release's code stored them: src/test/resources/legacy/README.md), with documents of the earlier image-sync
 * daemon (seed 000: {@code file, path, bucket, uploaded, reason}), opens with every record kept; hosts sharing one
 * collection keep their records apart. Against mongo-java-server, over a real socket.
 */
class LegacyMongoStoreIT {

    private static final InstanceId HOST = new InstanceId("cam-host-1");
    private static final List<Path> ROOTS = List.of(Path.of("/srv/watch"), Path.of("/srv/docs"));
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static MongoServer server;
    private static String serverUrl;
    private static MongoClient raw;

    private String database;
    private ListAppender<ILoggingEvent> logs;
    private Logger migration;

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

    @BeforeEach
    void freshDatabaseAndLogs() {
        database = "legacy_" + DATABASES.incrementAndGet();
        migration = (Logger) LoggerFactory.getLogger(MongoMigration.class);
        logs = new ListAppender<>();
        logs.start();
        migration.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        migration.detachAppender(logs);
    }

    private MongoCollection<Document> files() {
        return raw.getDatabase(database).getCollection("files");
    }

    private MongoStateStore open(InstanceId instance, List<Path> roots) {
        return MongoStateStore.open(serverUrl + "/" + database, "unused", instance, roots);
    }

    /** The collection as the path-keyed release left it: its documents and its indexes. */
    private void writeTheLegacyCollection() throws Exception {
        for (String line : LegacyRecords.resource("mongo-indexes.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Document index = Document.parse(line);
            if (!"_id_".equals(index.getString("name"))) {
                files().createIndex(index.get("key", Document.class), new IndexOptions()
                        .name(index.getString("name")).unique(Boolean.TRUE.equals(index.get("unique"))));
            }
        }
        List<Document> docs = new ArrayList<>();
        for (String line : LegacyRecords.resource("mongo-files.jsonl").split("\n")) {
            if (!line.isBlank()) {
                docs.add(Document.parse(line));
            }
        }
        files().insertMany(docs);
    }

    /** Documents as seed 000 (image-sync) upserted them by absolute path. */
    private void writeSeed000Documents() {
        files().insertMany(List.of(
                seed000("/srv/watch/cam1/a.jpg", "cam1", true, ""),
                seed000("/srv/watch/cam1/c.jpg", "cam1", false, "RequestTimeout"),
                seed000("/mnt/elsewhere/cam9/z.jpg", "cam9", true, "")));
    }

    private static Document seed000(String path, String bucket, boolean uploaded, String reason) {
        return new Document("file", path.substring(path.lastIndexOf('/') + 1)).append("path", path)
                .append("bucket", bucket).append("uploaded", uploaded).append("reason", reason);
    }

    @Test
    void opensACollectionOfThePathKeyedReleaseAndOfSeed000WithEveryRecord() throws Exception {
        writeTheLegacyCollection();
        writeSeed000Documents();
        List<FileRecord> expected = LegacyRecords.expected(HOST.value());

        try (MongoStateStore store = open(HOST, ROOTS)) {
            Map<RecordId, FileRecord> found = store.getAll(expected.stream().map(FileRecord::id).toList());
            assertThat(found).hasSize(expected.size());
            for (FileRecord r : expected) {
                assertThat(found.get(r.id())).as(r.path()).isEqualTo(r);
            }
            FileRecord a = store.get(new RecordId(HOST.value(), "/srv/watch/cam1/a.jpg", "cam1")).orElseThrow();
            assertThat(a.status()).isEqualTo(FileStatus.UPLOADED);
            assertThat(a.describes(-1, -1)).isTrue(); // unknown version: a sweep compares it with S3
            FileRecord c = store.get(new RecordId(HOST.value(), "/srv/watch/cam1/c.jpg", "cam1")).orElseThrow();
            assertThat(c.status()).isEqualTo(FileStatus.FAILED);
            assertThat(c.reason()).isEqualTo("RequestTimeout");
            // (seed 000's documents have no status field, so listings by status never showed them: unchanged)
            assertThat(store.list(FileStatus.FAILED, 0, 100)).extracting(FileRecord::path).containsExactly(
                    "/srv/watch/scans/page one.pdf", "/srv/watch/scans/too-long.bin");
            assertThat(store.countByBucket().get("photos").get(FileStatus.UPLOADED)).isEqualTo(41L);
        }

        // every document under this host's roots now names it; the one outside them is left for its own host
        assertThat(files().countDocuments(new Document("source", HOST.value()))).isEqualTo(expected.size() + 2);
        assertThat(files().find(new Document("path", "/mnt/elsewhere/cam9/z.jpg")).first())
                .satisfies(d -> assertThat(d.containsKey("source")).isFalse());
        assertThat(files().countDocuments()).isEqualTo(expected.size() + 3);
        List<Document> indexes = files().listIndexes().into(new ArrayList<>());
        assertThat(indexes).extracting(i -> i.getString("name")).doesNotContain("path_1");
        assertThat(indexes).anySatisfy(i -> {
            assertThat(i.get("key", Document.class))
                    .isEqualTo(new Document("source", 1).append("path", 1).append("bucket", 1));
            assertThat(i.get("unique")).isEqualTo(true);
        });

        // opening again (a restart, or another host at the same moment) changes nothing and loses nothing
        try (MongoStateStore again = open(HOST, ROOTS)) {
            assertThat(again.getAll(expected.stream().map(FileRecord::id).toList())).hasSize(expected.size());
        }
        assertThat(files().countDocuments()).isEqualTo(expected.size() + 3);
    }

    @Test
    void aSeed000DocumentWrittenAfterTheMigrationStillReadsForThisInstance() {
        try (MongoStateStore store = open(HOST, ROOTS)) {
            store.ping(); // the migration has run
            writeSeed000Documents();
            assertThat(store.get(new RecordId(HOST.value(), "/srv/watch/cam1/a.jpg", "cam1")))
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(FileStatus.UPLOADED));
            assertThat(store.get(new RecordId("another-host", "/srv/watch/cam1/a.jpg", "cam1"))).isEmpty();
        }
    }

    @Test
    void twoInstancesSharingOneCollectionKeepTheSamePathApart() {
        InstanceId hostA = new InstanceId("host-a");
        InstanceId hostB = new InstanceId("host-b");
        String path = "/data/photos/img 001.jpg";
        try (MongoStateStore a = open(hostA, List.of(Path.of("/data")));
             MongoStateStore b = open(hostB, List.of(Path.of("/data")))) {
            FileRecord ofA = FileRecord.pending(hostA.value(), path, "photos", "img 001.jpg",
                    new dev.ferry.core.FileStat(10, 1_000), java.time.Instant.EPOCH)
                    .uploaded("photos", "img 001.jpg", new dev.ferry.core.FileStat(10, 1_000), "", "e", java.time.Instant.EPOCH);
            FileRecord ofB = FileRecord.pending(hostB.value(), path, "photos", "img 001.jpg",
                    new dev.ferry.core.FileStat(20, 2_000), java.time.Instant.EPOCH)
                    .failed("photos", "img 001.jpg", new dev.ferry.core.FileStat(20, 2_000), "slow down", false,
                            java.time.Instant.EPOCH);
            a.put(ofA);
            b.put(ofB);

            assertThat(a.get(ofA.id())).contains(ofA);
            assertThat(b.get(ofB.id())).contains(ofB);
            assertThat(a.list(FileStatus.FAILED, 0, 10)).isEmpty();
            assertThat(b.list(FileStatus.FAILED, 0, 10)).containsExactly(ofB);
            assertThat(a.countByBucket()).isEqualTo(Map.of("photos", Map.of(FileStatus.UPLOADED, 1L)));
            assertThat(b.countByBucket()).isEqualTo(Map.of("photos", Map.of(FileStatus.FAILED, 1L)));
            assertThat(a.recordsOf(hostA.value(), path)).containsExactly(ofA);
        }
        assertThat(files().countDocuments(new Document("path", path))).isEqualTo(2);
    }

    @Test
    void anInstanceWithoutRecordsIsToldWhenAnotherHoldsItsFolders() {
        try (MongoStateStore old = open(new InstanceId("4b1d9e0c7a2f"), List.of(Path.of("/data")))) {
            old.put(FileRecord.pending("4b1d9e0c7a2f", "/data/photos/a.jpg", "photos", "a.jpg",
                    new dev.ferry.core.FileStat(1, 1), java.time.Instant.EPOCH));
        }
        logs.list.clear();
        try (MongoStateStore recreated = open(new InstanceId("77aa0c3e51d2"), List.of(Path.of("/data")))) {
            recreated.ping();
        }
        assertThat(logs.list).filteredOn(e -> e.getLevel().toString().equals("WARN")).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("'77aa0c3e51d2'", "'4b1d9e0c7a2f'", "INSTANCE_ID"));
    }
}
