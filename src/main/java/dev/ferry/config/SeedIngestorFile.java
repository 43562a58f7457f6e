package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Seed 003's s3-ingestor.json read as it is: {@code debug} is log_level debug, {@code api_port} is port, the
 * mothership's keys are the control plane's ({@link ControlParser}), and each of {@code policies} is a site of
 * {@code s3_bucket}: its folder is the fixed leading part of {@code input_file_pattern} (relative to the config
 * file's folder), the rest of the glob an inclusion, and the key {@code output_key_prefix} + the file's path
 * (as the pattern spells it) with {@code input_remove_prefix} removed. {@code customizer} is refused: code
 * from configuration is what Ferry does not run.
 */
final class SeedIngestorFile {
    /** Top-level keys of seed 003 that are not control-plane keys. */
    static final Set<String> OWN_KEYS = Set.of("debug", "api_port", "s3_bucket", "policies");
    private static final Set<String> POLICY_KEYS = Set.of("input_file_pattern", "input_remove_prefix",
            "output_key_prefix", "rewrite", "rewrite_required", "delay_upload",
            "force_upload", "delete_after_upload", "move_after_upload");
    /** Policy keys carried to the site as they are (the same names and meaning on sites). */
    private static final List<String> SITE_KEYS = List.of("rewrite", "rewrite_required", "delay_upload",
            "force_upload", "delete_after_upload", "move_after_upload");
    static final String CUSTOMIZER_REFUSED = "customizer runs JavaScript from the configuration, which Ferry does "
            + "not do; a policy's key is data: input_file_pattern, input_remove_prefix and output_key_prefix (regex "
            + "key rewrites, the rewrite rules, replace what customizers computed; see docs/configuration.md)";

    private SeedIngestorFile() {
    }

    /**
     * Whether a top-level key of the file is one of seed 003's, or a control-plane key Ferry adds to them
     * ({@code token}, {@code insecure}): the file's table in docs/configuration.md lists them all.
     */
    static boolean isSeedKey(String name) {
        return OWN_KEYS.contains(name) || ControlParser.KEYS.contains(name);
    }

    /** debug and api_port as Ferry's keys (unless the file sets log_level or port itself). */
    static void mapGlobals(Map<String, YamlFile.Entry> seed, Map<ConfigKey, YamlFile.Entry> fileEntries) {
        YamlFile.Entry debug = seed.get("debug");
        if (debug != null && debug.value().asBoolean(false) && !fileEntries.containsKey(ConfigKey.LOG_LEVEL)) {
            fileEntries.put(ConfigKey.LOG_LEVEL, new YamlFile.Entry("debug", JsonNodeFactory.instance.textNode("debug"),
                    debug.line()));
        }
        YamlFile.Entry port = seed.get("api_port");
        if (port != null && !fileEntries.containsKey(ConfigKey.PORT)) {
            fileEntries.put(ConfigKey.PORT, new YamlFile.Entry("api_port", port.value(), port.line()));
        }
    }

    /**
     * The sites of the policies (one default policy when none is given).
     *
     * @param labelOf     how a problem names a top-level entry ("policies (file line 4)")
     * @param mothership  a mothership may send s3_bucket later: without it, no site yet instead of a problem
     * @param ownFiles    the config, keys and context files: never uploaded by a policy whose folder holds them
     */
    static List<SiteConfig> sites(Map<String, YamlFile.Entry> seed, java.util.function.Function<YamlFile.Entry, String> labelOf,
            ParseContext ctx, Map<ConfigKey, Object> globals, List<String> problems, boolean mothership,
            List<Path> ownFiles) {
        YamlFile.Entry bucketEntry = seed.get("s3_bucket");
        YamlFile.Entry policiesEntry = seed.get("policies");
        List<JsonNode> policies = new ArrayList<>();
        if (policiesEntry == null || policiesEntry.value() == null || policiesEntry.value().isNull()) {
            policies.add(JsonNodeFactory.instance.objectNode());
        } else if (!policiesEntry.value().isArray()) {
            problems.add(labelOf.apply(policiesEntry) + ": must be a list of policy objects");
            return List.of();
        } else {
            policiesEntry.value().forEach(policies::add);
        }
        if (bucketEntry == null || bucketEntry.value() == null || bucketEntry.value().asText().isBlank()) {
            if (!mothership) {
                problems.add("s3_bucket is required (the bucket the policies upload to), unless a mothership "
                        + "(host_dns) sends it");
            }
            return List.of();
        }
        List<SiteConfig> sites = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            String where = "policies[" + (i + 1) + "]" + (policiesEntry == null ? " (the default policy)" : " ("
                    + labelOf.apply(policiesEntry).replaceFirst("^policies \\(", "").replaceFirst("\\)$", "") + ")");
            policy(policies.get(i), i + 1, where, bucketEntry, labelOf, ctx, globals, problems, ownFiles,
                    policiesEntry != null && policiesEntry.line() < 0).ifPresent(sites::add);
        }
        return sites;
    }

    private static Optional<SiteConfig> policy(JsonNode p, int index, String where, YamlFile.Entry bucketEntry,
            java.util.function.Function<YamlFile.Entry, String> labelOf, ParseContext ctx,
            Map<ConfigKey, Object> globals, List<String> problems, List<Path> ownFiles, boolean fromMothership) {
        if (!p.isObject()) {
            problems.add(where + ": must be an object such as {\"input_file_pattern\": \"data/**\"}");
            return Optional.empty();
        }
        int before = problems.size();
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equals("customizer")) {
                problems.add(where + ".customizer: " + CUSTOMIZER_REFUSED);
            } else if (!POLICY_KEYS.contains(field)) {
                problems.add(where + "." + field + ": unknown policy key; known: "
                        + String.join(", ", new java.util.TreeSet<>(POLICY_KEYS)));
            }
        }
        String pattern = p.path("input_file_pattern").asText("").isBlank() ? "**/*"
                : p.path("input_file_pattern").asText();
        SeedGlobs.Split split = SeedGlobs.split(pattern);
        String remove = p.path("input_remove_prefix").asText("");
        String output = p.path("output_key_prefix").asText("");
        if (problems.size() > before) {
            return Optional.empty();
        }
        String fixed = split.fixed();
        Path folder = ctx.path(fixed.isEmpty() ? "." : fixed);
        ObjectNode site = JsonNodeFactory.instance.objectNode();
        site.put("name", "policy-" + index);
        site.put("local_path", folder.toString());
        site.put("bucket", bucketEntry.value().asText().strip());
        if (!output.isEmpty()) {
            if (output.startsWith("/")) {
                problems.add(where + ".output_key_prefix: a key may not start with '/' here (it makes an empty "
                        + "first folder in S3); got '" + output + "'");
                return Optional.empty();
            }
            site.put("output_key_prefix", output);
        }
        site.put("input_remove_prefix", remove);
        site.put("input_file_pattern", split.rest().isEmpty() ? "**" : split.rest());
        for (String key : SITE_KEYS) {
            if (p.has(key)) {
                site.set(key, p.get(key));
            }
        }
        var exclusions = site.putArray("exclusions");
        for (Path own : ownFiles) {
            if (own.startsWith(folder) && !own.equals(folder)) {
                String rel = folder.relativize(own).toString().replace('\\', '/');
                exclusions.add("regex:^" + Pattern.quote(rel) + "$");
            }
        }
        Map<String, String> labels = new HashMap<>();
        labels.put("local_path", where + ".input_file_pattern (its folder " + folder + ")");
        labels.put("bucket", labelOf.apply(bucketEntry));
        labels.put("output_key_prefix", where + ".output_key_prefix");
        labels.put("input_remove_prefix", where + ".input_remove_prefix");
        labels.put("input_file_pattern", where + ".input_file_pattern");
        SITE_KEYS.forEach(key -> labels.put(key, where + "." + key));
        SitesParser parser = new SitesParser(where, 0, ctx, globals, problems);
        if (fromMothership) { // a fleet's policies: a folder missing on this machine is watched once it appears
            parser.allowMissingFolder();
        }
        return parser.parseOne(site, where, labels).map(s -> s.withPathPrefix(fixed));
    }
}
