package dev.ferry.state;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;
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
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link StateStore} for fleets: collection {@code files} of a MongoDB database, one document per
 * (source, path, bucket) (field names in {@link MongoDocuments}); many hosts share it, each under its own instance
 * id.
 *
 * <p>Opening does no I/O, so the daemon starts while MongoDB is down; the first call that reaches the server
 * migrates the collection first ({@link MongoMigration}: indexes, claiming this instance's source-less documents,
 * importing seed 000's collection {@code filestatuses}). A lookup for this instance also finds a document without a
 * source (the Ferry release that keyed records by path alone writes them, e.g. on a host not yet upgraded), read
 * as this instance's. Server selection, connect and read time out after a few seconds (unless the
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
    private final InstanceId instance;
    private final List<String> roots;
    private final MongoFleetRegistry fleet;
    private volatile boolean indexed;

    private MongoStateStore(String url, String location, MongoClient client, String databaseName,
            InstanceId instance, List<String> roots) {
        this.url = url;
        this.location = location;
        this.client = client;
        this.database = client.getDatabase(databaseName);
        this.files = database.getCollection(COLLECTION);
        this.instance = instance;
        this.roots = roots;
        this.fleet = new MongoFleetRegistry(database, location, url);
    }

    /** Like {@link #open(String, String, InstanceId, List)} for the instance named after this host, no roots. */
    public static MongoStateStore open(String mongoUrl, String defaultDatabase) {
        return open(mongoUrl, defaultDatabase, InstanceId.ofHost(), List.of());
    }

    /**
     * Connects (lazily) to the MongoDB the URL names. The database is the URL's path, else
     * {@code defaultDatabase}.
     *
     * @param instance this daemon's instance id, the source of its records
     * @param roots    the folders it watches: source-less documents of files below them become this instance's, and
     *                 seed 000's documents of files below them are imported
     * @throws StateStoreException when the URL is not a valid MongoDB connection string
     */
    public static MongoStateStore open(String mongoUrl, String defaultDatabase, InstanceId instance,
            List<java.nio.file.Path> roots) {
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
            List<String> rootPaths = roots.stream().map(r -> r.toAbsolutePath().normalize().toString()).distinct()
                    .toList();
            return new MongoStateStore(mongoUrl, location, MongoClients.create(settings), db, instance, rootPaths);
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
    public InstanceId instance() {
        return instance;
    }

    @Override
    public Optional<FileRecord> get(RecordId id) {
        return Optional.ofNullable(lookup("get", List.of(id)).get(id));
    }

    /**
     * By chunks of paths, the documents of the sources asked for (and source-less ones when this instance is
     * asked for), through the index (source, path, bucket); the bucket is compared here.
     */
    @Override
    public Map<RecordId, FileRecord> getAll(Collection<RecordId> ids) {
        return lookup("getAll of " + ids.size() + " records", ids);
    }

    private Map<RecordId, FileRecord> lookup(String operation, Collection<RecordId> ids) {
        Set<RecordId> wanted = new HashSet<>(ids);
        List<String> sources = ids.stream().map(RecordId::source).distinct().toList();
        List<String> paths = ids.stream().map(RecordId::item).distinct().toList();
        boolean legacy = sources.contains(instance.value());
        return call(operation, () -> {
            Map<RecordId, FileRecord> found = new HashMap<>();
            for (int from = 0; from < paths.size(); from += CHUNK) {
                List<String> chunk = paths.subList(from, Math.min(paths.size(), from + CHUNK));
                for (Document d : files.find(Filters.and(ofSources(sources, legacy),
                                Filters.in(MongoDocuments.PATH, chunk)))
                        .projection(Projections.excludeId()).batchSize(CHUNK)) {
                    keep(found, wanted, d);
                }
            }
            return found;
        });
    }

    @Override
    public List<FileRecord> recordsOf(String source, String item) {
        return call("recordsOf", () -> {
            Map<RecordId, FileRecord> found = new TreeMap<>(java.util.Comparator.comparing(RecordId::destination));
            for (Document d : files.find(Filters.and(ofSources(List.of(source), source.equals(instance.value())),
                    Filters.eq(MongoDocuments.PATH, item))).projection(Projections.excludeId())) {
                keep(found, null, d);
            }
            return new ArrayList<>(found.values());
        });
    }

    /** The documents of these sources, and those without a source when {@code legacy}. */
    private static Bson ofSources(List<String> sources, boolean legacy) {
        Bson named = Filters.in(MongoDocuments.SOURCE, sources);
        return legacy ? Filters.or(named, Filters.exists(MongoDocuments.SOURCE, false)) : named;
    }

    /**
     * Adds the record of a document (a source-less one read as this instance's) when it is wanted (null: all);
     * a document that names its source wins over a source-less one of the same path and bucket.
     */
    private void keep(Map<RecordId, FileRecord> found, Set<RecordId> wanted, Document d) {
        FileRecord r = MongoDocuments.read(d, instance.value());
        if (wanted != null && !wanted.contains(r.id())) {
            return;
        }
        if (MongoDocuments.hasSource(d) || !found.containsKey(r.id())) {
            found.put(r.id(), r);
        }
    }

    @Override
    public void putAll(Collection<FileRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // An unordered bulk write applies its operations in any order: keep only the last record per id.
        Map<RecordId, FileRecord> latest = new LinkedHashMap<>();
        for (FileRecord r : records) {
            latest.put(r.id(), r);
        }
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        List<UpdateOneModel<Document>> writes = new ArrayList<>(latest.size());
        for (FileRecord r : latest.values()) {
            writes.add(new UpdateOneModel<>(byId(r.id()), MongoDocuments.upsertUpdate(r), upsert));
        }
        call("putAll of " + records.size() + " records",
                () -> files.bulkWrite(writes, new BulkWriteOptions().ordered(false)));
    }

    @Override
    public void deleteAll(Collection<RecordId> ids) {
        List<RecordId> all = List.copyOf(ids);
        if (all.isEmpty()) {
            return;
        }
        call("deleteAll of " + all.size() + " records", () -> {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<DeleteOneModel<Document>> deletes = new ArrayList<>();
                for (RecordId id : all.subList(from, Math.min(all.size(), from + CHUNK))) {
                    deletes.add(new DeleteOneModel<>(byId(id)));
                }
                files.bulkWrite(deletes, new BulkWriteOptions().ordered(false));
            }
            return null;
        });
    }

    private static Bson byId(RecordId id) {
        return Filters.and(Filters.eq(MongoDocuments.SOURCE, id.source()), Filters.eq(MongoDocuments.PATH, id.item()),
                Filters.eq(MongoDocuments.BUCKET, id.destination()));
    }

    @Override
    public List<FileRecord> list(FileStatus status, int offset, int limit) {
        StoredValues.checkPage(offset, limit);
        if (limit == 0) {
            return new ArrayList<>(); // MongoDB reads limit 0 as "no limit"
        }
        return call("list " + status, () -> {
            List<FileRecord> page = new ArrayList<>(Math.min(limit, 1_000));
            for (Document d : files.find(Filters.and(Filters.eq(MongoDocuments.SOURCE, instance.value()),
                            Filters.eq(MongoDocuments.STATUS, status.name())))
                    .projection(Projections.excludeId())
                    .sort(Sorts.ascending(MongoDocuments.PATH, MongoDocuments.BUCKET))
                    .skip(offset).limit(limit)) {
                page.add(MongoDocuments.read(d, instance.value()));
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
            Bson mine = Aggregates.match(Filters.eq(MongoDocuments.SOURCE, instance.value()));
            for (Document d : files.aggregate(List.of(mine, group))) {
                Document id = d.get("_id", Document.class);
                String bucket = id.get("bucket") == null ? "" : id.get("bucket").toString();
                FileStatus status = StoredValues.status(id.get("status") == null ? null : id.get("status").toString());
                long n = ((Number) d.get("n")).longValue();
                counts.computeIfAbsent(bucket, b -> new EnumMap<>(FileStatus.class)).merge(status, n, Long::sum);
            }
            return counts;
        });
    }

    /** The fleet registry (collection {@code instances}) of this database, on this store's client. */
    @Override
    public Optional<dev.ferry.core.FleetRegistry> fleetRegistry() {
        return Optional.of(fleet);
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
            new MongoMigration(database, location, instance.value(), roots).run();
            indexed = true;
        }
    }
}
