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
 * release's code stored them: src/test/resources/legacy/README.md) opens with every record kept; the documents of
 * the earlier image-sync daemon (seed 000: collection {@code filestatuses}, {@code file} the absolute path,
 * {@code path} the key) are imported once; hosts sharing one collection keep their records apart. Against
 * mongo-java-server, over a real socket.
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

    private MongoCollection<Document> seed() {
        return raw.getDatabase(database).getCollection("filestatuses");
    }

    /**
     * Documents as seed 000 (Reach Image Sync) upserts them by {@code {file: absPath}} with its mongoose model
     * 'FileStatus': {@code file} the absolute local path, {@code path} the key under WATCH/bucket/.
     */
    private void writeSeed000Documents() {
        seed().insertMany(List.of(
                seed000("/srv/watch/cam1/a/b.jpg", "a/b.jpg", "cam1", true, null),
                seed000("/srv/watch/cam1/c.jpg", "c.jpg", "cam1", false, new Document("code", "ECONNRESET")),
                seed000("/mnt/elsewhere/cam9/z.jpg", "z.jpg", "cam9", true, null)));
    }

    private static Document seed000(String file, String key, String bucket, boolean uploaded, Object reason) {
        return new Document("file", file).append("path", key).append("bucket", bucket).append("uploaded", uploaded)
                .append("reason", reason);
    }

    /** The seed document of {@code file} without Ferry's mark: its five fields and {@code _id}. */
    private Document seedFields(String file) {
        Document d = seed().find(new Document("file", file)).first();
        assertThat(d).as(file).isNotNull();
        d.remove("ferryImported");
        d.remove("ferryImportedBy");
        return d;
    }

    private List<String> imports() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("filestatuses"))
                .toList();
    }

    @Test
    void opensACollectionOfThePathKeyedReleaseWithEveryRecord() throws Exception {
        writeTheLegacyCollection();
        files().insertOne(new Document("file", "z.jpg").append("path", "/mnt/elsewhere/cam9/z.jpg")
                .append("bucket", "cam9").append("uploaded", true).append("reason", "").append("status", "UPLOADED"));
        List<FileRecord> expected = LegacyRecords.expected(HOST.value());

        try (MongoStateStore store = open(HOST, ROOTS)) {
            Map<RecordId, FileRecord> found = store.getAll(expected.stream().map(FileRecord::id).toList());
            assertThat(found).hasSize(expected.size());
            for (FileRecord r : expected) {
                assertThat(found.get(r.id())).as(r.path()).isEqualTo(r);
            }
            assertThat(store.list(FileStatus.FAILED, 0, 100)).extracting(FileRecord::path).containsExactly(
                    "/srv/watch/scans/page one.pdf", "/srv/watch/scans/too-long.bin");
            assertThat(store.countByBucket().get("photos").get(FileStatus.UPLOADED)).isEqualTo(41L);
        }

        // every document under this host's roots now names it; the one outside them is left for its own host
        assertThat(files().countDocuments(new Document("source", HOST.value()))).isEqualTo(expected.size());
        assertThat(files().find(new Document("path", "/mnt/elsewhere/cam9/z.jpg")).first())
                .satisfies(d -> assertThat(d.containsKey("source")).isFalse());
        assertThat(files().countDocuments()).isEqualTo(expected.size() + 1);
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
        assertThat(files().countDocuments()).isEqualTo(expected.size() + 1);
    }

    @Test
    void aSourceLessDocumentWrittenAfterTheMigrationStillReadsForThisInstance() {
        try (MongoStateStore store = open(HOST, ROOTS)) {
            store.ping(); // the migration has run
            // as the path-keyed release writes it, on a host not yet upgraded
            files().insertOne(new Document("path", "/srv/watch/cam1/a.jpg").append("file", "a.jpg")
                    .append("bucket", "cam1").append("uploaded", true).append("reason", "").append("key", "a.jpg")
                    .append("status", "UPLOADED").append("size", 3L).append("mtime", 1_000L));
            assertThat(store.get(new RecordId(HOST.value(), "/srv/watch/cam1/a.jpg", "cam1")))
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(FileStatus.UPLOADED));
            assertThat(store.get(new RecordId("another-host", "/srv/watch/cam1/a.jpg", "cam1"))).isEmpty();
        }
    }

    @Test
    void importsSeed000sDocumentsOnceAsRecordsOfUnknownVersion() {
        writeSeed000Documents();
        Document seedA = seedFields("/srv/watch/cam1/a/b.jpg");
        Document seedC = seedFields("/srv/watch/cam1/c.jpg");
        Document seedZ = seedFields("/mnt/elsewhere/cam9/z.jpg");

        try (MongoStateStore store = open(HOST, ROOTS)) {
            FileRecord a = store.get(new RecordId(HOST.value(), "/srv/watch/cam1/a/b.jpg", "cam1")).orElseThrow();
            assertThat(a.status()).isEqualTo(FileStatus.UPLOADED);
            assertThat(a.key()).isEqualTo("a/b.jpg");
            assertThat(a.reason()).isEmpty();
            assertThat(a.describes(-1, -1)).isTrue(); // unknown version: the start-up check compares it with S3
            FileRecord c = store.get(new RecordId(HOST.value(), "/srv/watch/cam1/c.jpg", "cam1")).orElseThrow();
            // not FAILED: seed 000's failure is kept as the reason, the file is checked like one without a record
            assertThat(c.status()).isEqualTo(FileStatus.PENDING);
            assertThat(c.reason()).isEqualTo("Reach Image Sync: ECONNRESET");
            assertThat(c.key()).isEqualTo("c.jpg");
            assertThat(c.describes(-1, -1)).isTrue();
            assertThat(store.list(FileStatus.FAILED, 0, 10)).isEmpty();
            assertThat(store.list(FileStatus.UPLOADED, 0, 10)).containsExactly(a);
            assertThat(store.countByBucket()).isEqualTo(Map.of("cam1",
                    Map.of(FileStatus.UPLOADED, 1L, FileStatus.PENDING, 1L)));
        }
        assertThat(imports()).singleElement()
                .satisfies(m -> assertThat(m).contains("imported 2 documents").doesNotContain("already"));

        // the record as Ferry stores it: a query written for seed 000 ({file: absPath}) now reads collection files
        Document record = files().find(new Document("file", "/srv/watch/cam1/a/b.jpg")).first();
        assertThat(record).isNotNull();
        assertThat(record.getString("path")).isEqualTo("/srv/watch/cam1/a/b.jpg");
        assertThat(record.getString("key")).isEqualTo("a/b.jpg");
        assertThat(record.getString("source")).isEqualTo(HOST.value());
        assertThat(record.getBoolean("uploaded")).isTrue();
        assertThat(record.containsKey("size")).isFalse();
        assertThat(record.containsKey("mtime")).isFalse();
        // the file outside this daemon's folders is not imported
        assertThat(files().countDocuments()).isEqualTo(2);
        assertThat(files().countDocuments(new Document("bucket", "cam9"))).isZero();

        // seed 000's documents keep their five fields (it may still run; going back to it stays possible), the
        // imported ones carry the mark, the other none
        assertThat(seedFields("/srv/watch/cam1/a/b.jpg")).isEqualTo(seedA);
        assertThat(seedFields("/srv/watch/cam1/c.jpg")).isEqualTo(seedC);
        assertThat(seed().find(new Document("file", "/mnt/elsewhere/cam9/z.jpg")).first()).isEqualTo(seedZ);
        assertThat(seed().countDocuments(new Document("ferryImportedBy", HOST.value()))).isEqualTo(2);
        assertThat(seed().find(new Document("file", "/srv/watch/cam1/a/b.jpg")).first().get("ferryImported"))
                .isInstanceOf(java.util.Date.class);

        // a restart imports nothing again, even a document seed 000 changed since; one it wrote since is imported
        seed().updateOne(new Document("file", "/srv/watch/cam1/c.jpg"),
                new Document("$set", new Document("uploaded", true).append("reason", null)));
        seed().insertOne(seed000("/srv/watch/cam1/d.jpg", "d.jpg", "cam1", true, null));
        logs.list.clear();
        try (MongoStateStore again = open(HOST, ROOTS)) {
            assertThat(again.get(new RecordId(HOST.value(), "/srv/watch/cam1/c.jpg", "cam1")))
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(FileStatus.PENDING));
            assertThat(again.get(new RecordId(HOST.value(), "/srv/watch/cam1/d.jpg", "cam1"))).isPresent();
        }
        assertThat(imports()).singleElement()
                .satisfies(m -> assertThat(m).contains("imported 1 documents").doesNotContain("already"));
        assertThat(files().countDocuments()).isEqualTo(3);
        logs.list.clear();
        try (MongoStateStore third = open(HOST, ROOTS)) {
            third.ping();
        }
        assertThat(imports()).isEmpty();
        assertThat(files().countDocuments()).isEqualTo(3);
    }

    @Test
    void aSeed000DocumentNeverOverwritesARecordFerryWrote() {
        FileRecord ferrys = FileRecord.pending(HOST.value(), "/srv/watch/cam1/c.jpg", "cam1", "c.jpg",
                new dev.ferry.core.FileStat(10, 1_000), java.time.Instant.EPOCH)
                .uploaded("cam1", "c.jpg", new dev.ferry.core.FileStat(10, 1_000), "", "e", "", java.time.Instant.EPOCH);
        try (MongoStateStore store = open(HOST, List.of())) { // no roots: nothing imported yet
            store.put(ferrys);
        }
        writeSeed000Documents();
        Document before = files().find(new Document("path", "/srv/watch/cam1/c.jpg")).first();

        try (MongoStateStore store = open(HOST, ROOTS)) {
            assertThat(store.get(ferrys.id())).contains(ferrys);
            assertThat(store.get(new RecordId(HOST.value(), "/srv/watch/cam1/a/b.jpg", "cam1"))).isPresent();
        }
        assertThat(files().find(new Document("path", "/srv/watch/cam1/c.jpg")).first()).isEqualTo(before);
        assertThat(imports()).singleElement()
                .satisfies(m -> assertThat(m).contains("imported 2 documents", "1 of them had a record"));
        // both documents are marked: the kept record is this instance's answer for c.jpg
        assertThat(seed().countDocuments(new Document("ferryImported", new Document("$exists", true))))
                .isEqualTo(2);
    }

    @Test
    void anotherInstanceDoesNotImportWhatOneImported() {
        writeSeed000Documents();
        try (MongoStateStore first = open(HOST, ROOTS)) {
            first.ping();
        }
        logs.list.clear();
        try (MongoStateStore other = open(new InstanceId("cam-host-2"), ROOTS)) {
            other.ping();
            assertThat(other.get(new RecordId("cam-host-2", "/srv/watch/cam1/a/b.jpg", "cam1"))).isEmpty();
        }
        assertThat(imports()).isEmpty();
    }

    @Test
    void aDatabaseWithoutSeed000sCollectionGetsNone() {
        try (MongoStateStore store = open(HOST, ROOTS)) {
            store.ping();
        }
        assertThat(raw.getDatabase(database).listCollectionNames().into(new ArrayList<>()))
                .doesNotContain("filestatuses");
        assertThat(imports()).isEmpty();
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
                    .uploaded("photos", "img 001.jpg", new dev.ferry.core.FileStat(10, 1_000), "", "e", "", java.time.Instant.EPOCH);
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
