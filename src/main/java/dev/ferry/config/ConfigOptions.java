package dev.ferry.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command-line options of every {@link ConfigKey}, plus {@code --config FILE}, generated from the key
 * table. Options take their values as text; {@link FerryConfig#load} parses and validates them, so an
 * error reads the same whichever source it came from. Boolean options may stand alone ({@code --path-style})
 * or take a value ({@code --path-style=false}).
 *
 * <pre>{@code
 * CommandSpec spec = CommandSpec.create().name("ferry");
 * ConfigOptions options = ConfigOptions.addTo(spec);
 * ParseResult parsed = new CommandLine(spec).parseArgs(args);
 * FerryConfig config = options.load(parsed, System.getenv());
 * }</pre>
 */
public final class ConfigOptions {
    public static final String CONFIG_FLAG = "--config";

    private final OptionSpec configOption;
    private final Map<ConfigKey, OptionSpec> keyOptions;

    private ConfigOptions(OptionSpec configOption, Map<ConfigKey, OptionSpec> keyOptions) {
        this.configOption = configOption;
        this.keyOptions = keyOptions;
    }

    /** Adds {@code --config} and one option per key to {@code spec}. */
    public static ConfigOptions addTo(CommandSpec spec) {
        return addTo(spec, EnumSet.allOf(ConfigKey.class), Map.of(), false);
    }

    /**
     * Adds {@code --config} and the options of {@code keys} only (a command shows and accepts the options it
     * uses). {@code aliases} give a key's option more names (rclone's {@code --transfers} for
     * {@code --concurrency}). {@code brief}: each description is the key's first sentence and its environment
     * variable, for a list that fits on a screen; the full text is in docs/configuration.md and each command's help.
     */
    public static ConfigOptions addTo(CommandSpec spec, Set<ConfigKey> keys, Map<ConfigKey, List<String>> aliases,
            boolean brief) {
        OptionSpec config = OptionSpec.builder(CONFIG_FLAG)
                .paramLabel("FILE")
                .type(String.class)
                .description(brief ? "YAML configuration file, or seed 004's key=value config.txt "
                        + "(docs/configuration.md)."
                        : "YAML configuration file (keys as in docs/configuration.md), or seed 004's key=value "
                        + "config.txt. The command line overrides the environment, which overrides the file.")
                .build();
        spec.addOption(config);
        Map<ConfigKey, OptionSpec> options = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            if (!keys.contains(key)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            names.add(key.flag());
            names.addAll(aliases.getOrDefault(key, List.of()));
            String description = brief ? brief(key.description()) + " Env: " + key.envNames().get(0) + "."
                    : key.description() + " Environment: " + String.join(" or ", key.envNames()) + ". Default: "
                    + helpDefault(key) + ".";
            OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new))
                    .paramLabel(key.paramLabel())
                    .type(String.class)
                    .description(escape(description));
            if (key.type() instanceof ValueType.Bool) {
                b.arity("0..1").fallbackValue("true");
            }
            OptionSpec option = b.build();
            spec.addOption(option);
            options.put(key, option);
        }
        return new ConfigOptions(config, options);
    }

    /** The text up to the end of its first sentence (a full stop, a space and a capital letter, or the end). */
    public static String firstSentence(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\. (?=[A-Z])").matcher(text);
        return m.find() ? text.substring(0, m.start() + 1) : text;
    }

    /** The first sentence, cut at its first clause when long: one short line in the daemon's option list. */
    static String brief(String description) {
        String s = firstSentence(description);
        if (s.length() <= 70) {
            return s;
        }
        int cut = s.length();
        for (String mark : new String[] {"; ", " (", ": "}) {
            int at = s.indexOf(mark, 15);
            if (at > 0 && at < cut) {
                cut = at;
            }
        }
        return cut == s.length() ? s : s.substring(0, cut) + ".";
    }

    /** The keys with an option here. */
    public Set<ConfigKey> keys() {
        return keyOptions.isEmpty() ? EnumSet.noneOf(ConfigKey.class) : EnumSet.copyOf(keyOptions.keySet());
    }

    /** The key whose option {@code name} is (any of its names), if it has one here. */
    public Optional<ConfigKey> keyOf(String name) {
        return keyOptions.entrySet().stream().filter(e -> List.of(e.getValue().names()).contains(name))
                .map(Map.Entry::getKey).findFirst();
    }

    /** The {@code --config} option. */
    public OptionSpec configOption() {
        return configOption;
    }

    /** picocli reads ${...} as a variable and % as a format: keep the text as written. */
    /** A key's default as help shows it: a list of globs with a space after each comma, so it wraps. */
    private static String helpDefault(ConfigKey key) {
        return key.type() instanceof FormatTypes.Globs ? String.join(", ", FormatTypes.Globs.split(key.defaultText()))
                : key.defaultText();
    }

    private static String escape(String text) {
        return text.replace("%", "%%").replace("${", "$${");
    }

    /** The file given with {@code --config}, if any. */
    public Optional<Path> configFile(ParseResult parsed) {
        if (!parsed.hasMatchedOption(configOption)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of((String) configOption.getValue()));
        } catch (InvalidPathException e) {
            throw new ConfigException(List.of(CONFIG_FLAG + ": not a valid path (" + e.getReason() + ")"));
        }
    }

    /** The values given on the command line, keyed by option ("--port"), for {@link FerryConfig#load}. */
    public Map<String, String> cliValues(ParseResult parsed) {
        Map<String, String> values = new LinkedHashMap<>();
        keyOptions.forEach((key, option) -> {
            if (parsed.hasMatchedOption(option)) {
                values.put(key.flag(), option.getValue());
            }
        });
        return values;
    }

    /** Loads the configuration from what was parsed, the given environment and the --config file. */
    public FerryConfig load(ParseResult parsed, Map<String, String> env) {
        return FerryConfig.load(env, cliValues(parsed), configFile(parsed));
    }
}
