package dev.ferry.state;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link StateStore} for fleets: collection {@code files} of a MongoDB database, one document per
 * local path (field names in {@link MongoDocuments}).
 *
 * <p>Opening does no I/O, so the daemon starts while MongoDB is down; the indexes are created by the first
 * call that reaches the server. Server selection, connect and read time out after a few seconds (unless the
 * URL sets them), so an unreachable server fails a call with {@link StateStoreException} instead of
 * hanging. Messages name the hosts and database, never the password. Instants are kept to the
 * millisecond; an upsert replaces every field except {@code createdAt}, which keeps the first value written.
 */
public final class MongoStateStore implements StateStore {

    private static final Logger log = LoggerFactory.getLogger(MongoStateStore.class);
    static final String COLLECTION = "files";
    /** Paths per {@code $in} query. */
    static final int CHUNK = 1_000;
    static final int SERVER_SELECTION_TIMEOUT_MILLIS = 5_000;
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 15_000;

    private final String url; // kept only to scrub driver messages; never shown
    private final String location;
    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<Document> files;
    private volatile boolean indexed;

    private MongoStateStore(String url, String location, MongoClient client, String databaseName) {
        this.url = url;
        this.location = location;
        this.client = client;
        this.database = client.getDatabase(databaseName);
        this.files = database.getCollection(COLLECTION);
    }

