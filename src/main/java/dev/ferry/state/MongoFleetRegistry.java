package dev.ferry.state;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.ferry.core.FleetMember;
import dev.ferry.core.FleetRegistry;
import dev.ferry.core.StateStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet registry in collection {@code instances} of the state store's database: one document per instance,
 * its {@code _id} the instance id, replaced whole by each heartbeat. Buckets are an array of
 * {@code {bucket, queued, uploaded, failed, bytes}} rather than fields named after them, since a bucket name may
 * hold a '.', which MongoDB reads as a path. {@code run}, {@code pid} and {@code stopped} name the run that wrote
 * the document ({@link FleetMember.Run}); a heartbeat replaces the document and gets the one it replaced in one
 * step, so a write of another daemon under the same id in between cannot go unseen. A document this code cannot read (written by hand, or by a newer
 * version) is skipped, not fatal to the view. Shares the store's client; messages never hold the password.
 */
final class MongoFleetRegistry implements FleetRegistry {
    private static final Logger log = LoggerFactory.getLogger(MongoFleetRegistry.class);
    static final String COLLECTION = "instances";
    /** Entries read at most: a fleet, not a table of files. */
    static final int MAX_MEMBERS = 10_000;

    private final MongoCollection<Document> instances;
    private final String location;
    private final String url; // kept only to scrub driver messages; never shown

    MongoFleetRegistry(MongoDatabase database, String location, String url) {
        this.instances = database.getCollection(COLLECTION);
        this.location = location;
        this.url = url;
    }

    @Override
    public Optional<FleetMember> report(FleetMember self) {
        Document before = call("report of instance " + self.id(), () -> instances.findOneAndReplace(
                Filters.eq("_id", self.id()), toDocument(self),
                new FindOneAndReplaceOptions().upsert(true).returnDocument(ReturnDocument.BEFORE)));
        return readable(before);
    }

    @Override
    public Optional<FleetMember> member(String id) {
        return readable(call("read of instance " + id, () -> instances.find(Filters.eq("_id", id)).first()));
    }

    @Override
    public void stopped(String id, String token) {
        call("stop of instance " + id, () -> instances.updateOne(
                Filters.and(Filters.eq("_id", id), Filters.eq("run", token)), Updates.set("stopped", true)));
    }

    private Optional<FleetMember> readable(Document d) {
        if (d == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromDocument(d));
        } catch (RuntimeException e) {
            log.debug("mongodb {}: {} document {} unreadable: {}", location, COLLECTION, d.get("_id"), e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<FleetMember> members() {
        return call("list of instances", () -> {
            List<FleetMember> members = new ArrayList<>();
            for (Document d : instances.find().limit(MAX_MEMBERS)) {
                try {
                    members.add(fromDocument(d));
                } catch (RuntimeException e) {
                    log.debug("mongodb {}: {} document {} skipped: {}", location, COLLECTION, d.get("_id"),
                            e.toString());
                }
            }
            return members;
        });
    }

    static Document toDocument(FleetMember m) {
        List<Document> buckets = new ArrayList<>();
        m.buckets().forEach((name, c) -> buckets.add(new Document("bucket", name).append("queued", c.queued())
                .append("uploaded", c.uploaded()).append("failed", c.failed()).append("bytes", c.bytes())));
        Document d = new Document("_id", m.id()).append("host", m.host()).append("version", m.version())
                .append("startedAt", Date.from(m.startedAt())).append("lastSeen", Date.from(m.lastSeen()))
                .append("heartbeatMillis", m.heartbeat().toMillis()).append("buckets", buckets);
        m.url().ifPresent(u -> d.append("url", u));
        m.run().ifPresent(r -> d.append("run", r.token()).append("pid", r.pid()).append("stopped", r.stopped()));
        return d;
    }

    static FleetMember fromDocument(Document d) {
        Map<String, FleetMember.Counts> buckets = new TreeMap<>();
        for (Document b : d.getList("buckets", Document.class, List.of())) {
            buckets.put(b.getString("bucket"), new FleetMember.Counts(number(b, "queued"), number(b, "uploaded"),
                    number(b, "failed"), number(b, "bytes")));
        }
        return new FleetMember(d.get("_id").toString(), d.getString("host"), d.getString("version"),
                instant(d, "startedAt"), instant(d, "lastSeen"), Duration.ofMillis(number(d, "heartbeatMillis")),
                Optional.ofNullable(d.getString("url")), buckets,
                Optional.ofNullable(d.getString("run")).map(token -> new FleetMember.Run(token, number(d, "pid"),
                        Boolean.TRUE.equals(d.getBoolean("stopped")))));
    }

    private static long number(Document d, String field) {
        Object v = d.get(field);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static Instant instant(Document d, String field) {
        return d.getDate(field).toInstant();
    }

    private <T> T call(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw new StateStoreException("mongodb " + location + ": " + operation + " failed: "
                    + MongoUrls.scrub(e.getMessage(), url), e);
        }
    }
}
