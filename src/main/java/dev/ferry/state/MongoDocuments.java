package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.FileStatus;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * The mapping between a {@link FileRecord} and its MongoDB document in collection {@code files}. A document is
 * keyed by {@code source, path, bucket}, where {@code path} is the file's absolute local path; {@code file}
 * holds the same absolute path, as in the documents of the earlier image-sync daemon (seed 000, collection
 * {@code filestatuses}, upserted by {@code {file: absPath}}), so such a lookup finds Ferry's records too (one
 * per bucket). Seed 000's {@code path} is the key in the bucket; Ferry's is the local path and the key is
 * {@code key}: the two collections share field names, not every meaning ({@link MongoMigration} imports seed
 * 000's documents). Nothing reads {@code file}: records are found by {@code path}. {@code ctimeNanos} and
 * {@code inode} are left out when not known (and then removed), as documents written before Ferry kept them
 * lack them. Reading is lenient: a document without a {@code source} was written by the Ferry release that
 * keyed records by path alone; one without a {@code status} takes it from {@code uploaded} and {@code reason}.
 */
final class MongoDocuments {

    static final String SOURCE = "source";
    static final String PATH = "path";
    /** The absolute local path again, under the name seed 000 gave it; written, never read. */
    static final String FILE = "file";
    static final String STATUS = "status";
    static final String BUCKET = "bucket";
    static final String CREATED_AT = "createdAt";
    static final String UPLOADED_AT = "uploadedAt";
    static final String CTIME = "ctimeNanos";
    static final String INODE = "inode";
    static final String STORAGE_CLASS = "storageClass";

    private MongoDocuments() {
    }

    /**
     * The update for an upsert by path: sets every field, keeps {@code createdAt} of an existing document,
     * and removes {@code uploadedAt} when the record has none.
     */
    static Document upsertUpdate(FileRecord r) {
        Document set = new Document(FILE, r.path())
                .append(BUCKET, r.bucket())
                .append("uploaded", r.status() == FileStatus.UPLOADED)
                .append("reason", r.reason())
                .append("key", r.key())
                .append(STATUS, r.status().name())
                .append("size", r.size())
                .append("mtime", r.mtimeMillis())
                .append("checksum", r.checksum())
                .append("etag", r.etag())
                .append("attempts", r.attempts())
                .append("permanent", r.permanent())
                .append("updatedAt", Date.from(r.updatedAt()));
        r.uploadedAt().ifPresent(at -> set.append(UPLOADED_AT, Date.from(at)));
        Document unset = new Document();
        if (r.uploadedAt().isEmpty()) {
            unset.append(UPLOADED_AT, "");
        }
        known(set, unset, CTIME, r.ctimeNanos());
        known(set, unset, INODE, r.inode());
        if (r.storageClass().isEmpty()) {
            unset.append(STORAGE_CLASS, "");
        } else {
            set.append(STORAGE_CLASS, r.storageClass());
        }
        Document update = new Document("$set", set)
                .append("$setOnInsert", new Document(CREATED_AT, Date.from(r.createdAt())));
        if (!unset.isEmpty()) {
            update.append("$unset", unset);
        }
        return update;
    }

    /**
     * The update for an upsert that only inserts: the document of {@code r} when no document matches the filter,
     * nothing when one does (an existing record is never overwritten). An unknown size and mtime are left out.
     */
    static Document insertOnly(FileRecord r) {
        Document fields = new Document(upsertUpdate(r).get("$set", Document.class))
                .append(CREATED_AT, Date.from(r.createdAt()));
        if (r.size() < 0 && r.mtimeMillis() < 0) {
            fields.remove("size");
            fields.remove("mtime");
        }
        return new Document("$setOnInsert", fields);
    }

    /**
     * Reads a stored document; missing fields take neutral values (size and mtime -1: "unknown version"), a
     * missing source {@code sourceIfMissing}.
     */
    static FileRecord read(Document d, String sourceIfMissing) {
        boolean uploaded = Boolean.TRUE.equals(d.get("uploaded"));
        String reason = text(d.get("reason"));
        FileStatus status = d.get(STATUS) != null ? StoredValues.status(text(d.get(STATUS)))
                : uploaded ? FileStatus.UPLOADED : reason.isEmpty() ? FileStatus.PENDING : FileStatus.FAILED;
        Instant updatedAt = instant(d.get("updatedAt")).orElse(Instant.EPOCH);
        String source = d.get(SOURCE) == null ? sourceIfMissing : text(d.get(SOURCE));
        return new FileRecord(source, text(d.get(PATH)), text(d.get(BUCKET)), text(d.get("key")), status,
                number(d.get("size"), -1), number(d.get("mtime"), -1), number(d.get(CTIME), FileStat.UNKNOWN),
                number(d.get(INODE), FileStat.UNKNOWN), text(d.get("checksum")),
                text(d.get("etag")), (int) number(d.get("attempts"), 0), reason,
                Boolean.TRUE.equals(d.get("permanent")), instant(d.get(CREATED_AT)).orElse(updatedAt), updatedAt,
                instant(d.get(UPLOADED_AT)), text(d.get(STORAGE_CLASS)));
    }

    /** Whether the document names its source (else it predates records keyed by source). */
    static boolean hasSource(Document d) {
        return d.get(SOURCE) != null;
    }

    private static void known(Document set, Document unset, String field, long value) {
        if (value == FileStat.UNKNOWN) {
            unset.append(field, "");
        } else {
            set.append(field, value);
        }
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static long number(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }

    private static Optional<Instant> instant(Object value) {
        return value instanceof Date date ? Optional.of(date.toInstant()) : Optional.empty();
    }
}