    /**
     * Connects (lazily) to the MongoDB the URL names. The database is the URL's path, else
     * {@code defaultDatabase}.
     *
     * @throws StateStoreException when the URL is not a valid MongoDB connection string
     */
    public static MongoStateStore open(String mongoUrl, String defaultDatabase) {
        ConnectionString cs;
        try {
            cs = new ConnectionString(mongoUrl);
        } catch (RuntimeException e) {
            // No cause attached: a parser message could quote the string it rejected.
            throw new StateStoreException("mongodb " + MongoUrls.redact(mongoUrl) + ": invalid connection string: "
                    + MongoUrls.scrub(e.getMessage(), mongoUrl));
        }
        String db = cs.getDatabase() == null || cs.getDatabase().isEmpty() ? defaultDatabase : cs.getDatabase();
        String location = (cs.isSrvProtocol() ? "mongodb+srv://" : "mongodb://") + String.join(",", cs.getHosts())
                + "/" + db;
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applyToClusterSettings(b -> {
                    if (cs.getServerSelectionTimeout() == null) {
                        b.serverSelectionTimeout(SERVER_SELECTION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToSocketSettings(b -> {
                    if (cs.getConnectTimeout() == null) {
                        b.connectTimeout(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    if (cs.getSocketTimeout() == null) {
                        b.readTimeout(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                })
                .build();
        try {
            return new MongoStateStore(mongoUrl, location, MongoClients.create(settings), db);
        } catch (RuntimeException e) {
            throw new StateStoreException("mongodb " + location + ": open failed: "
                    + MongoUrls.scrub(e.getMessage(), mongoUrl));
        }
    }

    @Override
    public String kind() {
        return "mongodb";
    }

    /** {@code mongodb://host1:port,host2/database}: hosts and database, no credentials. */
    @Override
    public String location() {
        return location;
    }

    @Override
    public Optional<FileRecord> get(String path) {
        return call("get", () -> Optional.ofNullable(files.find(Filters.eq(MongoDocuments.PATH, path))
                .projection(Projections.excludeId()).first()).map(MongoDocuments::read));
    }

    @Override
    public Map<String, FileRecord> getAll(Collection<String> paths) {
        List<String> all = List.copyOf(paths);
        return call("getAll of " + all.size() + " paths", () -> {
            Map<String, FileRecord> found = new HashMap<>();
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                for (Document d : files.find(Filters.in(MongoDocuments.PATH, chunk))
                        .projection(Projections.excludeId()).batchSize(CHUNK)) {
                    FileRecord r = MongoDocuments.read(d);
                    found.put(r.path(), r);
                }
            }
            return found;
        });
    }

    @Override
    public void putAll(Collection<FileRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // An unordered bulk write applies its operations in any order: keep only the last record per path.
        Map<String, FileRecord> latest = new LinkedHashMap<>();
        for (FileRecord r : records) {
            latest.put(r.path(), r);
        }
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        List<UpdateOneModel<Document>> writes = new ArrayList<>(latest.size());
        for (FileRecord r : latest.values()) {
            writes.add(new UpdateOneModel<>(Filters.eq(MongoDocuments.PATH, r.path()),
                    MongoDocuments.upsertUpdate(r), upsert));
        }
        call("putAll of " + records.size() + " records",
                () -> files.bulkWrite(writes, new BulkWriteOptions().ordered(false)));
    }

    @Override
    public void deleteAll(Collection<String> paths) {
        List<String> all = List.copyOf(paths);
        if (all.isEmpty()) {
            return;
        }
        call("deleteAll of " + all.size() + " paths", () -> {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                files.deleteMany(Filters.in(MongoDocuments.PATH, chunk));
            }
            return null;
        });
    }

    @Override
    public List<FileRecord> list(FileStatus status, int offset, int limit) {
        StoredValues.checkPage(offset, limit);
        if (limit == 0) {
            return new ArrayList<>(); // MongoDB reads limit 0 as "no limit"
        }
        return call("list " + status, () -> {
            List<FileRecord> page = new ArrayList<>(Math.min(limit, 1_000));
            for (Document d : files.find(Filters.eq(MongoDocuments.STATUS, status.name()))
                    .projection(Projections.excludeId()).sort(Sorts.ascending(MongoDocuments.PATH))
                    .skip(offset).limit(limit)) {
                page.add(MongoDocuments.read(d));
            }
            return page;
        });
    }

    @Override
    public Map<String, Map<FileStatus, Long>> countByBucket() {
        return call("countByBucket", () -> {
            Map<String, Map<FileStatus, Long>> counts = new TreeMap<>();
            Bson group = Aggregates.group(new Document("bucket", "$" + MongoDocuments.BUCKET)
                    .append("status", "$" + MongoDocuments.STATUS), Accumulators.sum("n", 1));
            for (Document d : files.aggregate(List.of(group))) {
                Document id = d.get("_id", Document.class);
                String bucket = id.get("bucket") == null ? "" : id.get("bucket").toString();
                FileStatus status = StoredValues.status(id.get("status") == null ? null : id.get("status").toString());
                long n = ((Number) d.get("n")).longValue();
                counts.computeIfAbsent(bucket, b -> new EnumMap<>(FileStatus.class)).merge(status, n, Long::sum);
            }
            return counts;
        });
    }

    @Override
    public void ping() {
        call("ping", () -> database.runCommand(new Document("ping", 1)));
    }

    /** Closes the client; later calls throw {@link StateStoreException}. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "MongoStateStore[" + location + "]";
    }

    /** Runs one operation, creating the indexes first if no call has yet, and wraps every driver failure. */
    private <T> T call(String operation, Supplier<T> body) {
        try {
            ensureIndexes();
            return body.get();
        } catch (StateStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException("mongodb " + location + ": " + operation + " failed: "
                    + MongoUrls.scrub(e.getMessage(), url), e);
        }
    }

    private void ensureIndexes() {
        if (indexed) {
            return;
        }
        synchronized (this) {
            if (indexed) {
                return;
            }
            createIndex(Indexes.ascending(MongoDocuments.PATH), new IndexOptions().unique(true));
            createIndex(Indexes.ascending(MongoDocuments.STATUS, MongoDocuments.PATH), new IndexOptions());
            createIndex(Indexes.ascending(MongoDocuments.BUCKET, MongoDocuments.STATUS), new IndexOptions());
            indexed = true;
        }
    }

    /**
     * Creates one index. Existing data that forbids it (duplicate paths from an earlier daemon, an index of
     * the same name with other options) is logged, not fatal: upserts by path still work without it.
     */
    private void createIndex(Bson keys, IndexOptions options) {
        try {
            files.createIndex(keys, options);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == 11000 || e.getErrorCode() == 85 || e.getErrorCode() == 86) {
                log.warn("{}: cannot create index {} on collection {}: {}", location, keys.toBsonDocument(),
                        COLLECTION, MongoUrls.scrub(e.getErrorMessage(), url));
            } else {
                throw e;
            }
        }
    }
}
