package dev.ferry.app;

import dev.ferry.wiring.StartupException;
import ch.qos.logback.classic.Level;
import dev.ferry.cli.ClientCommands;
import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigOptions;
import dev.ferry.config.FerryConfig;
import dev.ferry.oneshot.OneShotForm;
import dev.ferry.oneshot.OneShotOptions;
import dev.ferry.oneshot.SyncCommand;
import dev.ferry.oneshot.SyncLoop;
import dev.ferry.oneshot.VerifyCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import sun.misc.Signal;

/**
 * {@code java -jar ferry.jar [options]}: runs the daemon until SIGTERM or SIGINT, then stops in order and
 * exits 0. Exit 2: invalid command line or configuration, or another daemon runs under its instance id (nothing
 * was uploaded). Exit 1: it could not start.
 * {@code ferry sync|verify} run once, with the exit codes of {@link OneShotOptions}; they and
 * {@code ferry status|failed|retry}, which talk to a running daemon instead (see {@link ClientCommands}), print
 * results on stdout and log on stderr;
 * {@code ferry help [COMMAND]} is picocli's help command, the same as {@code --help}.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        NativeCrypto.install(); // first, so that nothing picks the JDK's own providers before it
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err);
        } catch (Throwable e) {
            // Whatever failed (a jar replaced under the running daemon fails its stop with NoClassDefFoundError), the
            // process ends: left to the threads still running, a daemon asked to stop would never exit.
            System.err.println("ferry: stopped by an unexpected error: " + e);
            e.printStackTrace();
            code = EXIT_START_FAILED;
        }
        System.exit(code);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandSpec spec = CommandSpec.create().name("ferry").version("ferry " + Version.current());
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(
                "Ferry carries files to S3 and never loses one: once with 'ferry sync DIR s3://BUCKET/PREFIX', or "
                        + "as a daemon that watches folders and uploads every file that appears or changes.");
        ConfigOptions options = ConfigOptions.addTo(spec, java.util.EnumSet.allOf(dev.ferry.config.ConfigKey.class),
                Map.of(), true);
        CommandSpec sync = subcommand(spec, "sync", "Uploads DIR to s3://BUCKET/PREFIX (or every site of --config) "
                + "once, and exits. Compares, uploads, verifies: exit 0 only when every file is in S3, 1 otherwise "
                + "(failures listed). Lists each destination: a file the state file does not know is uploaded only "
                + "when S3 does not hold it already, and an object deleted in S3 is put back.");
        OptionSpec dryRun = OptionSpec.builder("--dry-run").description("Print what would be uploaded and deleted "
                + "(S3 is asked); change nothing.").build();
        OptionSpec maxAttempts = OptionSpec.builder("--max-attempts").type(int.class).defaultValue("5").paramLabel("<n>")
                .description("Give a file up after this many failed attempts (default: ${DEFAULT-VALUE}).").build();
        OptionSpec verbose = OptionSpec.builder("--verbose", "-v").description("Also name each ignored file "
                + "(excluded, or matching an ignore pattern) with its reason; a dry run always does.").build();
        sync.addOption(dryRun);
        sync.addOption(maxAttempts);
        sync.addOption(verbose);
        OptionSpec syncJson = OneShotOptions.json();
        OptionSpec noTransferExit = OneShotOptions.errorOnNoTransfer();
        sync.addOption(syncJson);
        sync.addOption(noTransferExit);
        sync.usageMessage().footer(OneShotOptions.EXIT_CODES_HELP);
        OneShotForm syncForm = OneShotForm.addTo(sync, true);
        CommandSpec verify = subcommand(spec, "verify", "Compares DIR with s3://BUCKET/PREFIX (or every site of "
                + "--config) and prints every difference. Writes nothing. Exit 0 when every local file is in S3, 1 "
                + "otherwise.");
        OptionSpec checksum = OptionSpec.builder("--checksum").description("Compare content (MD5) instead of size "
                + "and modification time.").build();
        verify.addOption(checksum);
        OptionSpec verifyJson = OneShotOptions.json();
        verify.addOption(verifyJson);
        verify.usageMessage().footer(OneShotOptions.EXIT_CODES_HELP);
        OneShotForm verifyForm = OneShotForm.addTo(verify, false);
        CommandLine cli = new CommandLine(spec);
        ClientCommands.addTo(cli, env, out, err);
        cli.addSubcommand("help", new CommandLine.HelpCommand()); // "ferry help [COMMAND]", as people type it
        UsageHelp.apply(cli);
        UsageHelp.oneShotSynopsis(cli.getSubcommands().get("sync"), "sync");
        UsageHelp.oneShotSynopsis(cli.getSubcommands().get("verify"), "verify");
        FerryConfig config;
        java.util.function.Function<com.fasterxml.jackson.databind.node.ObjectNode, FerryConfig> reload = null;
        boolean oneShot = false;
        try {
            ParseResult parsed = cli.parseArgs(args);
            ParseResult sub = parsed.subcommand();
            if (sub != null && sub.commandSpec().userObject() instanceof CommandLine.HelpCommand help) {
                help.init(sub.commandSpec().commandLine(), CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF),
                        new PrintWriter(out, true), new PrintWriter(err, true));
                help.run(); // an unknown COMMAND throws a ParameterException, reported below
                out.flush();
                return EXIT_OK;
            }
            if (sub != null && sub.commandSpec() != sync && sub.commandSpec() != verify) {
                LogFormatSwitch.toStandardError(); // results on stdout, logs on stderr
                return ClientCommands.run(sub, out);
            }
            CommandLine helpOf = sub == null ? cli : sub.commandSpec().commandLine();
            if (helpOf.isUsageHelpRequested()) {
                helpOf.usage(out);
                return EXIT_OK;
            }
            if (helpOf.isVersionHelpRequested()) {
                helpOf.printVersionHelp(out);
                return EXIT_OK;
            }
            if (sub != null) {
                oneShot = true;
                if (sub.commandSpec() == sync && sub.matchedOptionValue("--max-attempts", 5) < 1) {
                    throw new CommandLine.ParameterException(sub.commandSpec().commandLine(), "--max-attempts "
                            + sub.matchedOptionValue("--max-attempts", 5) + ": must be at least 1 (the first upload "
                            + "counts as an attempt)");
                }
                LogFormatSwitch.toStandardError(); // results on stdout, logs on stderr
                OneShotForm form = sub.commandSpec() == sync ? syncForm : verifyForm;
                FerryConfig oneShotConfig = form.load(parsed, options, sub, env);
                if (refusedForFileNames(err)) {
                    return EXIT_CONFIG;
                }
                setLogLevel(oneShotConfig);
                LogFormatSwitch.apply(oneShotConfig.logFormat());
                NativeCrypto.log(LoggerFactory.getLogger(Main.class));
                SyncLoop.warnIgnoredWatchPath(oneShotConfig);
                if (!oneShotConfig.replicate().isEmpty()) { // replicate: jobs, after the sites when there are any
                    boolean sitesToo = oneShotConfig.watchPath().isPresent() || !oneShotConfig.sites().isEmpty();
                    boolean json = sub.hasMatchedOption(sub.commandSpec() == sync ? syncJson : verifyJson);
                    int sitesExit = !sitesToo ? EXIT_OK : sub.commandSpec() == sync
                            ? new SyncCommand(oneShotConfig, out, sub.hasMatchedOption(dryRun),
                                    sub.matchedOptionValue("--max-attempts", 5), json,
                                    sub.hasMatchedOption(noTransferExit)).progress(form.progress(sub))
                                    .verbose(sub.hasMatchedOption(verbose)).run()
                            : new VerifyCommand(oneShotConfig, out, sub.hasMatchedOption(checksum), json).run();
                    // with --json and sites too, stdout holds the sites' document alone and the jobs' lines go to
                    // stderr; with jobs alone, the jobs' document is stdout's
                    PrintStream report = json && sitesToo ? err : out;
                    boolean jobsJson = json && !sitesToo;
                    boolean noTransfer = sub.commandSpec() == sync && sub.hasMatchedOption(noTransferExit);
                    int replicateExit = sub.commandSpec() == sync && !sub.hasMatchedOption(dryRun)
                            ? dev.ferry.oneshot.ReplicateCommand.sync(oneShotConfig, report,
                                    sub.matchedOptionValue("--max-attempts", 5), jobsJson, noTransfer)
                            : dev.ferry.oneshot.ReplicateCommand.verify(oneShotConfig, report, jobsJson);
                    int nothingMoved = dev.ferry.oneshot.OneShotOptions.EXIT_NO_TRANSFER;
                    if (!sitesToo) {
                        return replicateExit;
                    }
                    if (sitesExit != EXIT_OK && sitesExit != nothingMoved) {
                        return sitesExit;
                    }
                    if (replicateExit != EXIT_OK && replicateExit != nothingMoved) {
                        return replicateExit;
                    }
                    // both complete: "nothing to do" (only with --error-on-no-transfer) when neither moved anything
                    return sitesExit == nothingMoved && replicateExit == nothingMoved ? nothingMoved : EXIT_OK;
                }
                if (sub.commandSpec() == sync) {
                    SyncLoop.noteOneRun(oneShotConfig);
                    int attempts = sub.matchedOptionValue("--max-attempts", 5);
                    return new SyncCommand(oneShotConfig, out, sub.hasMatchedOption(dryRun), attempts,
                            sub.hasMatchedOption(syncJson), sub.hasMatchedOption(noTransferExit))
                            .progress(form.progress(sub)).verbose(sub.hasMatchedOption(verbose)).run();
                }
                return new VerifyCommand(oneShotConfig, out, sub.hasMatchedOption(checksum),
                        sub.hasMatchedOption(verifyJson)).run();
            }
            config = options.load(parsed, env);
            Map<String, String> cliValues = options.cliValues(parsed);
            java.util.Optional<java.nio.file.Path> configFile = options.configFile(parsed);
            reload = overlay -> FerryConfig.load(env, cliValues, configFile, overlay);
            if (refusedForFileNames(err)) {
                return EXIT_CONFIG;
            }
            if (config.syncSchedule().isPresent()) { // seed 004's config.txt: syncs, not the daemon
                if (!config.syncSchedule().get().periodic()) {
                    LogFormatSwitch.toStandardError(); // one sync, as 'ferry sync': results on stdout, logs on stderr
                }
                setLogLevel(config);
                LogFormatSwitch.apply(config.logFormat());
                SyncLoop.warnIgnoredWatchPath(config);
                return SyncLoop.run(config, out);
            }
        } catch (CommandLine.UnmatchedArgumentException e) {
            List<String> lines = unmatched(e.getUnmatched());
            lines.forEach(err::println);
            daemonOptions(e, cli).forEach(err::println);
            List<String> suggestions = e.getCommandLine() == cli && !e.getUnmatched().isEmpty()
                    && !e.getUnmatched().get(0).startsWith("-")
                    ? nearestCommand(e.getUnmatched().get(0), cli.getSubcommands().keySet())
                    : e.getSuggestions();
            if (!suggestions.isEmpty()) {
                err.println("Did you mean: " + String.join(", ", suggestions) + "?");
            }
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for the commands and options.");
            errorJson(args, out, String.join("; ", lines), EXIT_CONFIG);
            return EXIT_CONFIG;
        } catch (CommandLine.ParameterException e) {
            err.println("ferry: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            errorJson(args, out, e.getMessage(), EXIT_CONFIG);
            return EXIT_CONFIG;
        } catch (ConfigException e) {
            err.println("ferry: invalid configuration, nothing was started:");
            err.println(e.getMessage());
            errorJson(args, out, "invalid configuration, nothing was started: " + e.getMessage(), EXIT_CONFIG);
            return EXIT_CONFIG;
        } catch (StartupException e) {
            if (oneShot) {
                // the state folder cannot be opened or is in use by another run: as a configuration error, nothing
                // was started, and a script reading stdout gets its document
                err.println("ferry: " + e.getMessage() + "; nothing was started");
                errorJson(args, out, e.getMessage() + "; nothing was started", EXIT_CONFIG);
                return EXIT_CONFIG;
            }
            err.println("ferry: " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (dev.ferry.core.StateStoreException e) {
            // a one-shot run whose state store cannot be reached (a MongoDB away): the run stops, one line, not a
            // stack trace; what was uploaded stays uploaded, the next run finds the rest
            err.println("ferry: the state store cannot be reached; the run stopped: " + e.getMessage());
            errorJson(args, out, "the state store cannot be reached; the run stopped: " + e.getMessage(),
                    dev.ferry.oneshot.OneShotOptions.EXIT_INCOMPLETE);
            return dev.ferry.oneshot.OneShotOptions.EXIT_INCOMPLETE;
        } catch (java.io.IOException e) {
            err.println("ferry: " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_START_FAILED;
        }
        return runDaemon(config, reload);
    }

    /**
     * With {@code --json} on the command line, a usage or configuration error is also one JSON document on stdout
     * (as a command's result would be), so a script reading stdout gets an answer it can parse. The message
     * names what was wrong; it never holds a value that may be a secret (the lines printed on stderr don't).
     */
    private static void errorJson(String[] args, PrintStream out, String message, int exitCode) {
        List<String> all = List.of(args);
        if (!all.contains("--json")) {
            return;
        }
        String command = all.stream().filter(a -> List.of("sync", "verify", "status", "failed", "retry").contains(a))
                .findFirst().orElse("ferry");
        var doc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        doc.put("command", command).put("ok", false).put("exitCode", exitCode).put("error", message);
        out.println(doc.toPrettyString());
        out.flush();
    }

    /**
     * The commands nearest to what was typed, for "Did you mean": those within two edits ({@code synk} is
     * {@code sync}, {@code stauts} is {@code status}); none when nothing is that near ({@code bogus}), where
     * picocli would still name one.
     */
    static List<String> nearestCommand(String typed, java.util.Collection<String> commands) {
        int best = Integer.MAX_VALUE;
        List<String> nearest = new ArrayList<>();
        for (String c : commands) {
            int d = editDistance(typed.toLowerCase(java.util.Locale.ROOT), c);
            if (d < best) {
                best = d;
                nearest.clear();
            }
            if (d == best) {
                nearest.add(c);
            }
        }
        return best <= Math.min(2, Math.max(1, typed.length() / 2)) ? nearest : List.of();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost one. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** For a daemon option given to a command ({@code ferry sync --port 1}): says so, once per option. */
    private static List<String> daemonOptions(CommandLine.UnmatchedArgumentException e, CommandLine cli) {
        List<String> lines = new ArrayList<>();
        if (e.getCommandLine() == cli) {
            return lines;
        }
        for (String arg : e.getUnmatched()) {
            String name = arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.startsWith("--") && cli.getCommandSpec().findOption(name) != null) {
                CommandSpec command = e.getCommandLine().getCommandSpec();
                lines.add("ferry: " + name + " is an option of the daemon ('ferry [OPTIONS]'); '"
                        + command.qualifiedName() + "' does not take it" + clientHint(name, command));
            }
        }
        return lines;
    }

    /**
     * What a command that talks to a running daemon takes instead of the daemon's own option, since a user who
     * runs the daemon on {@code --port 5100} reaches for {@code ferry status --port 5100} first.
     */
    private static String clientHint(String daemonOption, CommandSpec command) {
        if (command.findOption("--url") == null) {
            return "";
        }
        return switch (daemonOption) {
            case "--port", "--bind-address" -> ": give the daemon's address as --url http://HOST:PORT (or set PORT)";
            case "--admin-token" -> ": give --token (or set ADMIN_TOKEN)";
            default -> "";
        };
    }

    private static CommandSpec subcommand(CommandSpec parent, String name, String description) {
        CommandSpec sub = CommandSpec.create().name(name).version(parent.version());
        sub.mixinStandardHelpOptions(true);
        sub.usageMessage().description(description);
        parent.addSubcommand(name, sub);
        return sub;
    }

    /**
     * One line per argument picocli could not place, quoting what was typed so a mistyped command can be
     * seen, but never a value that may belong to an unknown option: {@code --secret-acces-key=S} shows as
     * {@code --secret-acces-key=...}, and the word after {@code --secret-acces-key S} is not shown at all.
     */
    static List<String> unmatched(List<String> args) {
        List<String> lines = new ArrayList<>();
        String previous = null;
        for (String arg : args) {
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                lines.add("ferry: unknown option '" + (eq > 0 ? arg.substring(0, eq) + "=..." : arg) + "'");
            } else if (previous != null && previous.startsWith("-") && previous.indexOf('=') < 0) {
                lines.add("ferry: unexpected argument after " + previous + " (not shown: it may be its value)");
            } else {
                lines.add("ferry: unknown command or argument '" + dev.ferry.core.UrlCredentials.mask(arg) + "'");
            }
            previous = arg;
        }
        return lines;
    }

    /** Exit code after an upgrade: not 0, so a service manager that restarts on failure starts the new version. */
    static final int EXIT_RESTART = 75;

    private static int runDaemon(FerryConfig config,
            java.util.function.Function<com.fasterxml.jackson.databind.node.ObjectNode, FerryConfig> reload) {
        setLogLevel(config);
        boolean formatApplied = LogFormatSwitch.apply(config.logFormat());
        Logger log = LoggerFactory.getLogger(Main.class);
        if (!formatApplied) {
            log.warn("log_format {}: the logging backend is not Logback's console appender; writing text",
                    config.logFormat().text());
        }
        config.describe().lines().forEach(line -> log.info("config: {}", line));
        NativeCrypto.log(log);
        OpenFileLimit.report();
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Daemon daemon;
        java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger(EXIT_OK);
        try {
            daemon = Daemon.start(config, Clock.systemUTC(), reload, () -> {
                exitCode.set(EXIT_RESTART);
                stop.countDown();
            });
        } catch (StartupException e) {
            log.error("cannot start: {}", e.getMessage());
            return e.configuration() ? EXIT_CONFIG : EXIT_START_FAILED;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.stop();
        return exitCode.get();
    }

    private static void setLogLevel(FerryConfig config) {
        org.slf4j.Logger ferry = LoggerFactory.getLogger("dev.ferry");
        if (ferry instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(config.logLevel().name(), Level.INFO));
        }
    }

    /** The JVM decodes file names with the locale's charset: under LANG=C, non-ASCII names cannot be opened. */
    /**
     * Why file names cannot be carried as they are, or empty: the JVM decodes them with the locale's charset
     * (sun.jnu.encoding), and any other than UTF-8 turns each non-ASCII character into '?', so two names could
     * share one key, a file could not be opened, and keys would differ from the names. Nothing is started then.
     */
    static java.util.Optional<String> fileNameProblem(String jnuEncoding) {
        if (jnuEncoding.equalsIgnoreCase(StandardCharsets.UTF_8.name()) || jnuEncoding.equalsIgnoreCase("UTF8")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("file names would be read as " + (jnuEncoding.isEmpty() ? "an unknown charset"
                : jnuEncoding) + ", not UTF-8, so names that are not ASCII would become wrong S3 keys; nothing was "
                + "started. Run with a UTF-8 locale: LC_ALL=C.UTF-8 (bin/ferry, the systemd unit and the image set "
                + "it).");
    }

    /** Prints {@link #fileNameProblem} for this JVM and returns true when there is one. */
    private static boolean refusedForFileNames(PrintStream err) {
        java.util.Optional<String> problem = fileNameProblem(System.getProperty("sun.jnu.encoding", ""));
        problem.ifPresent(p -> err.println("ferry: " + p));
        return problem.isPresent();
    }
}
