package dev.ferry.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        OptionSpec config = OptionSpec.builder(CONFIG_FLAG)
                .paramLabel("FILE")
                .type(String.class)
                .description("YAML configuration file (keys as in docs/configuration.md), or seed 004's "
                        + "key=value config.txt. The command line overrides the environment, which overrides the file.")
                .build();
        spec.addOption(config);
        Map<ConfigKey, OptionSpec> options = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            OptionSpec.Builder b = OptionSpec.builder(key.flag())
                    .paramLabel(key.paramLabel())
                    .type(String.class)
                    .description(escape(key.description() + " Environment: " + String.join(" or ", key.envNames())
                            + ". Default: " + key.defaultText() + "."));
            if (key.type() instanceof ValueType.Bool) {
                b.arity("0..1").fallbackValue("true");
            }
            OptionSpec option = b.build();
            spec.addOption(option);
            options.put(key, option);
        }
        return new ConfigOptions(config, options);
    }

    /** picocli reads ${...} as a variable and % as a format: keep the text as written. */
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
