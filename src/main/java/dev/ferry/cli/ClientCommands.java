package dev.ferry.cli;

import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The commands that talk to a running daemon ({@code ferry status}, {@code ferry failed},
 * {@code ferry retry [PATH]}, {@code ferry fleet}), as subcommands of the daemon's own command line: {@code ferry}
 * without a subcommand still runs the daemon.
 */
public final class ClientCommands {
    private ClientCommands() {
    }

    /** Adds the subcommands to {@code cli}; they print to {@code out} and {@code err} and read {@code env}. */
    public static void addTo(CommandLine cli, Map<String, String> env, PrintStream out, PrintStream err) {
        for (ClientCommand command : new ClientCommand[] {new StatusCommand(env, out, err),
                new FailedCommand(env, out, err), new RetryCommand(env, out, err), new FleetCommand(env, out, err)}) {
            CommandLine sub = new CommandLine(command);
            sub.getCommandSpec().version(cli.getCommandSpec().version());
            cli.addSubcommand(sub);
        }
    }

    /** Runs the parsed subcommand (or prints its help) and returns the exit code. */
    public static int run(ParseResult subcommand, PrintStream out) {
        CommandLine command = subcommand.commandSpec().commandLine();
        if (command.isUsageHelpRequested()) {
            command.usage(out);
            return ClientCommand.EXIT_OK;
        }
        if (command.isVersionHelpRequested()) {
            command.printVersionHelp(out);
            return ClientCommand.EXIT_OK;
        }
        return ((ClientCommand) command.getCommand()).call();
    }
}
