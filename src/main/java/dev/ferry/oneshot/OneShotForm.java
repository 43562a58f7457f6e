package dev.ferry.oneshot;

import dev.ferry.config.CommandLineSite;
import dev.ferry.config.ConfigKey;
import dev.ferry.config.ConfigOptions;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.SiteConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of {@code ferry sync} and {@code ferry verify}: the settings they use (and no daemon-only
 * one such as {@code --port}), and the rclone-style form {@code DIR s3://bucket/prefix} with its options
 * ({@code --include}, {@code --exclude}, {@code --delete}, {@code --max-delete}, {@code --checksum},
 * {@code --size-only}), which builds one site as an entry of {@code sites:} would. Either the form or
 * {@code --config} (or WATCH_PATH) says what to compare; both at once is a usage error.
 */
public final class OneShotForm {
    /**
     * The settings a one-shot sync uses: no status server, admin API, sweeps or watching. Not QUEUE_CAPACITY:
     * it bounds what the daemon's watcher may queue, while a sync waits for room (the environment's value
     * still applies).
     */
    static final Set<ConfigKey> SYNC_KEYS = EnumSet.of(ConfigKey.WATCH_PATH, ConfigKey.CONCURRENCY, ConfigKey.TIMEOUT,
            ConfigKey.ACCESS_KEY, ConfigKey.SECRET_ACCESS_KEY, ConfigKey.AWS_REGION, ConfigKey.ENDPOINT,
            ConfigKey.PATH_STYLE, ConfigKey.CREATE_BUCKETS, ConfigKey.MONGO_URL, ConfigKey.STATE_DIR,
            ConfigKey.INSTANCE_ID, ConfigKey.SETTLE_TIME, ConfigKey.IGNORE_PATTERNS, ConfigKey.MULTIPART_THRESHOLD,
            ConfigKey.MULTIPART_PART_SIZE, ConfigKey.MULTIPART_CONCURRENCY, ConfigKey.LOG_LEVEL, ConfigKey.BWLIMIT,
            ConfigKey.LOG_FORMAT);
    /** The settings verify uses: it reads S3 and the folders, and uploads nothing. */
    static final Set<ConfigKey> VERIFY_KEYS = EnumSet.of(ConfigKey.WATCH_PATH, ConfigKey.TIMEOUT, ConfigKey.ACCESS_KEY,
            ConfigKey.SECRET_ACCESS_KEY, ConfigKey.AWS_REGION, ConfigKey.ENDPOINT, ConfigKey.PATH_STYLE,
            ConfigKey.MONGO_URL, ConfigKey.STATE_DIR, ConfigKey.INSTANCE_ID, ConfigKey.IGNORE_PATTERNS,
            ConfigKey.LOG_LEVEL, ConfigKey.LOG_FORMAT);
    /** Environment variables the form does not read: it syncs its one folder, with a state file of its own. */
    static final List<String> NOT_READ_BY_THE_FORM = List.of("WATCH_PATH", "MONGO_URL");
    /** Settings that say what to sync or where the state is kept, which the form says itself. */
    public static final Set<ConfigKey> NOT_WITH_THE_FORM = EnumSet.of(ConfigKey.WATCH_PATH, ConfigKey.MONGO_URL);
    /** rclone's --bwlimit sizes: a number and one letter, binary (10M is 10 MiB/s). */
    private static final Pattern RCLONE_SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([bBkKmMgGtT])");

    private final CommandSpec spec;
    private final ConfigOptions settings;
    private final PositionalParamSpec dirArg;
    private final PositionalParamSpec destArg;
    private final OptionSpec include;
    private final OptionSpec exclude;
    private final OptionSpec delete;
    private final OptionSpec maxDelete;
    private final OptionSpec maxDeletePercent;
    private final OptionSpec checksum;
    private final OptionSpec sizeOnly;
    private final OptionSpec progress;
    private final List<OptionSpec> formOnly = new ArrayList<>();

    private OneShotForm(CommandSpec spec, boolean sync) {
        this.spec = spec;
        String verb = sync ? "sync" : "verify";
        spec.usageMessage().sortOptions(false); // this command's own options first, then the settings
        dirArg = PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("DIR").type(String.class)
                .description("The local folder. Its state file is kept under --state-dir, in sync/BUCKET-<id>/, "
                        + "one for each folder and destination. Without DIR and the destination, --config FILE (or "
                        + "WATCH_PATH) says what to " + verb + ".").build();
        destArg = PositionalParamSpec.builder().index("1").arity("0..1").paramLabel("s3://BUCKET[/PREFIX]")
                .type(String.class).description("The destination: s3://BUCKET is the bucket's root, "
                        + "s3://BUCKET/PREFIX puts DIR/a/b.txt at PREFIX/a/b.txt. Credentials, region and endpoint "
                        + "come from the environment and AWS profiles (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION, "
                        + "AWS_ENDPOINT_URL...) or the options below.").build();
        spec.addPositional(dirArg);
        spec.addPositional(destArg);
        include = formOption(OptionSpec.builder("--include").paramLabel("GLOB").type(String[].class).arity("1").description("Only files matching one of these globs "
                        + "(repeatable; rclone's rules: *, **, ?, [..], {a,b}; a leading / anchors at DIR, otherwise "
                        + "the end of the path matches).").build());
        exclude = formOption(OptionSpec.builder("--exclude").paramLabel("GLOB").type(String[].class).arity("1").description("Never files matching this glob (repeatable; checked before --include; "
                        + "'cache/' is everything in folders named cache).").build());
        if (sync) {
            delete = formOption(OptionSpec.builder("--delete").description("Delete objects under the prefix whose "
                    + "local file is gone (only inside the prefix; excluded files are never deleted), behind "
                    + "--max-delete and --max-delete-percent.").build());
            maxDelete = formOption(OptionSpec.builder("--max-delete").paramLabel("<n>").type(String.class)
                    .description("With --delete: delete nothing and exit 1 when more objects than this would go "
                            + "(default: 1000).").build());
            maxDeletePercent = formOption(OptionSpec.builder("--max-delete-percent").paramLabel("<percent>")
                    .type(String.class).description("With --delete: ... or more than this share of the objects "
                            + "(default: 50).").build());
            checksum = formOption(OptionSpec.builder("--checksum").description("Compare each file with S3 by "
                    + "content (MD5 against the ETag or Ferry's checksum) on every run, instead of trusting the "
                    + "state file.").build());
            progress = OptionSpec.builder("--progress", "-P").negatable(true).type(Boolean.class).arity("0")
                    .description("Show the progress bar on stderr even when it is not a terminal "
                            + "(--no-progress: never). Default: on a terminal only.").build();
            spec.addOption(progress);
        } else {
            delete = null;
            maxDelete = null;
            maxDeletePercent = null;
            checksum = null; // verify's --checksum is its own (it applies to --config too)
            progress = null;
        }
        sizeOnly = formOption(OptionSpec.builder("--size-only").description("Compare each file with S3 by size "
                + "alone on every run (rclone's --size-only).").build());
        Map<ConfigKey, List<String>> aliases = sync ? Map.of(ConfigKey.CONCURRENCY, List.of("--transfers"))
                : Map.of();
        settings = ConfigOptions.addTo(spec, sync ? SYNC_KEYS : VERIFY_KEYS, aliases, false);
    }

    private OptionSpec formOption(OptionSpec option) {
        spec.addOption(option);
        formOnly.add(option);
        return option;
    }

    /** Adds the arguments and options of {@code ferry sync} (or {@code verify}) to its command spec. */
    public static OneShotForm addTo(CommandSpec spec, boolean sync) {
        return new OneShotForm(spec, sync);
    }

    /** {@code --progress}: empty for the default (a bar on a terminal only). */
    public Optional<Boolean> progress(ParseResult sub) {
        return progress == null || !sub.hasMatchedOption(progress) ? Optional.empty()
                : Optional.of(Boolean.TRUE.equals(progress.getValue()));
    }

    /**
     * The configuration of this run: the form's one site, or {@code --config} and the environment as for the
     * daemon. Options given before the command ({@code ferry --endpoint URL sync ...}) count when the command
     * takes them; a daemon-only one there is a usage error, as after the command.
     *
     * @throws CommandLine.ParameterException a usage error (exit 2)
     * @throws dev.ferry.config.ConfigException an invalid setting or argument (exit 2)
     */
    public FerryConfig load(ParseResult top, ConfigOptions topOptions, ParseResult sub, Map<String, String> env) {
        CommandLine cl = sub.commandSpec().commandLine();
        String name = "ferry " + spec.name();
        Map<String, String> cliValues = new LinkedHashMap<>();
        for (OptionSpec o : top.matchedOptions()) {
            Optional<ConfigKey> key = topOptions.keyOf(o.longestName());
            if (key.isPresent() && !settings.keys().contains(key.get())) {
                throw new CommandLine.ParameterException(cl, o.longestName() + " is an option of the daemon "
                        + "('ferry [OPTIONS]'); '" + name + "' does not take it");
            }
        }
        cliValues.putAll(topOptions.cliValues(top));
        cliValues.putAll(settings.cliValues(sub));
        bwlimit(cliValues, cl);
        timeout(cliValues);
        Optional<java.nio.file.Path> configFile = settings.configFile(sub).or(() -> topOptions.configFile(top));
        List<String> positional = new ArrayList<>();
        if (sub.hasMatchedPositional(0)) {
            positional.add(sub.matchedPositionalValue(0, ""));
        }
        if (sub.hasMatchedPositional(1)) {
            positional.add(sub.matchedPositionalValue(1, ""));
        }
        if (positional.isEmpty()) {
            for (OptionSpec o : formOnly) {
                if (sub.hasMatchedOption(o)) {
                    throw new CommandLine.ParameterException(cl, o.longestName() + " belongs to the form '" + name
                            + " DIR s3://BUCKET[/PREFIX]'; with --config, set it on the site in the file (see "
                            + "docs/configuration.md)");
                }
            }
            boolean watchPath = cliValues.containsKey(ConfigKey.WATCH_PATH.flag())
                    || env.getOrDefault("WATCH_PATH", "").strip().length() > 0;
            if (configFile.isEmpty() && !watchPath) {
                throw new CommandLine.ParameterException(cl, name + " needs to know what to " + spec.name() + ": '"
                        + name + " DIR s3://BUCKET[/PREFIX]', or --config FILE, or WATCH_PATH");
            }
            return FerryConfig.load(env, cliValues, configFile);
        }
        if (positional.size() == 1) {
            throw new CommandLine.ParameterException(cl, name + " takes a folder and a destination: '" + name
                    + " DIR s3://BUCKET[/PREFIX]'" + (positional.get(0).toLowerCase(Locale.ROOT).startsWith("s3:")
                            ? "; the local folder comes first" : "; the destination is missing"));
        }
        if (positional.get(0).toLowerCase(Locale.ROOT).startsWith("s3://")) {
            throw new CommandLine.ParameterException(cl, name + " carries a local folder to S3: the folder comes "
                    + "first ('" + name + " DIR s3://BUCKET[/PREFIX]')");
        }
        if (configFile.isPresent()) {
            throw new CommandLine.ParameterException(cl, "give either DIR s3://BUCKET[/PREFIX] or --config FILE, "
                    + "not both: each says what to " + spec.name());
        }
        for (ConfigKey key : NOT_WITH_THE_FORM) {
            if (cliValues.containsKey(key.flag())) {
                throw new CommandLine.ParameterException(cl, key.flag() + " does not go with DIR s3://BUCKET[/PREFIX]"
                        + (key == ConfigKey.MONGO_URL ? ": the form keeps its state in a file of its own under "
                                + "--state-dir" : ": the form syncs DIR"));
            }
        }
        Optional<SiteConfig.ReconcileMode> mode = Optional.empty();
        boolean byChecksum = checksum != null ? sub.hasMatchedOption(checksum) : sub.hasMatchedOption("--checksum");
        if (byChecksum && sub.hasMatchedOption(sizeOnly)) {
            throw new CommandLine.ParameterException(cl, "--checksum and --size-only are two ways to compare: "
                    + "choose one");
        }
        if (byChecksum) {
            mode = Optional.of(SiteConfig.ReconcileMode.CHECKSUM);
        } else if (sub.hasMatchedOption(sizeOnly)) {
            mode = Optional.of(SiteConfig.ReconcileMode.SIZE_ONLY);
        }
        boolean deleting = delete != null && sub.hasMatchedOption(delete);
        for (OptionSpec o : new OptionSpec[] {maxDelete, maxDeletePercent}) {
            if (o != null && sub.hasMatchedOption(o) && !deleting) {
                throw new CommandLine.ParameterException(cl, o.longestName() + " limits --delete, which is not "
                        + "given: nothing is deleted without it");
            }
        }
        CommandLineSite site = new CommandLineSite(positional.get(0), positional.get(1), values(sub, include),
                values(sub, exclude), deleting, value(sub, maxDelete), value(sub, maxDeletePercent), mode);
        Map<String, String> formEnv = new HashMap<>(env);
        NOT_READ_BY_THE_FORM.forEach(formEnv::remove);
        return FerryConfig.load(formEnv, cliValues, site);
    }

    /** rclone's {@code --bwlimit 10M} (MiB/s) as Ferry's size; a bare number other than 0 is ambiguous. */
    private static void bwlimit(Map<String, String> cliValues, CommandLine cl) {
        String typed = cliValues.get(ConfigKey.BWLIMIT.flag());
        if (typed == null) {
            return;
        }
        String t = typed.strip();
        Matcher m = RCLONE_SIZE.matcher(t);
        if (m.matches()) {
            String unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "B" -> "B";
                case "K" -> "KiB";
                case "M" -> "MiB";
                case "G" -> "GiB";
                default -> "TiB";
            };
            cliValues.put(ConfigKey.BWLIMIT.flag(), m.group(1) + unit);
        } else if (t.equalsIgnoreCase("off")) {
            cliValues.put(ConfigKey.BWLIMIT.flag(), "0");
        } else if (t.matches("\\d+(\\.\\d+)?") && Double.parseDouble(t) != 0) {
            throw new CommandLine.ParameterException(cl, "--bwlimit " + t + ": give a unit, as in " + t + "K (KiB/s, "
                    + "what rclone reads a bare number as) or " + t + "B (bytes/s)");
        }
    }

    /**
     * {@code --timeout 30} on the command line of sync and verify is 30 seconds, as rclone's {@code --timeout}
     * and aws-cli's {@code --cli-read-timeout} read a bare number; TIMEOUT in the environment or the file keeps
     * its milliseconds ({@code TIMEOUT=60000}), and a number with a unit means what it says everywhere.
     */
    public static void timeout(Map<String, String> cliValues) {
        String typed = cliValues.get(ConfigKey.TIMEOUT.flag());
        if (typed != null && typed.strip().matches("\\d+(\\.\\d+)?") && Double.parseDouble(typed.strip()) != 0) {
            cliValues.put(ConfigKey.TIMEOUT.flag(), typed.strip() + "s");
        }
    }

    private static List<String> values(ParseResult sub, OptionSpec option) {
        return sub.hasMatchedOption(option) ? sub.matchedOption(option.longestName()).stringValues() : List.of();
    }

    private static Optional<String> value(ParseResult sub, OptionSpec option) {
        return option == null || !sub.hasMatchedOption(option) ? Optional.empty()
                : Optional.of(sub.matchedOption(option.longestName()).getValue());
    }
}
