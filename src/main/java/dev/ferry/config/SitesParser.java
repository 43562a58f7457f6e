package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.KeyRewrite;
import dev.ferry.core.UrlCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads the {@code sites:} list of the config file into validated {@link SiteConfig}s, adding every
 * problem (naming the site, the key and the line) to the list given. Secrets are never quoted.
 */
final class SitesParser {
    private final String file;
    private final int line;
    private final java.util.function.IntUnaryOperator itemLine;
    private final ParseContext ctx;
    private final Map<ConfigKey, Object> globals;
    private final List<String> problems;
    /** The label of a key in problems, by YAML name, for a site given on the command line; else "where.key". */
    private Map<String, String> labels = Map.of();
    /** A local_path that does not exist (yet) is no problem: the site watches it once it appears. */
    private boolean missingFolderAllowed;

    SitesParser(String file, int line, ParseContext ctx, Map<ConfigKey, Object> globals, List<String> problems) {
        this(file, line, index -> line, ctx, globals, problems);
    }

    /**
     * @param itemLine the line each item of the list starts on, by its 1-based index (the list's own line where
     *                 it is not known), so a problem in the second item names the second item's line
     */
    SitesParser(String file, int line, java.util.function.IntUnaryOperator itemLine, ParseContext ctx,
            Map<ConfigKey, Object> globals, List<String> problems) {
        this.file = file;
        this.line = line;
        this.itemLine = itemLine;
        this.ctx = ctx;
        this.globals = globals;
        this.problems = problems;
    }

    List<SiteConfig> parse(JsonNode node) {
        List<SiteConfig> sites = new ArrayList<>();
        if (node == null || node.isNull()) {
            return sites;
        }
        if (!node.isArray()) {
            problems.add("sites (" + file + " line " + line + "): must be a list of sites (\"- local_path: ...\")");
            return sites;
        }
        int index = 0;
        for (JsonNode site : node) {
            index++;
            String where = "sites[" + index + "] (" + file + " line " + itemLine.applyAsInt(index) + ")";
            if (!site.isObject()) {
                problems.add(where + ": must be a mapping of keys such as local_path and bucket");
                continue;
            }
            parseSite(site, where).ifPresent(sites::add);
        }
        return sites;
    }

    /**
     * One site given on the command line ({@link CommandLineSite}): the same keys, defaults and checks as an
     * entry of {@code sites:}, each problem labelled as {@code labels} says (the argument or option it came from).
     */
    /**
     * A site whose local_path does not exist is accepted (a mothership sends the same policies to every machine of
     * a fleet: a folder missing here matches nothing, as seed 003's glob did); the site watches it once it appears.
     */
    SitesParser allowMissingFolder() {
        this.missingFolderAllowed = true;
        return this;
    }

    Optional<SiteConfig> parseOne(JsonNode site, String where, Map<String, String> labels) {
        this.labels = Map.copyOf(labels);
        return parseSite(site, where);
    }

    private Optional<SiteConfig> parseSite(JsonNode site, String where) {
        int before = problems.size();
        Map<SiteKey, Object> v = new EnumMap<>(SiteKey.class);
        Set<SiteKey> rejected = EnumSet.noneOf(SiteKey.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = site.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Optional<SiteKey> key = SiteKey.byYamlName(field.getKey());
            if (key.isEmpty()) {
                problems.add(where + "." + field.getKey() + ": unknown site key; known: " + String.join(", ", SiteKey.names()));
                continue;
            }
            int problemsBefore = problems.size();
            parseValue(key.get(), field.getValue(), where).ifPresent(value -> v.put(key.get(), value));
            if (problems.size() > problemsBefore) {
                rejected.add(key.get());
            }
        }
        // also reports what is missing (but not what was given and rejected: that is reported already)
        Optional<SiteConfig> complete = complete(v, rejected, where, k -> k.yamlName, SitesParser::normalizePrefix);
        return problems.size() > before ? Optional.empty() : complete;
    }

