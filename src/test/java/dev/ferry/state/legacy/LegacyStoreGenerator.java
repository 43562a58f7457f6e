package dev.ferry.state.legacy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Projections;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.state.MongoStateStore;
import dev.ferry.state.SqliteStateStore;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the stores of {@code src/test/resources/legacy/} with the release that keyed records by path alone
 * (schema version 2): the SQLite file {@code ferry-v2.db}, the MongoDB documents {@code mongo-files.jsonl} (one
 * canonical extended-JSON document a line, as that release stored them) with its indexes
 * {@code mongo-indexes.jsonl}, and {@code records.tsv}, the records written, one a line, which the tests expect
 * to read back. Kept so the resources can be made again the same way from that release; run with the folder to
 * write as its argument. The records are fixed, so two runs write the same records.
 */
public final class LegacyStoreGenerator {

    private LegacyStoreGenerator() {
    }

    static final Instant T1 = Instant.parse("2025-03-04T05:06:07.089Z");
    static final Instant T2 = Instant.parse("2025-04-05T06:07:08.091Z");

    /** The records: every status, known and unknown ctime and inode, odd names, a file rejected at the root. */
    static List<FileRecord> records() {
        List<FileRecord> all = new ArrayList<>();
        String md5 = "0123456789abcdef0123456789abcdef";
        for (int i = 0; i < 40; i++) {
            String path = "/srv/watch/photos/2025/img-" + i + ".jpg";
            all.add(new FileRecord(path, "photos", "2025/img-" + i + ".jpg", FileStatus.UPLOADED, 1000L + i,
                    1_741_000_000_000L + i, 1_741_000_000_000_000_123L + i, 4_000_000L + i, md5, md5, 0, "", false, T1,
                    T2, Optional.of(T2)));
        }
        all.add(new FileRecord("/srv/watch/photos/old.jpg", "photos", "old.jpg", FileStatus.UPLOADED, 77,
                1_600_000_000_000L, md5, "\"" + md5 + "-2\"", 0, "", false, T1, T2, Optional.of(T1)));
        all.add(new FileRecord("/srv/watch/scans/page one.pdf", "scans", "page one.pdf", FileStatus.FAILED, 5,
                1_741_000_000_500L, 42L, 43L, "", "", 3, "503 SlowDown", false, T1, T2, Optional.empty()));
        all.add(new FileRecord("/srv/watch/scans/too-long.bin", "scans", "too-long.bin", FileStatus.FAILED, 6,
                1_741_000_000_600L, "", "", 1, "key too long", true, T1, T2, Optional.empty()));
        all.add(new FileRecord("/srv/watch/scans/part.bin", "scans", "part.bin", FileStatus.UPLOADING, 9_000_000L,
                1_741_000_000_700L, 44L, 45L, "", "", 0, "", false, T1, T2, Optional.empty()));
        all.add(new FileRecord("/srv/watch/scans/new.txt", "scans", "new.txt", FileStatus.PENDING, 1,
                1_741_000_000_800L, "", "", 0, "", false, T1, T1, Optional.empty()));
        all.add(new FileRecord("/srv/watch/at-root.txt", "", "", FileStatus.IGNORED, 3, 1_741_000_000_900L, "", "",
                0, "a file at the root of watch_path has no bucket", true, T1, T2, Optional.empty()));
        all.add(new FileRecord("/srv/watch/scans/caf\u00e9 \u00fcber/\u65e5\u672c.txt", "scans",
                "caf\u00e9 \u00fcber/\u65e5\u672c.txt", FileStatus.UPLOADED, 12, 1_741_000_001_000L, md5, md5, 0, "",
                false, T1, T2, Optional.of(T2)));
        all.add(new FileRecord("/srv/docs/in/report.pdf", "docs-bucket", "in/report.pdf", FileStatus.UPLOADED, 2048,
                1_741_000_001_100L, 46L, 47L, md5, md5, 0, "", false, T1, T2, Optional.of(T2)));
        return all;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/legacy");
        Files.createDirectories(out);
        List<FileRecord> records = records();

        Path db = out.resolve("ferry-v2.db");
        Files.deleteIfExists(db);
        try (SqliteStateStore store = SqliteStateStore.open(db)) {
            store.putAll(records);
        }
        Files.deleteIfExists(out.resolve("ferry-v2.db-wal"));
        Files.deleteIfExists(out.resolve("ferry-v2.db-shm"));

        MongoServer server = new MongoServer(new MemoryBackend());
        String url = "mongodb://127.0.0.1:" + server.bind().getPort() + "/imagesync";
        try (MongoStateStore store = MongoStateStore.open(url, "imagesync"); MongoClient raw = MongoClients.create(url)) {
            store.putAll(records);
            JsonWriterSettings json = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
            List<String> docs = new ArrayList<>();
            for (Document d : raw.getDatabase("imagesync").getCollection("files").find()
                    .projection(Projections.excludeId())) {
                docs.add(d.toJson(json));
            }
            Files.write(out.resolve("mongo-files.jsonl"), docs, StandardCharsets.UTF_8);
            List<String> indexes = new ArrayList<>();
            for (Document i : raw.getDatabase("imagesync").getCollection("files").listIndexes()) {
                indexes.add(i.toJson(json));
            }
            Files.write(out.resolve("mongo-indexes.jsonl"), indexes, StandardCharsets.UTF_8);
        } finally {
            server.shutdownNow();
        }

        List<String> lines = new ArrayList<>();
        for (FileRecord r : records) {
            lines.add(String.join("\t", r.path(), r.bucket(), r.key(), r.status().name(), Long.toString(r.size()),
                    Long.toString(r.mtimeMillis()), Long.toString(r.ctimeNanos()), Long.toString(r.inode()),
                    r.checksum(), r.etag(), Integer.toString(r.attempts()), r.reason(), Boolean.toString(r.permanent()),
                    r.createdAt().toString(), r.updatedAt().toString(),
                    r.uploadedAt().map(Instant::toString).orElse("")));
        }
        Files.write(out.resolve("records.tsv"), lines, StandardCharsets.UTF_8);
    }
}
