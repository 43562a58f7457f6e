package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.UploadDecision;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The record a seed 000 document ({@code filestatuses}) becomes, and the insert-only document of it. */
class MongoMigrationTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static Document seed(boolean uploaded, Object reason) {
        return new Document("file", "/abs/watch/bucket/a/b.jpg").append("path", "a/b.jpg").append("bucket", "bucket")
                .append("uploaded", uploaded).append("reason", reason);
    }

    @Test
    void anUploadedDocumentBecomesAnUploadedRecordOfUnknownVersion() {
        FileRecord r = MongoMigration.fromSeed000(seed(true, null), "host-1", NOW);
        assertThat(r.source()).isEqualTo("host-1");
        assertThat(r.path()).isEqualTo("/abs/watch/bucket/a/b.jpg");
        assertThat(r.bucket()).isEqualTo("bucket");
        assertThat(r.key()).isEqualTo("a/b.jpg");
        assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(r.reason()).isEmpty();
        assertThat(r.uploadedAt()).isEmpty();
        // the start-up check compares such a file with S3 before any upload
        assertThat(UploadDecision.unknown(Optional.of(r))).isTrue();
    }

    @Test
    void aFailedDocumentBecomesAPendingRecordWithSeed000sReason() {
        FileRecord r = MongoMigration.fromSeed000(seed(false, new Document("code", "ECONNRESET")), "host-1", NOW);
        assertThat(r.status()).isEqualTo(FileStatus.PENDING);
        assertThat(r.reason()).isEqualTo("Reach Image Sync: ECONNRESET");
        assertThat(r.attempts()).isZero();
        assertThat(UploadDecision.unknown(Optional.of(r))).isTrue();
        assertThat(MongoMigration.fromSeed000(seed(false, null), "h", NOW).reason()).isEmpty();
    }

    @Test
    void seed000sReasonIsItsMessageOrCodeOrJson() {
        assertThat(MongoMigration.seed000Reason(null)).isEmpty();
        assertThat(MongoMigration.seed000Reason(new Document())).isEmpty();
        assertThat(MongoMigration.seed000Reason("Access Denied")).isEqualTo("Reach Image Sync: Access Denied");
        assertThat(MongoMigration.seed000Reason(new Document("message", "socket hang up").append("code", "X")))
                .isEqualTo("Reach Image Sync: socket hang up");
        assertThat(MongoMigration.seed000Reason(new Document("errno", -104)))
                .isEqualTo("Reach Image Sync: {\"errno\": -104}");
    }

    @Test
    void theInsertOnlyUpdateSetsNothingOnAnExistingDocumentAndLeavesTheUnknownVersionOut() {
        FileRecord r = MongoMigration.fromSeed000(seed(true, null), "host-1", NOW);
        Document update = MongoDocuments.insertOnly(r);
        assertThat(update.keySet()).containsExactly("$setOnInsert");
        Document fields = update.get("$setOnInsert", Document.class);
        assertThat(fields.getString("file")).isEqualTo("/abs/watch/bucket/a/b.jpg");
        assertThat(fields.getString("key")).isEqualTo("a/b.jpg");
        assertThat(fields.getString("status")).isEqualTo("UPLOADED");
        assertThat(fields.getBoolean("uploaded")).isTrue();
        assertThat(fields).doesNotContainKeys("size", "mtime", "uploadedAt", "ctimeNanos", "inode");
        assertThat(fields.get("createdAt")).isNotNull();
        assertThat(MongoDocuments.read(fields.append("path", r.path()).append("source", "host-1"), "x")).isEqualTo(r);
    }
}
