package dev.ferry.config;

import dev.ferry.core.InstanceId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.config.Setting.Source;
import dev.ferry.core.UrlCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * Reads every key from the highest source that sets it (command line, environment, file, default),
 * collects every problem, then builds the {@link FerryConfig} or throws one {@link ConfigException}.
 */
final class ConfigLoader {
    static final String WATCH_PATH_REQUIRED = "WATCH_PATH is required (the folder to watch; seed 000's PATH "
            + "variable is not read because it is the shell's search path), unless the config file lists sites:";

    /** One value as a source gave it: text, or a list from YAML. */
    private record Raw(Source source, String from, String label, String text, List<String> list, ParseContext ctx) {
    }

    private final Map<String, String> env;
    private final Map<ConfigKey, String> cli = new EnumMap<>(ConfigKey.class);
    private final Optional<Path> configFile;
    private final ParseContext cwdContext;
    private final List<String> problems = new ArrayList<>();
    private final Map<ConfigKey, YamlFile.Entry> fileEntries = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
    private YamlFile.Entry sitesEntry;
    private YamlFile.Entry replicateEntry;
    private List<ReplicateJob> replicate = List.of();
    /** The config file is in seed 004's key=value form: its site, and a sync schedule instead of the daemon. */
    private KeyValueSite keyValueSite;
    private SyncSchedule schedule;
    /** A watch_path given beside a config.txt, which is one site: not run, named in a WARN ("WATCH_PATH ..."). */
    private String ignoredWatchPath;
    /** The config file could not be read: which keys it sets is unknown, so none is reported missing. */
    private boolean fileUnread;
    private List<SiteConfig> sites = List.of();
    private final Optional<CommandLineSite> commandLineSite;
    /** The control: section (Ferry's form of the control plane's keys), if given. */
    private YamlFile.Entry controlEntry;
    /** Seed 003's top-level keys (s3-ingestor.json), by name. */
    private final Map<String, YamlFile.Entry> seedEntries = new java.util.LinkedHashMap<>();
    private Optional<ControlConfig> control = Optional.empty();
    /** The keys of aws_keys_file, when read: their session token (temporary keys) has no config key of its own. */
    private Optional<AwsKeys> keysFileKeys = Optional.empty();
    /** A configuration sent by the mothership, merged over the file's top-level keys. */
    private Optional<com.fasterxml.jackson.databind.node.ObjectNode> overlay = Optional.empty();

    /** Keys a mothership's configuration may not set: where it is reached, what runs on upgrade, local secrets. */
    static final java.util.Set<String> NOT_FROM_MOTHERSHIP = java.util.Set.of("control", "upgrade_command",
            "aws_keys_file", "host_service", "host_dns", "host_port", "host_uri", "token", "insecure", "admin_token",
            "state_dir", "mongo_url", "access_key", "secret_access_key");

    ConfigLoader(Map<String, String> env, Map<String, String> cliValues, Optional<Path> configFile) {
        this(env, cliValues, configFile, Optional.empty());
    }

    /** With a site given on the command line (and then no config file): see {@link CommandLineSite}. */
    ConfigLoader(Map<String, String> env, Map<String, String> cliValues, Optional<Path> configFile,
            Optional<CommandLineSite> commandLineSite) {
        this.commandLineSite = commandLineSite;
        this.env = Map.copyOf(env);
        this.configFile = configFile;
        String home = env.get("HOME");
        Path homeDir = home != null && home.startsWith("/") ? Path.of(home) : Path.of(System.getProperty("user.home"));
        this.cwdContext = new ParseContext(Path.of("").toAbsolutePath(), homeDir);
        cliValues.forEach((name, value) -> {
            if (value != null) {
                cli.put(cliKey(name), value);
            }
        });
    }

