package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.config.ReplicateKey.Scope;
import dev.ferry.core.UrlCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code replicate:} list of the config file into validated {@link ReplicateJob}s, adding every
 * problem (naming the job, the key and the line) to the list given, as {@link SitesParser} does for sites.
 * The checks across jobs are {@link ReplicateChecks}'. Secrets are never quoted.
 */
final class ReplicateParser {
    private final String file;
    private final int line;
    private final java.util.function.IntUnaryOperator itemLine;
    private final ParseContext ctx;
    private final Map<ConfigKey, Object> globals;
    private final List<String> problems;

    /** The keys one mapping gave: scalar values parsed, mappings and lists as given; whether any was bad. */
    private record Given(Map<ReplicateKey, Object> values, Map<ReplicateKey, JsonNode> nodes, boolean bad) {
    }

    /**
     * @param itemLine the line each item of the list starts on, by its 1-based index (the list's own line where
     *                 it is not known), so a problem in the second item names the second item's line
     */
    ReplicateParser(String file, int line, java.util.function.IntUnaryOperator itemLine, ParseContext ctx,
            Map<ConfigKey, Object> globals, List<String> problems) {
        this.file = file;
        this.line = line;
        this.itemLine = itemLine;
        this.ctx = ctx;
        this.globals = globals;
        this.problems = problems;
    }

    List<ReplicateJob> parse(JsonNode node) {
        List<ReplicateJob> jobs = new ArrayList<>();
        if (node == null || node.isNull()) {
            return jobs;
        }
        if (!node.isArray()) {
            problems.add("replicate (" + file + " line " + line + "): must be a list of jobs (\"- name: ...\" with "
                    + "source: and destinations:)");
            return jobs;
        }
        int index = 0;
        Map<Integer, ReplicateJob> followers = new java.util.LinkedHashMap<>(); // by index, the jobs with a queue
        for (JsonNode job : node) {
            index++;
            String where = "replicate[" + index + "] (" + file + " line " + itemLine.applyAsInt(index) + ")";
            if (!job.isObject()) {
                problems.add(where + ": must be a mapping of keys such as name, source and destinations");
                continue;
            }
            Optional<ReplicateJob> parsed = parseJob(job, where);
            parsed.ifPresent(jobs::add);
            if (parsed.isPresent() && parsed.get().sqs().isPresent()) {
                sharedQueue(parsed.get(), where, followers);
                followers.put(index, parsed.get());
            }
        }
        return jobs;
    }

    /**
     * A queue followed by two jobs loses events: each message is received by one of them, which copies it if it is
     * about its own source and deletes it from the queue either way, so the other job never sees it.
     */
    private void sharedQueue(ReplicateJob job, String where, Map<Integer, ReplicateJob> earlier) {
        EventQueue queue = job.sqs().orElseThrow();
        for (Map.Entry<Integer, ReplicateJob> other : earlier.entrySet()) {
            if (sameQueue(queue, other.getValue().sqs().orElseThrow())) {
                problems.add(where + ".sqs.url: the same queue as job '" + other.getValue().name() + "' (replicate["
                        + other.getKey() + "]), " + UrlCredentials.mask(queue.url().toString()) + ": each message "
                        + "is received by one job and deleted from the queue, so the other job never sees it and its "
                        + "objects are not copied in event mode. Use one job with several destinations, or give each "
                        + "job its own queue (subscribed to the bucket's events through an SNS topic, which fans out "
                        + "each event to every queue)");
                return;
            }
        }
    }

    /**
     * One queue however its URL is written (scheme and host in any case, the default port, a trailing slash), unless
     * both name endpoints of their own that are different servers.
     */
    static boolean sameQueue(EventQueue a, EventQueue b) {
        return BucketLocation.sameEndpoint(Optional.of(a.url()), Optional.of(b.url()))
                && (a.endpoint().isEmpty() || b.endpoint().isEmpty() || BucketLocation.sameEndpoint(a.endpoint(),
                        b.endpoint()));
    }

