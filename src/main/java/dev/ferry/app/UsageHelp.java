package dev.ferry.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The layout of {@code ferry --help}: the commands first (each on a line, and what {@code ferry} alone does),
 * then the daemon's options, one short line each; and the synopsis of each command.
 */
final class UsageHelp {
    private static final int WIDTH = 100;
    static final String DAEMON_ENTRY = "(none)";

    private UsageHelp() {
    }

    /** Applies the layout to {@code cli} (its subcommands must be added already). */
    static void apply(CommandLine cli) {
        UsageMessageSpec top = cli.getCommandSpec().usageMessage();
        top.width(WIDTH);
        top.customSynopsis(
                "ferry COMMAND [ARGS...]   run one command ('ferry help COMMAND' shows its options)",
                "       ferry [OPTIONS]           run the daemon until it is stopped");
        CommandLine helpCommand = cli.getSubcommands().get("help");
        if (helpCommand != null) {
            helpCommand.getCommandSpec().usageMessage().description("Shows the help of a command, as in 'ferry help sync'.");
        }
        top.descriptionHeading("%n");
        top.commandListHeading("%nCommands:%n");
        top.optionListHeading("%nDaemon options (each also an environment variable and a key of --config FILE; "
                + "precedence: command line, environment, file; every detail in docs/configuration.md):%n");
        List<String> keys = new ArrayList<>(cli.getHelpSectionKeys());
        List<String> commands = List.of(UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST);
        keys.removeAll(commands);
        keys.addAll(keys.indexOf(UsageMessageSpec.SECTION_KEY_DESCRIPTION) + 1, commands); // before the options
        cli.setHelpSectionKeys(keys);
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commandList(cli));
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            sub.getValue().getCommandSpec().usageMessage().width(WIDTH);
        }
    }

    /** Sets the synopsis of a one-shot command: the rclone-style form and the --config form. */
    static void oneShotSynopsis(CommandLine command, String name) {
        command.getCommandSpec().usageMessage().descriptionHeading("%n").parameterListHeading("%n")
                .optionListHeading("%nOptions:%n");
        command.getCommandSpec().usageMessage().customSynopsis(
                "ferry " + name + " [OPTIONS] DIR s3://BUCKET[/PREFIX]",
                "       ferry " + name + " [OPTIONS] --config FILE   (every site of the file, or its watch_path)");
        command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, UsageHelp::optionList);
    }

    /** Where an option's description starts, as in picocli's own layout. */
    private static final int DESCRIPTION_COLUMN = 29;

    /**
     * The option list laid out as picocli lays it out, but wrapped at spaces only: picocli's line breaking
     * also breaks after '.', ':' and '/', which split {@code *.crdownload} and {@code mongodb+srv://} over two
     * lines, where a reader copies them from.
     */
    static String optionList(CommandLine.Help help) {
        StringBuilder out = new StringBuilder();
        CommandLine.Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
        CommandLine.Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
        for (CommandLine.Model.OptionSpec option : help.commandSpec().options()) {
            if (option.hidden()) {
                continue;
            }
            CommandLine.Help.Ansi.Text[][] rows = renderer.render(option, labels, help.colorScheme());
            String shortName = rows[0][1].plainString();
            String names = "  " + (shortName.isEmpty() ? "  " : shortName) + (rows[0][2].plainString().isEmpty() ? " " : ",")
                    + " " + rows[0][3].plainString();
            String description = String.join(" ", option.description()).replace("%n", " ").strip();
            if (dev.ferry.oneshot.OneShotForm.NOT_WITH_THE_FORM.stream().anyMatch(k -> k.flag().equals(option.longestName()))) {
                description = "With --config or alone, not with DIR s3://BUCKET[/PREFIX]: " + description;
            }
            List<String> lines = new ArrayList<>();
            lines.addAll(wrap(description, WIDTH - DESCRIPTION_COLUMN));
            if (lines.size() > 1) { // continuation lines are indented two more, as picocli does
                List<String> rest = wrap(String.join(" ", lines.subList(1, lines.size())),
                        WIDTH - DESCRIPTION_COLUMN - 2);
                lines.subList(1, lines.size()).clear();
                rest.forEach(l -> lines.add("  " + l));
            }
            if (names.length() + 1 > DESCRIPTION_COLUMN) {
                out.append(names).append(System.lineSeparator());
                names = "";
            }
            for (String line : lines) {
                out.append(String.format("%-" + DESCRIPTION_COLUMN + "s", names)).append(line).append(
                        System.lineSeparator());
                names = "";
            }
        }
        return out.toString();
    }

    /** One line per command (wrapped), in the order they were added, then what {@code ferry} alone does. */
    private static String commandList(CommandLine cli) {
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            rows.add(new String[] {e.getKey(), description.length == 0 ? "" : description[0]});
        }
        rows.add(new String[] {DAEMON_ENTRY, "Without a command: run the daemon, which watches WATCH_PATH (or the "
                + "sites of --config) and carries every file to S3 until it is stopped (SIGTERM, Ctrl-C)."});
        int nameWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            List<String> lines = wrap(firstSentence(row[1]), WIDTH - nameWidth - 4);
            for (int i = 0; i < lines.size(); i++) {
                out.append("  ").append(String.format("%-" + nameWidth + "s", i == 0 ? row[0] : "")).append("  ")
                        .append(lines.get(i)).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static String firstSentence(String text) {
        return dev.ferry.config.ConfigOptions.firstSentence(text.replace("%n", " ").strip());
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
