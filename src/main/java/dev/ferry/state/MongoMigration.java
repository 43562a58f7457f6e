package dev.ferry.state;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brings the {@code files} collection to records keyed by (source, path, bucket), once per process, before its
 * first call: every step is idempotent, so several hosts may run it at once.
 * <ol>
 * <li>The unique index on {@code path} (and the two listing indexes that led with status and bucket) of the
 * release that keyed records by path are dropped; one already gone is fine.</li>
 * <li>The unique index (source, path, bucket) and the listing indexes (source, status, path) and
 * (source, bucket, status) are created.</li>
 * <li>Documents without a source (that release's, and the earlier image-sync daemon's) whose path lies under
 * one of this daemon's watched roots take this instance's id as their source, {@value #BATCH} at a time: each
 * host of a fleet claims its own files. A document that cannot take it, because this instance already has a
 * record of that path and bucket (written since), is the older of the two and is removed.</li>
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

    private final MongoCollection<Document> files;
    private final String location;
    private final String instance;
    private final List<String> roots;

    /** @param roots the watched roots, absolute and normalized */
    MongoMigration(MongoCollection<Document> files, String location, String instance, List<String> roots) {
        this.files = files;
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
        warnIfAnotherInstanceHoldsTheseRoots();
    }

    /** Sets this instance as the source of the source-less documents under {@code root}; returns how many. */
    private long claim(String root) {
        Bson legacy = Filters.and(Filters.exists(MongoDocuments.SOURCE, false), under(root));
        long claimed = 0;
        while (true) {
            List<Object> ids = new ArrayList<>(BATCH);
            for (Document d : files.find(legacy).projection(Projections.include("_id")).limit(BATCH)) {
                ids.add(d.get("_id"));
            }
            if (ids.isEmpty()) {
                return claimed;
            }
            List<UpdateOneModel<Document>> sets = new ArrayList<>(ids.size());
            for (Object id : ids) {
                sets.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", id),
                        Filters.exists(MongoDocuments.SOURCE, false)), Updates.set(MongoDocuments.SOURCE, instance)));
            }
            try {
                claimed += files.bulkWrite(sets, new BulkWriteOptions().ordered(false)).getModifiedCount();
            } catch (MongoBulkWriteException e) {
                claimed += e.getWriteResult().getModifiedCount();
                List<Object> superseded = new ArrayList<>();
                for (BulkWriteError error : e.getWriteErrors()) {
                    if (error.getCode() != DUPLICATE_KEY) {
                        throw e;
                    }
                    superseded.add(ids.get(error.getIndex()));
                }
                files.deleteMany(Filters.and(Filters.in("_id", superseded),
                        Filters.exists(MongoDocuments.SOURCE, false)));
                log.info("{}: {} records written before records were keyed by instance were replaced by newer"
                        + " records of this instance '{}' and are removed", location, superseded.size(), instance);
            }
        }
    }

    private void warnIfAnotherInstanceHoldsTheseRoots() {
        if (roots.isEmpty() || files.find(Filters.eq(MongoDocuments.SOURCE, instance))
                .projection(Projections.include("_id")).first() != null) {
            return;
        }
        Set<String> others = new HashSet<>();
        for (String root : roots) {
            Document other = files.find(Filters.and(Filters.exists(MongoDocuments.SOURCE, true),
                            Filters.ne(MongoDocuments.SOURCE, instance), under(root)))
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

    /** Paths below {@code root} (a prefix match of the root and a separator). */
    static Bson under(String root) {
        String prefix = root.endsWith("/") ? root : root + "/";
        return Filters.regex(MongoDocuments.PATH, "^" + Pattern.quote(prefix));
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