    private static ConfigKey cliKey(String name) {
        for (ConfigKey k : ConfigKey.values()) {
            if (k.flag().equals(name) || k.yamlName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a configuration option: " + name);
    }

    /** With a configuration from the mothership merged over the file's top-level keys. */
    ConfigLoader withOverlay(com.fasterxml.jackson.databind.node.ObjectNode config) {
        this.overlay = Optional.of(config);
        return this;
    }

    FerryConfig load() {
        configFile.ifPresent(this::readFile);
        SeedIngestorFile.mapGlobals(seedEntries, fileEntries);
        for (ConfigKey key : ConfigKey.values()) {
            resolve(key);
        }
        List<SiteConfig> policySites = controlAndPolicies();
        if (sitesEntry != null) {
            Path file = configFile.orElseThrow();
            Path dir = file.toAbsolutePath().getParent();
            ParseContext ctx = new ParseContext(dir == null ? cwdContext.baseDir() : dir, cwdContext.home());
            sites = new SitesParser(file.toString(), sitesEntry.line(), sitesEntry::lineOfItem, ctx, values, problems)
                    .parse(sitesEntry.value());
        }
        if (replicateEntry != null) {
            Path file = configFile.orElseThrow();
            Path dir = file.toAbsolutePath().getParent();
            ParseContext ctx = new ParseContext(dir == null ? cwdContext.baseDir() : dir, cwdContext.home());
            replicate = new ReplicateParser(file.toString(), replicateEntry.line(), replicateEntry::lineOfItem, ctx,
                    values, problems).parse(replicateEntry.value());
        }
        if (commandLineSite.isPresent()) {
            sites = commandLineSite(commandLineSite.get());
        } else if (keyValueSite != null && !fileUnread) {
            schedule = keyValueSite.schedule();
            if (ignoredWatchPath != null) {
                schedule = schedule.ignoringWatchPath(ignoredWatchPath);
            }
            sites = keyValueSite.site(new SitesParser(configFile.orElseThrow().toString(), 0, cwdContext, values,
                    problems)).map(List::of).orElse(List.of());
        }
        if (!policySites.isEmpty()) {
            List<SiteConfig> all = new ArrayList<>(sites);
            all.addAll(policySites);
            sites = all;
        }
        if (fileUnread) {
            // The checks below would report keys (watch_path, a credential of a pair) as missing that the
            // unreadable file may set; its own problem is the one to fix first.
            throw new ConfigException(problems);
        }
        crossCheck();
        Setting watch = settings.get(ConfigKey.WATCH_PATH);
        boolean watchGiven = watch == null || watch.source() != Source.DEFAULT; // null: given but rejected
        SiteChecks.check(values.containsKey(ConfigKey.WATCH_PATH) ? Optional.of((Path) values.get(ConfigKey.WATCH_PATH))
                : Optional.empty(), watchGiven || !sites.isEmpty() || sitesEntry != null || replicateEntry != null
                || commandLineSite.isPresent() || keyValueSite != null || !seedEntries.isEmpty(), sites,
                (Path) values.get(ConfigKey.STATE_DIR), values.containsKey(ConfigKey.MONGO_URL),
                problems);
        ReplicateChecks.check(replicate, sites, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return build();
    }

    /**
     * The one site of {@code ferry sync DIR s3://bucket/prefix}, read as an entry of {@code sites:} is. Its
     * state store is a folder of its own under state_dir, keyed by the folder and the destination (endpoint,
     * bucket, prefix): records are keyed by local path, so two destinations of one folder, or a daemon's
     * store, must not share one.
     */
    private List<SiteConfig> commandLineSite(CommandLineSite cli) {
        Map<String, String> labels = new java.util.HashMap<>();
        int before = problems.size();
        com.fasterxml.jackson.databind.node.ObjectNode node = cli.toSiteNode(labels, problems);
        if (problems.size() > before) {
            return List.of();
        }
        Optional<SiteConfig> site = new SitesParser("the command line", 0, cwdContext, values, problems)
                .parseOne(node, "the command line", labels);
        Path stateDir = (Path) values.get(ConfigKey.STATE_DIR);
        if (site.isPresent() && stateDir != null) {
            Path keyed = stateDir.resolve("sync").resolve(stateFolderName(site.get()));
            values.put(ConfigKey.STATE_DIR, keyed);
            Setting s = settings.get(ConfigKey.STATE_DIR);
            settings.put(ConfigKey.STATE_DIR, new Setting(ConfigKey.STATE_DIR, keyed.toString(), s.source(), s.from()));
        }
        return site.map(List::of).orElse(List.of());
    }

    /** {@code <bucket>-<16 hex digits of SHA-256 over folder, endpoint, bucket and prefix>}. */
    static String stateFolderName(SiteConfig site) {
        String identity = site.localPath().toAbsolutePath().normalize() + "\n" + site.endpoint().map(URI::toString)
                .orElse("aws") + "\n" + site.bucket() + "\n" + site.prefix();
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return site.bucket() + "-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The control plane (control: or seed 003's top-level keys), the keys file's credentials as the global
     * ones, and the sites of seed 003's policies.
     */
    private List<SiteConfig> controlAndPolicies() {
        if (controlEntry == null && seedEntries.isEmpty() || configFile.isEmpty()) {
            return List.of();
        }
        ParseContext ctx = fileContext();
        Map<String, ControlParser.Given> given = new java.util.LinkedHashMap<>();
        String where = null; // seed 003's keys: no host_dns means no mothership, not a problem
        if (controlEntry != null) {
            where = label(controlEntry);
            if (!controlEntry.value().isObject()) {
                problems.add(where + ": must be a mapping of keys such as host_dns and heartbeat_period");
            } else {
                controlEntry.value().fields().forEachRemaining(f -> {
                    if (ControlParser.KEYS.contains(f.getKey())) {
                        given.put(f.getKey(), new ControlParser.Given(f.getValue(), "control." + f.getKey() + " ("
                                + source(controlEntry) + ")"));
                    } else {
                        problems.add("control." + f.getKey() + " (" + source(controlEntry) + "): unknown key; known: "
                                + String.join(", ", ControlParser.KEYS));
                    }
                });
            }
        }
        for (YamlFile.Entry e : seedEntries.values()) {
            if (ControlParser.KEYS.contains(e.name())) {
                if (given.containsKey(e.name())) {
                    problems.add(label(e) + ": also set as control." + e.name() + "; keep one");
                } else {
                    given.put(e.name(), new ControlParser.Given(e.value(), label(e)));
                }
            }
        }
        ControlParser.Result r = new ControlParser(ctx, problems).parse(given, where, (Path) values.getOrDefault(
                ConfigKey.STATE_DIR, ctx.path(".")));
        control = r.control();
        try {
            AwsKeys.read(r.keysFile()).ifPresent(this::useKeys);
        } catch (IllegalArgumentException e) {
            problems.add("aws_keys_file " + r.keysFile() + ": " + e.getMessage());
        }
        if (seedEntries.keySet().stream().noneMatch(n -> n.equals("s3_bucket") || n.equals("policies"))) {
            return List.of();
        }
        List<Path> own = new ArrayList<>(List.of(configFile.get().toAbsolutePath().normalize(), r.keysFile()));
        control.ifPresent(c -> own.add(c.contextFile()));
        return SeedIngestorFile.sites(seedEntries, this::label, ctx, values, problems, control.isPresent(), own);
    }

    /** The keys of the keys file are the global credentials (and region): the mothership's rotate them. */
    private void useKeys(AwsKeys keys) {
        String from = "aws_keys_file";
        values.put(ConfigKey.ACCESS_KEY, keys.accessKeyId());
        settings.put(ConfigKey.ACCESS_KEY, new Setting(ConfigKey.ACCESS_KEY, Secret.MASK, Source.FILE, from));
        values.put(ConfigKey.SECRET_ACCESS_KEY, keys.secretAccessKey());
        keysFileKeys = Optional.of(keys);
        settings.put(ConfigKey.SECRET_ACCESS_KEY, new Setting(ConfigKey.SECRET_ACCESS_KEY, Secret.MASK, Source.FILE, from));
        keys.region().ifPresent(region -> {
            values.put(ConfigKey.AWS_REGION, region);
            settings.put(ConfigKey.AWS_REGION, new Setting(ConfigKey.AWS_REGION, region, Source.FILE, from));
        });
    }

    private ParseContext fileContext() {
        Path dir = configFile.orElseThrow().toAbsolutePath().getParent();
        return new ParseContext(dir == null ? cwdContext.baseDir() : dir, cwdContext.home());
    }

    /** "file line N", or "the mothership's config" for an entry it sent. */
    private String source(YamlFile.Entry entry) {
        return entry.line() < 0 ? "the mothership's config" : configFile.map(Path::toString).orElse("") + " line "
                + entry.line();
    }

    private String label(YamlFile.Entry entry) {
        return entry.name() + " (" + source(entry) + ")";
    }

    /** The file's entries with the mothership's top-level keys replacing or adding theirs (line -1). */
    private List<YamlFile.Entry> merged(List<YamlFile.Entry> entries) {
        if (overlay.isEmpty()) {
            return entries;
        }
        Map<String, YamlFile.Entry> byName = new java.util.LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        overlay.get().fields().forEachRemaining(f -> {
            if (NOT_FROM_MOTHERSHIP.contains(f.getKey())) {
                problems.add(f.getKey() + " (the mothership's config): may only be set in the local file");
            } else {
                byName.put(f.getKey(), new YamlFile.Entry(f.getKey(), f.getValue(), -1));
            }
        });
        return new ArrayList<>(byName.values());
    }

    private void readFile(Path file) {
        if (isJavaScript(file)) {
            problems.add(file + ": a JavaScript file (such as seed 001's s3sync config.js), which Ferry does not read "
                    + "or run; write its jobs as Ferry's replicate: keys in a YAML file (source, destinations, delete, "
                    + "sqs; fullsync.interval, skip-fullsync), as docs/configuration.md's section \"Replication "
                    + "(replicate:, seed 001)\" shows, and pass that file to --config");
            fileUnread = true;
            return;
        }
        if (KeyValueFile.isKeyValue(file)) {
            readKeyValueFile(file);
            return;
        }
        Optional<List<YamlFile.Entry>> entries = YamlFile.read(file, problems);
        fileUnread = entries.isEmpty();
        for (YamlFile.Entry entry : merged(entries.orElse(List.of()))) {
            String where = label(entry);
            Optional<ConfigKey> key = ConfigKey.byYamlName(entry.name());
            if (entry.name().equals("sites")) {
                sitesEntry = entry;
            } else if (entry.name().equals("replicate")) {
                replicateEntry = entry;
            } else if (entry.name().equals("fullsync") && entry.value() != null && entry.value().isObject()) {
                fullSyncEntries(file, entry);
            } else if (entry.name().equals("control")) {
                controlEntry = entry;
            } else if (key.isEmpty() && SeedIngestorFile.isSeedKey(entry.name())) {
                seedEntries.put(entry.name(), entry);
            } else if (key.isEmpty()) {
                problems.add(where + ": unknown key; " + KeySuggestions.suggest(entry.name()));
            } else if (fileEntries.containsKey(key.get())) {
                problems.add(where + ": " + key.get().yamlName() + " is already set on line "
                        + fileEntries.get(key.get()).line() + " (as " + fileEntries.get(key.get()).name()
                        + "); keep one");
            } else {
                fileEntries.put(key.get(), entry);
            }
        }
    }

    /** A file named *.js (or .mjs, .cjs): s3sync's configuration is a JavaScript module, read as neither kind. */
    static boolean isJavaScript(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".js") || n.endsWith(".mjs") || n.endsWith(".cjs");
    }

    /**
     * Seed 001's {@code fullsync: {interval: N}}: each key of the mapping is the key {@code fullsync.<name>} of
     * the table, read as if written so (the table's name is also the command-line form, --fullsync.interval).
     */
    private void fullSyncEntries(Path file, YamlFile.Entry entry) {
        for (var it = entry.value().fields(); it.hasNext(); ) {
            var field = it.next();
            String name = "fullsync." + field.getKey();
            Optional<ConfigKey> key = ConfigKey.byYamlName(name);
            if (key.isEmpty()) {
                problems.add(name + " (" + file + " line " + entry.line() + "): unknown key; fullsync takes interval");
            } else if (fileEntries.containsKey(key.get())) {
                problems.add(name + " (" + file + " line " + entry.line() + "): is already set on line "
                        + fileEntries.get(key.get()).line() + "; keep one");
            } else {
                fileEntries.put(key.get(), new YamlFile.Entry(name, field.getValue(), entry.line()));
            }
        }
    }

    /**
     * Seed 004's config.txt: syncd's keys make one site ({@link KeyValueSite}); Ferry's own keys may be written
     * in the same form and are read like the YAML file's, with the same labels ("key (file line N)").
     */
    private void readKeyValueFile(Path file) {
        Optional<List<KeyValueFile.Line>> lines = KeyValueFile.read(file, problems);
        fileUnread = lines.isEmpty();
        keyValueSite = new KeyValueSite(file, cwdContext, problems);
        Map<Object, Integer> seen = new HashMap<>(); // a syncd key, a ConfigKey (with its aliases), or the name
        for (KeyValueFile.Line line : lines.orElse(List.of())) {
            String where = line.key() + " (" + file + " line " + line.number() + ")";
            Optional<KeyValueSite.Key> syncd = KeyValueSite.Key.byName(line.key());
            Optional<ConfigKey> key = ConfigKey.byYamlName(line.key());
            Object which = syncd.isPresent() ? syncd.get() : key.isPresent() ? key.get() : line.key();
            Integer first = seen.putIfAbsent(which, line.number());
            if (first != null) {
                problems.add(where + ": " + line.key() + " is already set on line " + first + "; keep one");
            } else if (syncd.isPresent()) {
                keyValueSite.add(syncd.get(), line);
            } else if (key.isPresent()) {
                if (line.malformed()) {
                    continue; // reported; reading it as "" would hide the key's default behind a second problem
                }
                fileEntries.put(key.get(), new YamlFile.Entry(line.key(), TextNode.valueOf(line.value()), line.number()));
            } else if (line.key().equals("sites")) {
                problems.add(where + ": sites need the YAML form of the file (sites:, then one \"- local_path: ...\" "
                        + "per site); this key=value file is one site");
            } else {
                problems.add(where + ": unknown key; " + KeyValueSite.suggest(line.key()));
            }
        }
    }

    private void resolve(ConfigKey key) {
        Optional<Raw> raw = fromCli(key).or(() -> fromEnv(key)).or(() -> fromFile(key));
        if (key == ConfigKey.WATCH_PATH && keyValueSite != null && !fileUnread) {
            // config.txt is one site, as syncd ran it: a WATCH_PATH left in the environment (a systemd
            // EnvironmentFile, a shell profile) would otherwise add its whole tree beside it. Not checked either:
            // a folder that is not there must not stop the file's own site.
            raw.ifPresent(r -> ignoredWatchPath = r.label() + " " + r.text());
            settings.put(key, new Setting(key, "(not set)", Source.DEFAULT, ""));
            return;
        }
        if (raw.isEmpty()) {
            Optional<String> text = key.defaultValue().text(env, values);
            if (text.isEmpty()) {
                if (key.defaultValue().required() && !fileUnread) {
                    problems.add(key.envNames().get(0) + " is required (" + key.description() + ")");
                }
                settings.put(key, new Setting(key, "(not set)", Source.DEFAULT, ""));
                return;
            }
            raw = Optional.of(new Raw(Source.DEFAULT, "", key.yamlName() + " (default)", text.get(), null, cwdContext));
        }
        Raw r = raw.get();
        try {
            Object value = parsed(key, r);
            values.put(key, value);
            settings.put(key, new Setting(key, key.type().display(value), r.source(), r.from()));
        } catch (BadValue e) {
            problems.add(r.label() + ": " + e.getMessage() + echo(key, r, e));
        }
        // a value a higher source overrides is checked all the same: it takes effect the day the override goes
        List<Optional<Raw>> overridden = r.source() == Source.CLI ? List.of(fromEnv(key), fromFile(key))
                : r.source() == Source.ENV ? List.of(fromFile(key)) : List.of();
        for (Optional<Raw> lower : overridden) {
            if (lower.isEmpty()) {
                continue;
            }
            try {
                parsed(key, lower.get());
            } catch (BadValue e) {
                problems.add(lower.get().label() + ": " + e.getMessage() + echo(key, lower.get(), e)
                        + " (overridden by " + r.label() + " now, but used once that goes: fix or remove it)");
            }
        }
    }

    private static Object parsed(ConfigKey key, Raw r) throws BadValue {
        return r.list() != null ? key.type().parseList(r.list(), r.ctx()) : key.type().parse(r.text(), r.ctx());
    }

    private static String echo(ConfigKey key, Raw r, BadValue e) {
        if (key.secret() || !e.echo()) {
            return "";
        }
        // a URL's password is masked whatever the key (an endpoint may be written as http://user:password@host)
        String shown = UrlCredentials.mask(r.list() != null ? String.join(",", r.list()) : r.text());
        return ", got '" + (shown.length() > 100 ? shown.substring(0, 100) + "..." : shown) + "'";
    }

    private Optional<Raw> fromCli(ConfigKey key) {
        return Optional.ofNullable(cli.get(key)).map(v -> new Raw(Source.CLI, key.flag(), key.flag(), v, null, cwdContext));
    }

    private Optional<Raw> fromEnv(ConfigKey key) {
        for (ConfigKey.EnvVar var : key.envVars()) {
            Optional<String> v = var.read(env);
            if (v.isPresent()) {
                return Optional.of(new Raw(Source.ENV, var.name(), var.name() + " (environment)", v.get(), null, cwdContext));
            }
        }
        return Optional.empty();
    }

    private Optional<Raw> fromFile(ConfigKey key) {
        YamlFile.Entry entry = fileEntries.get(key);
        if (entry == null || entry.value() == null || entry.value().isNull() || entry.value().isMissingNode()
                || entry.value().isTextual() && entry.value().textValue().isEmpty()) {
            return Optional.empty(); // "key:" with nothing after it leaves the default
        }
        Path file = configFile.orElseThrow();
        String from = source(entry);
        String label = entry.name() + " (" + from + ")";
        Path dir = file.toAbsolutePath().getParent();
        ParseContext ctx = new ParseContext(dir == null ? cwdContext.baseDir() : dir, cwdContext.home());
        JsonNode node = entry.value();
        if (node.isValueNode()) {
            return Optional.of(new Raw(Source.FILE, from, label, node.asText(), null, ctx));
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    problems.add(label + ": list items must be single values");
                    return Optional.empty();
                }
                items.add(item.asText());
            }
            return Optional.of(new Raw(Source.FILE, from, label, null, items, ctx));
        }
        problems.add(label + ": must be a single value, not a mapping");
        return Optional.empty();
    }

    private void crossCheck() {
        Setting access = settings.get(ConfigKey.ACCESS_KEY);
        Setting secret = settings.get(ConfigKey.SECRET_ACCESS_KEY);
        // A key whose value was rejected has no setting and is already reported.
        boolean hasAccess = access == null || access.source() != Source.DEFAULT;
        boolean hasSecret = secret == null || secret.source() != Source.DEFAULT;
        if (hasAccess != hasSecret) {
            Setting set = hasAccess ? access : secret;
            ConfigKey missing = hasAccess ? ConfigKey.SECRET_ACCESS_KEY : ConfigKey.ACCESS_KEY;
            problems.add("access_key and secret_access_key must be set together, or neither to use the AWS SDK's "
                    + "default credentials chain: " + set.key().yamlName() + " is set (" + set.source().label() + " "
                    + set.from() + ") but " + missing.yamlName() + " is not (" + missing.envNames().get(0) + ", "
                    + missing.flag() + ")");
        }
        Path watch = (Path) values.get(ConfigKey.WATCH_PATH);
        Path state = (Path) values.get(ConfigKey.STATE_DIR);
        if (watch != null && state != null && !values.containsKey(ConfigKey.MONGO_URL) && state.startsWith(watch)) {
            Setting s = settings.get(ConfigKey.STATE_DIR);
            problems.add("state_dir (" + s.source().label() + (s.from().isEmpty() ? "" : " " + s.from()) + "): " + state
                    + " is inside watch_path " + watch + ", so Ferry would upload its own state file; choose a folder "
                    + "outside it");
        }
    }

    @SuppressWarnings("unchecked")
    /** The keys file's session token, while the keys in force are that file's (no other source overrode them). */
    private Optional<Secret> sessionToken() {
        return keysFileKeys.filter(k -> k.accessKeyId().equals(values.get(ConfigKey.ACCESS_KEY))
                && k.secretAccessKey().equals(values.get(ConfigKey.SECRET_ACCESS_KEY))).flatMap(AwsKeys::sessionToken);
    }

    private FerryConfig build() {
        return new FerryConfig(
                optional(ConfigKey.WATCH_PATH, Path.class),
                (Integer) values.get(ConfigKey.PORT),
                (String) values.get(ConfigKey.BIND_ADDRESS),
                optional(ConfigKey.ADMIN_TOKEN, Secret.class),
                (Integer) values.get(ConfigKey.CONCURRENCY),
                (Optional<Duration>) values.get(ConfigKey.TIMEOUT),
                optional(ConfigKey.ACCESS_KEY, String.class),
                optional(ConfigKey.SECRET_ACCESS_KEY, Secret.class),
                sessionToken(),
                optional(ConfigKey.AWS_REGION, String.class),
                optional(ConfigKey.ENDPOINT, URI.class),
                (Boolean) values.get(ConfigKey.PATH_STYLE),
                (Boolean) values.get(ConfigKey.CREATE_BUCKETS),
                optional(ConfigKey.MONGO_URL, MongoUrl.class),
                (Path) values.get(ConfigKey.STATE_DIR),
                new InstanceId((String) values.get(ConfigKey.INSTANCE_ID)),
                (Duration) values.get(ConfigKey.SETTLE_TIME),
                (Optional<Duration>) values.get(ConfigKey.SWEEP_INTERVAL),
                (List<String>) values.get(ConfigKey.IGNORE_PATTERNS),
                (Integer) values.get(ConfigKey.QUEUE_CAPACITY),
                (Long) values.get(ConfigKey.MULTIPART_THRESHOLD),
                (Long) values.get(ConfigKey.MULTIPART_PART_SIZE),
                (Integer) values.get(ConfigKey.MULTIPART_CONCURRENCY),
                (Level) values.get(ConfigKey.LOG_LEVEL),
                (Duration) values.get(ConfigKey.SHUTDOWN_GRACE),
                (Optional<Duration>) values.get(ConfigKey.WATCH_INTERVAL),
                (Long) values.get(ConfigKey.BWLIMIT),
                sites,
                (LogFormat) values.get(ConfigKey.LOG_FORMAT),
                (Duration) values.get(ConfigKey.POLL_INTERVAL),
                List.copyOf(settings.values()),
                Optional.ofNullable(schedule),
                replicate,
                (Optional<Duration>) values.get(ConfigKey.FULLSYNC_INTERVAL),
                (Boolean) values.get(ConfigKey.SKIP_FULLSYNC),
                control);
    }

    private <T> Optional<T> optional(ConfigKey key, Class<T> type) {
        return Optional.ofNullable(values.get(key)).map(type::cast);
    }
}