    /**
     * Completes a site from the values its source gave (already parsed): fallbacks to the global keys,
     * defaults, required keys, the checks across keys, then the {@link SiteConfig}. Problems name each key
     * as {@code nameOf} gives it (the source's own key names), after {@code where}; {@code prefixRule} turns
     * the bucket_path as given into the key prefix ("" or ending in "/"). Keys in {@code rejected} were given
     * with a value already reported as bad: they are neither missing nor unpaired.
     */
    Optional<SiteConfig> complete(Map<SiteKey, Object> v, Set<SiteKey> rejected, String where,
            Function<SiteKey, String> nameOf, UnaryOperator<String> prefixRule) {
        int before = problems.size();
        for (SiteKey key : SiteKey.values()) {
            if (v.containsKey(key) || rejected.contains(key)) { // a rejected value is reported already
                continue;
            }
            if (key.fallback != null && globals.get(key.fallback) != null) {
                v.put(key, globals.get(key.fallback));
            } else if (key.defaultText != null && !key.defaultText.isEmpty()) {
                try {
                    v.put(key, key.type.parse(key.defaultText, ctx));
                } catch (BadValue e) {
                    throw new IllegalStateException("default of site key " + key.yamlName + ": " + e.getMessage(), e);
                }
            } else if (key.defaultText == null) {
                problems.add(where + ": " + nameOf.apply(key) + " is required (" + key.description + ")");
            }
        }
        boolean hasAccess = v.containsKey(SiteKey.ACCESS_KEY) || rejected.contains(SiteKey.ACCESS_KEY);
        if (hasAccess != (v.containsKey(SiteKey.SECRET_ACCESS_KEY) || rejected.contains(SiteKey.SECRET_ACCESS_KEY))) {
            problems.add(where + ": " + nameOf.apply(SiteKey.ACCESS_KEY) + " and "
                    + nameOf.apply(SiteKey.SECRET_ACCESS_KEY) + " must be set together (on the site or globally)");
        }
        if (v.containsKey(SiteKey.SSE_KMS_KEY_ID) && !"aws:kms".equals(v.get(SiteKey.SSE))) {
            problems.add(where + ": sse_kms_key_id needs sse: aws:kms");
        }
        String outputPrefix = (String) v.getOrDefault(SiteKey.OUTPUT_KEY_PREFIX, "");
        String removePrefix = (String) v.getOrDefault(SiteKey.INPUT_REMOVE_PREFIX, "");
        if (!outputPrefix.isEmpty() && !((String) v.getOrDefault(SiteKey.BUCKET_PATH, "")).isEmpty()) {
            problems.add(where + ": " + nameOf.apply(SiteKey.OUTPUT_KEY_PREFIX) + " and "
                    + nameOf.apply(SiteKey.BUCKET_PATH) + " are two ways to give the key prefix; set one");
        }
        boolean oneToOne = !Boolean.TRUE.equals(v.get(SiteKey.RETIRE_DELETED))
                && !Boolean.TRUE.equals(v.get(SiteKey.MARKERS)) && "state".equals(v.get(SiteKey.RECONCILE));
        if (!removePrefix.isEmpty() && !oneToOne) {
            problems.add(where + ": " + nameOf.apply(SiteKey.INPUT_REMOVE_PREFIX) + " works with reconcile: state "
                    + "only, without retire_deleted and markers (those compare S3 keys with paths one to one)");
        }
        @SuppressWarnings("unchecked")
        List<KeyRewrite.Rule> rules = (List<KeyRewrite.Rule>) v.getOrDefault(SiteKey.REWRITE, List.of());
        if (!rules.isEmpty() && !oneToOne) {
            problems.add(where + ": " + nameOf.apply(SiteKey.REWRITE) + " works with reconcile: state only, without "
                    + "retire_deleted and markers (those compare S3 keys with paths one to one)");
        }
        if (Boolean.TRUE.equals(v.get(SiteKey.FORCE_UPLOAD)) && !oneToOne) {
            problems.add(where + ": " + nameOf.apply(SiteKey.FORCE_UPLOAD) + " works with reconcile: state only, "
                    + "without retire_deleted and markers (those decide by comparing with S3)");
        }
        boolean deleteAfter = Boolean.TRUE.equals(v.get(SiteKey.DELETE_AFTER_UPLOAD));
        Path moveAfter = (Path) v.get(SiteKey.MOVE_AFTER_UPLOAD);
        AfterUploadChecks.check(deleteAfter, moveAfter, Boolean.TRUE.equals(v.get(SiteKey.RETIRE_DELETED)),
                (Path) v.get(SiteKey.LOCAL_PATH), where, nameOf, problems);
        boolean rewriteRequired = Boolean.TRUE.equals(v.get(SiteKey.REWRITE_REQUIRED));
        if (rewriteRequired && rules.isEmpty() && !rejected.contains(SiteKey.REWRITE)) {
            problems.add(where + ": " + nameOf.apply(SiteKey.REWRITE_REQUIRED) + " needs "
                    + nameOf.apply(SiteKey.REWRITE) + " rules (without them no file would be uploaded)");
        }
        List<String> inclusions = new ArrayList<>(list(v.get(SiteKey.INCLUSIONS)));
        String pattern = (String) v.getOrDefault(SiteKey.INPUT_FILE_PATTERN, "");
        if (!pattern.isEmpty()) {
            try {
                inclusions.addAll(SeedGlobs.inclusions(pattern));
            } catch (BadValue e) {
                problems.add(where + ": " + nameOf.apply(SiteKey.INPUT_FILE_PATTERN) + ": " + e.getMessage());
            }
        }
        if (problems.size() > before || !rejected.isEmpty()) { // a rejected value was reported by its source
            return Optional.empty();
        }
        String bucket = (String) v.get(SiteKey.BUCKET);
        String prefix = outputPrefix.isEmpty() ? prefixRule.apply((String) v.getOrDefault(SiteKey.BUCKET_PATH, ""))
                : outputPrefix;
        String name = (String) v.getOrDefault(SiteKey.NAME, "");
        if (name.isEmpty()) {
            name = prefix.isEmpty() ? bucket : bucket + "/" + (prefix.endsWith("/") ? prefix.substring(0,
                    prefix.length() - 1) : prefix);
        }
        Optional<URI> endpoint = Optional.ofNullable((URI) v.get(SiteKey.ENDPOINT));
        boolean pathStyle = v.containsKey(SiteKey.PATH_STYLE) ? (Boolean) v.get(SiteKey.PATH_STYLE) : endpoint.isPresent();
        Object watch = v.get(SiteKey.WATCH_INTERVAL);
        @SuppressWarnings("unchecked")
        Optional<Duration> poll = watch instanceof Optional<?> o ? (Optional<Duration>) o : Optional.empty();
        return Optional.of(new SiteConfig(name, (Path) v.get(SiteKey.LOCAL_PATH), bucket, prefix,
                Optional.ofNullable((String) v.get(SiteKey.BUCKET_REGION)), endpoint, pathStyle,
                Optional.ofNullable((String) v.get(SiteKey.ACCESS_KEY)),
                Optional.ofNullable((Secret) v.get(SiteKey.SECRET_ACCESS_KEY)),
                (Boolean) v.get(SiteKey.SDK_CHECKSUMS), (String) v.get(SiteKey.STORAGE_CLASS),
                Optional.ofNullable((String) v.get(SiteKey.SSE)), Optional.ofNullable((String) v.get(SiteKey.SSE_KMS_KEY_ID)),
                (Boolean) v.get(SiteKey.RETIRE_DELETED), (Integer) v.get(SiteKey.MAX_DELETE),
                (Integer) v.get(SiteKey.MAX_DELETE_PERCENT), list(v.get(SiteKey.EXCLUSIONS)), inclusions,
                poll, SiteConfig.ReconcileMode.of((String) v.get(SiteKey.RECONCILE)).orElseThrow(),
                (Boolean) v.get(SiteKey.MARKERS), (String) v.get(SiteKey.SYNC_MARKER_FILE),
                (Boolean) v.get(SiteKey.LOCAL_MARKERS), removePrefix, "",
                new KeyRewrite(rules, rewriteRequired), (Duration) v.get(SiteKey.DELAY_UPLOAD),
                (Boolean) v.get(SiteKey.FORCE_UPLOAD), deleteAfter, Optional.ofNullable(moveAfter)));
    }

