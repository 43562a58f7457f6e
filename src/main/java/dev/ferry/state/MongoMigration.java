package dev.ferry.state;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import org.bson.BsonType;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Brings the {@code files} collection to records keyed by (source, path, bucket), once per process, before its
 * first call: every step is idempotent, so several hosts may run it at once.
 * <ol>
 * <li>The unique index on {@code path} (and the two listing indexes that led with status and bucket) of the
 * release that keyed records by path are dropped; one already gone is fine.</li>
 * <li>The unique index (source, path, bucket) and the listing indexes (source, status, path) and
 * (source, bucket, status) are created.</li>
 * <li>Documents without a source (that release's) whose path lies under one of this daemon's watched roots take
 * this instance's id as their source, {@value #BATCH} at a time: each host of a fleet claims its own files. A
 * document that cannot take it, because this instance already has a record of that path and bucket (written
 * since), is the older of the two and is removed.</li>
 * <li>The documents of the earlier image-sync daemon (seed 000: collection {@value #SEED_COLLECTION}, fields
 * {@code file} = absolute local path, {@code path} = key in the bucket, {@code bucket}, {@code uploaded},
 * {@code reason}) whose {@code file} lies under one of the watched roots are imported once each, see
 * {@link #importSeed000}.</li>
 * <li>If this instance has no records while another instance has some under these roots, one WARN names that
 * instance: a container's host name changes each time it is created, so INSTANCE_ID should be set.</li>
 * </ol>
 */
final class MongoMigration {

    private static final Logger log = LoggerFactory.getLogger(MongoMigration.class);
    static final int BATCH = 1_000;
    /** The indexes of the release that keyed records by path alone. */
    static final List<String> OLD_INDEXES = List.of("path_1", "status_1_path_1", "bucket_1_status_1");
    private static final int INDEX_NOT_FOUND = 27;
    private static final int NAMESPACE_NOT_FOUND = 26;
    private static final int DUPLICATE_KEY = 11000;
    /** Seed 000's collection: its mongoose model 'FileStatus'. */
    static final String SEED_COLLECTION = "filestatuses";
    /** Set on a seed 000 document once it is imported (when), and by which instance. */
    static final String IMPORTED = "ferryImported";
    static final String IMPORTED_BY = "ferryImportedBy";
    /** What an imported failure's reason starts with: the failure was seed 000's, not Ferry's. */
    static final String SEED_REASON = "Reach Image Sync: ";

    private final MongoDatabase database;
    private final MongoCollection<Document> files;
    private final String location;
    private final String instance;
    private final List<String> roots;

    /** @param roots the watched roots, absolute and normalized */
    MongoMigration(MongoDatabase database, String location, String instance, List<String> roots) {
        this.database = database;
        this.files = database.getCollection(MongoStateStore.COLLECTION);
        this.location = location;
        this.instance = instance;
        this.roots = roots;
    }

    void run() {
        Set<String> present = new HashSet<>();
        for (Document index : files.listIndexes()) {
            present.add(String.valueOf(index.get("name")));
        }
        for (String name : OLD_INDEXES) {
            if (present.contains(name)) {
                dropIndex(name); // another host may have dropped it meanwhile: that is fine
            }
        }
        createIndex(Indexes.ascending(MongoDocuments.SOURCE, MongoDocuments.PATH, MongoDocuments.BUCKET),
                new IndexOptions().unique(true));
        createIndex(Indexes.ascending(MongoDocuments.SOURCE, MongoDocuments.STATUS, MongoDocuments.PATH),
                new IndexOptions());
        createIndex(Indexes.ascending(MongoDocuments.SOURCE, MongoDocuments.BUCKET, MongoDocuments.STATUS),
                new IndexOptions());
        long claimed = 0;
        for (String root : roots) {
            claimed += claim(root);
        }
        if (claimed > 0) {
            log.info("{}: {} records written before records were keyed by instance now belong to this instance '{}'"
                    + " (their files are under its watched folders)", location, claimed, instance);
        }
        importSeed000();
        warnIfAnotherInstanceHoldsTheseRoots();
    }

    /** Sets this instance as the source of the source-less documents under {@code root}; returns how many. */
    private long claim(String root) {
        Bson legacy = Filters.and(Filters.exists(MongoDocuments.SOURCE, false), under(MongoDocuments.PATH, root));
        return inBatches(files, legacy, Projections.include("_id"), batch -> {
            List<UpdateOneModel<Document>> sets = new ArrayList<>(batch.size());
            for (Document d : batch) {
                sets.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", d.get("_id")),
                        Filters.exists(MongoDocuments.SOURCE, false)), Updates.set(MongoDocuments.SOURCE, instance)));
            }
            try {
                return files.bulkWrite(sets, new BulkWriteOptions().ordered(false)).getModifiedCount();
            } catch (MongoBulkWriteException e) {
                List<Object> superseded = new ArrayList<>();
                for (int index : duplicates(e)) {
                    superseded.add(batch.get(index).get("_id"));
                }
                files.deleteMany(Filters.and(Filters.in("_id", superseded),
                        Filters.exists(MongoDocuments.SOURCE, false)));
                log.info("{}: {} records written before records were keyed by instance were replaced by newer"
                        + " records of this instance '{}' and are removed", location, superseded.size(), instance);
                return e.getWriteResult().getModifiedCount();
            }
        });
    }

    /**
     * Imports seed 000's documents (collection {@value #SEED_COLLECTION}, if there is one) whose {@code file} lies
     * under a watched root and that carry no {@value #IMPORTED} mark yet, {@value #BATCH} at a time. Each becomes
     * a record of this instance (path = the seed's {@code file}, key = its {@code path}, its bucket) unless this
     * instance already has a record of that path and bucket: the upsert only inserts, so a record Ferry wrote is
     * never overwritten. The record knows no size and mtime, so the file counts as unknown
     * ({@link dev.ferry.core.UploadDecision#unknown}): the start-up check compares it with S3 (size and MD5)
     * before any upload, as a file without a record. Then the seed document is marked (when, by which instance),
     * its five fields left as they are: seed 000 may still run against them, and going back to it stays possible.
     * A document changed by seed 000 after its mark is not imported again.
     */
    private void importSeed000() {
        if (roots.isEmpty() || !database.listCollectionNames().into(new ArrayList<>()).contains(SEED_COLLECTION)) {
            return;
        }
        MongoCollection<Document> seed = database.getCollection(SEED_COLLECTION);
        long[] created = new long[1];
        long imported = 0;
        for (String root : roots) {
            Bson unmarked = Filters.and(under(MongoDocuments.FILE, root), Filters.exists(IMPORTED, false),
                    Filters.type(MongoDocuments.BUCKET, BsonType.STRING), Filters.ne(MongoDocuments.BUCKET, ""));
            imported += inBatches(seed, unmarked, null, batch -> {
                Instant now = Instant.now();
                List<UpdateOneModel<Document>> upserts = new ArrayList<>(batch.size());
                for (Document d : batch) {
                    FileRecord r = fromSeed000(d, instance, now);
                    upserts.add(new UpdateOneModel<>(Filters.and(Filters.eq(MongoDocuments.SOURCE, instance),
                            Filters.eq(MongoDocuments.PATH, r.path()), Filters.eq(MongoDocuments.BUCKET, r.bucket())),
                            MongoDocuments.insertOnly(r), new UpdateOptions().upsert(true)));
                }
                try {
                    created[0] += files.bulkWrite(upserts, new BulkWriteOptions().ordered(false)).getUpserts().size();
                } catch (MongoBulkWriteException e) {
                    // a duplicate key: another host of this instance inserted the record meanwhile, which is kept
                    duplicates(e);
                    created[0] += e.getWriteResult().getUpserts().size();
                }
                // marked only once its record is written: a crash between the two imports it again, which the
                // insert-only upsert makes harmless
                List<Object> ids = batch.stream().map(d -> d.get("_id")).toList();
                seed.updateMany(Filters.and(Filters.in("_id", ids), Filters.exists(IMPORTED, false)),
                        Updates.combine(Updates.set(IMPORTED, Date.from(now)), Updates.set(IMPORTED_BY, instance)));
                return batch.size();
            });
        }
        if (imported > 0) {
            long kept = imported - created[0];
            log.info("{}: imported {} documents of Reach Image Sync (seed 000) from collection {} as records of this"
                    + " instance '{}'{}; their files are compared with S3 (size and MD5) before any upload; the"
                    + " documents are left as they are, marked {}", location, imported, SEED_COLLECTION, instance,
                    kept > 0 ? " (" + kept + " of them had a record of this instance already, which is kept)" : "",
                    IMPORTED);
        }
    }

    /**
     * The record of a seed 000 document: UPLOADED when it says {@code uploaded: true}, else PENDING, with seed 000's
     * reason when it gave one. Not FAILED: a failed record whose version is unknown is settled by the start-up
     * check only when the file is found under the bucket and destination the seed recorded; one whose file Ferry
     * sends elsewhere (another site's bucket or prefix), or a failure of long ago, would stay in {@code ferry failed}
     * and its counts for ever with an error Ferry never had. PENDING with an unknown version is what "not known to
     * be in S3" means to Ferry: the start-up check compares the file with S3 exactly as one without a record.
     */
    static FileRecord fromSeed000(Document d, String instance, Instant now) {
        boolean uploaded = Boolean.TRUE.equals(d.get("uploaded"));
        String reason = uploaded ? "" : seed000Reason(d.get("reason"));
        Object key = d.get(MongoDocuments.PATH);
        return new FileRecord(instance, d.getString(MongoDocuments.FILE), d.getString(MongoDocuments.BUCKET),
                key instanceof String k ? k : "", uploaded ? FileStatus.UPLOADED : FileStatus.PENDING, -1, -1, "", "",
                0, reason, false, now, now, Optional.empty());
    }

    /** Seed 000 stored the error object it caught: its message or code, else the object as JSON; "" for none. */
    static String seed000Reason(Object reason) {
        String text;
        if (reason instanceof Document error) {
            Object said = error.get("message") != null ? error.get("message") : error.get("code");
            text = said != null ? said.toString() : error.isEmpty() ? "" : error.toJson();
        } else {
            text = reason == null ? "" : reason.toString();
        }
        return text.isBlank() ? "" : SEED_REASON + text;
    }

    private void warnIfAnotherInstanceHoldsTheseRoots() {
        if (roots.isEmpty() || files.find(Filters.eq(MongoDocuments.SOURCE, instance))
                .projection(Projections.include("_id")).first() != null) {
            return;
        }
        Set<String> others = new HashSet<>();
        for (String root : roots) {
            Document other = files.find(Filters.and(Filters.exists(MongoDocuments.SOURCE, true),
                            Filters.ne(MongoDocuments.SOURCE, instance), under(MongoDocuments.PATH, root)))
                    .projection(Projections.include(MongoDocuments.SOURCE)).first();
            if (other != null) {
                others.add(String.valueOf(other.get(MongoDocuments.SOURCE)));
            }
        }
        if (!others.isEmpty()) {
            log.warn("{}: this instance '{}' has no records, but instance {} has records of files under its watched"
                    + " folders; if that was this machine under another name (a Docker container's host name changes"
                    + " each time it is created), set INSTANCE_ID to that name, or its files are uploaded again",
                    location, instance, others.size() == 1 ? "'" + others.iterator().next() + "'" : others);
        }
    }

    /** Documents whose {@code field} is a path below {@code root} (a prefix match of the root and a separator). */
    static Bson under(String field, String root) {
        String prefix = root.endsWith("/") ? root : root + "/";
        return Filters.regex(field, "^" + Pattern.quote(prefix));
    }

    /**
     * Runs {@code step} on the documents of {@code collection} that {@code filter} matches, {@value #BATCH} at a
     * time (only the fields of {@code projection}, all when null), until none is left; returns the sum of what the
     * steps return. Each step must take its documents out of the filter (or throw), or this never ends.
     */
    private static long inBatches(MongoCollection<Document> collection, Bson filter, Bson projection,
            ToLongFunction<List<Document>> step) {
        long total = 0;
        while (true) {
            List<Document> batch = collection.find(filter).projection(projection).limit(BATCH)
                    .into(new ArrayList<>(BATCH));
            if (batch.isEmpty()) {
                return total;
            }
            total += step.applyAsLong(batch);
        }
    }

    /** The indexes of the writes of a bulk write that failed for a duplicate key; rethrows any other failure. */
    private static List<Integer> duplicates(MongoBulkWriteException e) {
        List<Integer> indexes = new ArrayList<>();
        for (BulkWriteError error : e.getWriteErrors()) {
            if (error.getCode() != DUPLICATE_KEY) {
                throw e;
            }
            indexes.add(error.getIndex());
        }
        return indexes;
    }

    private void dropIndex(String name) {
        try {
            files.dropIndex(name);
            log.info("{}: dropped index {} of records keyed by path alone", location, name);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != INDEX_NOT_FOUND && e.getErrorCode() != NAMESPACE_NOT_FOUND) {
                log.warn("{}: cannot drop index {}: {}", location, name, e.getErrorMessage());
            }
        }
    }

    /**
     * Creates one index. Existing data that forbids it (duplicate records from an earlier daemon, an index of
     * the same name with other options) is logged, not fatal: upserts by id still work without it.
     */
    private void createIndex(Bson keys, IndexOptions options) {
        try {
            files.createIndex(keys, options);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == DUPLICATE_KEY || e.getErrorCode() == 85 || e.getErrorCode() == 86) {
                log.warn("{}: cannot create index {} on collection {}: {}", location, keys.toBsonDocument(),
                        MongoStateStore.COLLECTION, e.getErrorMessage());
            } else {
                throw e;
            }
        }
    }
}