    private Optional<ReplicateJob> parseJob(JsonNode job, String where) {
        int before = problems.size();
        Given given = read(job, where, Scope.JOB);
        Optional<BucketLocation> source = Optional.empty();
        JsonNode sourceNode = given.nodes().get(ReplicateKey.SOURCE);
        if (sourceNode == null) {
            problems.add(where + ": source is required (" + ReplicateKey.SOURCE.description + ")");
        } else {
            source = mapping(sourceNode, where + ".source").flatMap(n -> location(n, where + ".source", Scope.SOURCE));
        }
        List<ReplicaDestination> destinations = new ArrayList<>();
        JsonNode destNode = given.nodes().get(ReplicateKey.DESTINATIONS);
        if (destNode == null || destNode.isArray() && destNode.isEmpty()) {
            problems.add(where + ".destinations: at least one destination is required (a job with no destination "
                    + "would copy nothing)");
        } else if (!destNode.isArray()) {
            problems.add(where + ".destinations: must be a list of destinations (\"- {bucket: ..., prefix: ...}\")");
        } else {
            int i = 0;
            for (JsonNode d : destNode) {
                i++;
                String at = where + ".destinations[" + i + "]";
                mapping(d, at).flatMap(n -> destination(n, at)).ifPresent(destinations::add);
            }
        }
        Optional<EventQueue> sqs = Optional.empty();
        JsonNode sqsNode = given.nodes().get(ReplicateKey.SQS);
        if (sqsNode != null && !sqsNode.isNull()) {
            sqs = mapping(sqsNode, where + ".sqs").flatMap(n -> queue(n, where + ".sqs"));
        }
        if (problems.size() > before || given.bad() || source.isEmpty()) {
            return Optional.empty();
        }
        Map<ReplicateKey, Object> v = withDefaults(given.values(), Scope.JOB);
        String name = (String) v.getOrDefault(ReplicateKey.NAME, "");
        if (name.isEmpty()) {
            BucketLocation s = source.get();
            name = s.prefix().isEmpty() ? s.bucket() : s.bucket() + "/" + s.prefix().substring(0, s.prefix().length() - 1);
        }
        for (int i = 0; i < destinations.size(); i++) {
            BucketLocation d = destinations.get(i).location();
            if (d.overlaps(source.get())) {
                problems.add(where + ".destinations[" + (i + 1) + "]: " + d.url() + (d.prefix().equals(source.get().prefix())
                        ? " is the job's source itself" : " overlaps the job's source " + source.get().url())
                        + "; a copy would land in what is being copied. Give the destination another bucket or prefix");
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new ReplicateJob(name, source.get(), destinations, (Boolean) v.get(ReplicateKey.DELETE),
                (Integer) v.get(ReplicateKey.MAX_DELETE), (Integer) v.get(ReplicateKey.MAX_DELETE_PERCENT), sqs));
    }

    private Optional<JsonNode> mapping(JsonNode node, String where) {
        if (node.isObject()) {
            return Optional.of(node);
        }
        problems.add(where + ": must be a mapping such as {bucket: name, prefix: folder/}");
        return Optional.empty();
    }

    private Optional<ReplicaDestination> destination(JsonNode node, String where) {
        int before = problems.size();
        Optional<BucketLocation> location = location(node, where, Scope.DESTINATION);
        if (location.isEmpty()) {
            return Optional.empty();
        }
        Map<ReplicateKey, Object> v = read(node, where, Scope.DESTINATION).values(); // reported already by location()
        problems.subList(before, problems.size()).clear();
        if (v.containsKey(ReplicateKey.SSE_KMS_KEY_ID) && !"aws:kms".equals(v.get(ReplicateKey.SSE))) {
            problems.add(where + ": sse_kms_key_id needs sse: aws:kms");
            return Optional.empty();
        }
        return Optional.of(new ReplicaDestination(location.get(), text(v, ReplicateKey.STORAGE_CLASS),
                text(v, ReplicateKey.SSE), text(v, ReplicateKey.SSE_KMS_KEY_ID)));
    }

    private Optional<BucketLocation> location(JsonNode node, String where, Scope scope) {
        int before = problems.size();
        Given given = read(node, where, scope);
        Map<ReplicateKey, Object> v = withDefaults(given.values(), scope);
        required(v, given, where, scope);
        pair(v, given, where);
        if (problems.size() > before || given.bad()) {
            return Optional.empty();
        }
        Optional<URI> endpoint = Optional.ofNullable((URI) v.get(ReplicateKey.ENDPOINT));
        boolean pathStyle = v.containsKey(ReplicateKey.PATH_STYLE) ? (Boolean) v.get(ReplicateKey.PATH_STYLE)
                : endpoint.isPresent();
        return Optional.of(new BucketLocation((String) v.get(ReplicateKey.BUCKET),
                SitesParser.normalizePrefix((String) v.getOrDefault(ReplicateKey.PREFIX, "")),
                text(v, ReplicateKey.REGION), endpoint, pathStyle, text(v, ReplicateKey.ACCESS_KEY),
                Optional.ofNullable((Secret) v.get(ReplicateKey.SECRET_ACCESS_KEY))));
    }

    private Optional<EventQueue> queue(JsonNode node, String where) {
        int before = problems.size();
        Given given = read(node, where, Scope.SQS);
        Map<ReplicateKey, Object> v = withDefaults(given.values(), Scope.SQS);
        required(v, given, where, Scope.SQS);
        pair(v, given, where);
        if (problems.size() > before || given.bad()) {
            return Optional.empty();
        }
        return Optional.of(new EventQueue((URI) v.get(ReplicateKey.URL), text(v, ReplicateKey.REGION),
                Optional.ofNullable((URI) v.get(ReplicateKey.QUEUE_ENDPOINT)), text(v, ReplicateKey.ACCESS_KEY),
                Optional.ofNullable((Secret) v.get(ReplicateKey.SECRET_ACCESS_KEY)),
                Duration.ofSeconds((Integer) v.get(ReplicateKey.WAIT_TIME)),
                Duration.ofSeconds((Integer) v.get(ReplicateKey.VISIBILITY_TIMEOUT))));
    }

    private void required(Map<ReplicateKey, Object> v, Given given, String where, Scope scope) {
        for (ReplicateKey key : ReplicateKey.values()) {
            if (key.scopes.contains(scope) && key.type != null && key.defaultText == null && !v.containsKey(key)
                    && !given.bad()) {
                problems.add(where + ": " + key.yamlName + " is required (" + key.description + ")");
            }
        }
    }

    /**
     * access_key and secret_access_key come together: both from the entry, or both from the global keys. One of
     * them on the entry would be paired with the other of the global keys, another account's.
     */
    private void pair(Map<ReplicateKey, Object> v, Given given, String where) {
        if (given.bad()) {
            return;
        }
        Map<ReplicateKey, Object> own = given.values();
        if (own.containsKey(ReplicateKey.ACCESS_KEY) != own.containsKey(ReplicateKey.SECRET_ACCESS_KEY)) {
            problems.add(where + ": " + (own.containsKey(ReplicateKey.ACCESS_KEY) ? "access_key without "
                    + "secret_access_key" : "secret_access_key without access_key") + "; set both here (the global "
                    + "one is another account's), or neither to use the global keys");
        } else if (v.containsKey(ReplicateKey.ACCESS_KEY) != v.containsKey(ReplicateKey.SECRET_ACCESS_KEY)) {
            problems.add(where + ": access_key and secret_access_key must be set together (here or globally)");
        }
    }

    /** The keys of one mapping, each known in {@code scope}; unknown keys and bad values reported. */
    private Given read(JsonNode node, String where, Scope scope) {
        Map<ReplicateKey, Object> values = new EnumMap<>(ReplicateKey.class);
        Map<ReplicateKey, JsonNode> nodes = new EnumMap<>(ReplicateKey.class);
        boolean bad = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String label = where + "." + field.getKey();
            Optional<ReplicateKey> key = ReplicateKey.byYamlName(field.getKey(), scope);
            if (key.isEmpty()) {
                problems.add(label + ": unknown key of " + scope.label + "; known: "
                        + String.join(", ", ReplicateKey.names(scope)));
                bad = true;
                continue;
            }
            JsonNode value = field.getValue();
            if (key.get().type == null) {
                nodes.put(key.get(), value);
                continue;
            }
            if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
                continue;
            }
            if (!value.isValueNode()) {
                problems.add(label + ": must be a single value");
                bad = true;
                continue;
            }
            try {
                values.put(key.get(), key.get().type.parse(value.asText(), ctx));
            } catch (BadValue e) {
                problems.add(label + ": " + e.getMessage()
                        + (key.get().secret() || !e.echo() ? "" : ", got '" + UrlCredentials.mask(value.asText()) + "'"));
                bad = true;
            }
        }
        return new Given(values, nodes, bad);
    }

    /** Fallbacks to the global keys, then defaults, for the keys of {@code scope} not given. */
    private Map<ReplicateKey, Object> withDefaults(Map<ReplicateKey, Object> given, Scope scope) {
        Map<ReplicateKey, Object> v = new EnumMap<>(given);
        for (ReplicateKey key : ReplicateKey.values()) {
            if (!key.scopes.contains(scope) || key.type == null || v.containsKey(key)) {
                continue;
            }
            if (key.fallback != null && globals.get(key.fallback) != null) {
                v.put(key, globals.get(key.fallback));
            } else if (key.defaultText != null && !key.defaultText.isEmpty()) {
                try {
                    v.put(key, key.type.parse(key.defaultText, ctx));
                } catch (BadValue e) {
                    throw new IllegalStateException("default of replicate key " + key.yamlName + ": " + e.getMessage(), e);
                }
            }
        }
        return v;
    }

    private static Optional<String> text(Map<ReplicateKey, Object> v, ReplicateKey key) {
        return Optional.ofNullable((String) v.get(key));
    }
}