    private Optional<Object> parseValue(SiteKey key, JsonNode value, String where) {
        String label = labels.getOrDefault(key.yamlName, where + "." + key.yamlName);
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            return Optional.empty();
        }
        if (key == SiteKey.REWRITE) { // structured: a list of {match, replace}
            return RewriteRules.read(value, label, problems).map(rules -> rules);
        }
        try {
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    items.add(item.asText());
                }
                return Optional.of(key.type.parseList(items, ctx));
            }
            if (!value.isValueNode()) {
                problems.add(label + ": must be a single value or a list");
                return Optional.empty();
            }
            ValueType type = key == SiteKey.LOCAL_PATH && missingFolderAllowed ? new ValueType.Folder(false) : key.type;
            return Optional.of(type.parse(value.asText(), ctx));
        } catch (BadValue e) {
            boolean secret = key.type instanceof ValueType.Text t && t.secret();
            problems.add(label + ": " + e.getMessage() + (secret || !e.echo() ? "" : ", got '" + UrlCredentials.mask(value.asText()) + "'"));
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }

    /** "path/to", "/path/to/" and "path//to" become "path/to/"; "" stays "". */
    static String normalizePrefix(String raw) {
        String p = raw.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        p = p.replaceAll("/{2,}", "/"); // an empty path segment: "a//b" is "a/b", as rclone and aws-cli read it
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }
}
