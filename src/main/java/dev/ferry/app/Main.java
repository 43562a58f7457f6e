package dev.ferry.app;

import ch.qos.logback.classic.Level;
import dev.ferry.cli.ClientCommands;
import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigOptions;
import dev.ferry.config.FerryConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import sun.misc.Signal;

/**
 * {@code java -jar ferry.jar [options]}: runs the daemon until SIGTERM or SIGINT, then stops in order and
 * exits 0. Exit 2: invalid command line or configuration (nothing was started). Exit 1: it could not start.
 * {@code ferry status|failed|retry} talk to a running daemon instead (see {@link ClientCommands}).
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandSpec spec = CommandSpec.create().name("ferry").version("ferry " + Version.current());
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(
                "Watches WATCH_PATH and carries every file to S3: each first-level folder is a bucket, the rest "
                        + "of the path is the key. Settings come from the command line, the environment and a "
                        + "YAML file (--config), in that order of precedence; see docs/configuration.md.");
        ConfigOptions options = ConfigOptions.addTo(spec);
        CommandLine cli = new CommandLine(spec);
        ClientCommands.addTo(cli, env, out, err);
        FerryConfig config;
        try {
            ParseResult parsed = cli.parseArgs(args);
            if (parsed.hasSubcommand()) {
                return ClientCommands.run(parsed.subcommand(), out);
            }
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return EXIT_OK;
            }
            if (cli.isVersionHelpRequested()) {
                cli.printVersionHelp(out);
                return EXIT_OK;
            }
            config = options.load(parsed, env);
        } catch (CommandLine.UnmatchedArgumentException e) {
            // Only the option names: an unknown "--secret-key=..." must not echo its value.
            for (String arg : e.getUnmatched()) {
                err.println("ferry: unknown option or argument '" + nameOnly(arg) + "'");
            }
            if (!e.getSuggestions().isEmpty()) {
                err.println("Did you mean: " + String.join(", ", e.getSuggestions()) + "?");
            }
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_CONFIG;
        } catch (CommandLine.ParameterException e) {
            err.println("ferry: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_CONFIG;
        } catch (ConfigException e) {
            err.println("ferry: invalid configuration, nothing was started:");
            err.println(e.getMessage());
            return EXIT_CONFIG;
        }
        return runDaemon(config);
    }

    private static String nameOnly(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("-") && eq > 0 ? arg.substring(0, eq) + "=..." : (arg.startsWith("-") ? arg : "...");
    }

    private static int runDaemon(FerryConfig config) {
        setLogLevel(config);
        Logger log = LoggerFactory.getLogger(Main.class);
        config.describe().lines().forEach(line -> log.info("config: {}", line));
        warnIfFileNamesAreNotUtf8(log);
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Daemon daemon;
        try {
            daemon = Daemon.start(config, Clock.systemUTC());
        } catch (StartupException e) {
            log.error("cannot start: {}", e.getMessage());
            return EXIT_START_FAILED;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.stop();
        return EXIT_OK;
    }

    private static void setLogLevel(FerryConfig config) {
        org.slf4j.Logger ferry = LoggerFactory.getLogger("dev.ferry");
        if (ferry instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(config.logLevel().name(), Level.INFO));
        }
    }

    /** The JVM decodes file names with the locale's charset: under LANG=C, non-ASCII names cannot be opened. */
    private static void warnIfFileNamesAreNotUtf8(Logger log) {
        String jnu = System.getProperty("sun.jnu.encoding", "");
        if (!jnu.equalsIgnoreCase(StandardCharsets.UTF_8.name())) {
            log.warn("file names are decoded as {}, so files whose names are not ASCII cannot be read; run with a "
                    + "UTF-8 locale (e.g. LANG=C.UTF-8)", jnu);
        }
    }
}
