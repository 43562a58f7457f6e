package dev.ferry.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Renders the key table of {@link ConfigKey} as Markdown for docs/configuration.md, between two marker
 * lines, so the documentation cannot drift from the code: ConfigurationDocTest fails when it does.
 * {@code main} rewrites the file (argument: its path, default docs/configuration.md).
 */
public final class ConfigDocs {
    public static final String BEGIN = "<!-- BEGIN GENERATED KEY TABLE: edit ConfigKey.java, then regenerate -->";
    public static final String END = "<!-- END GENERATED KEY TABLE -->";
    public static final Path DEFAULT_FILE = Path.of("docs", "configuration.md");

    private ConfigDocs() {
    }

    /** The Markdown table of every key, one row each, in table order. */
    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| YAML key | Environment | Command line | Default | Description |\n");
        md.append("| --- | --- | --- | --- | --- |\n");
        for (ConfigKey key : ConfigKey.values()) {
            String yaml = code(key.yamlName()) + key.yamlAliases().stream().map(a -> " (or " + code(a) + ")")
                    .collect(Collectors.joining());
            String env = key.envNames().stream().map(ConfigDocs::code).collect(Collectors.joining(", then "));
            String value = key.type() instanceof ValueType.Bool ? "[=" + key.paramLabel() + "]" : " " + key.paramLabel();
            String dflt = key.defaultValue().literal() ? code(key.defaultText()) : key.defaultText();
            String description = key.description() + (key.secret() ? " **Secret**: never shown in logs or errors." : "");
            md.append("| ").append(yaml)
                    .append(" | ").append(env)
                    .append(" | ").append(cell(code(key.flag() + value)))
                    .append(" | ").append(cell(dflt))
                    .append(" | ").append(cell(description))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** The table of the keys of one site ({@link SiteKey}). */
    public static String siteTable() {
        StringBuilder md = new StringBuilder();
        md.append("| Site key | Default | Description |\n");
        md.append("| --- | --- | --- |\n");
        for (SiteKey key : SiteKey.values()) {
            String dflt = key.defaultText == null ? "required"
                    : key.fallback != null ? "global " + code(key.fallback.yamlName())
                    : key.defaultText.isEmpty() ? "none" : code(key.defaultText);
            String description = key.description
                    + (key.type instanceof ValueType.Text t && t.secret() ? " **Secret**: never shown in logs or errors." : "");
            md.append("| ").append(code(key.yamlName)).append(" | ").append(cell(dflt)).append(" | ")
                    .append(cell(description)).append(" |\n");
        }
        return md.toString();
    }

    /** The table of the keys of one {@code replicate:} job, its source, destinations and queue ({@link ReplicateKey}). */
    public static String replicateTable() {
        StringBuilder md = new StringBuilder();
        md.append("| Replicate key | Where | Default | Description |\n");
        md.append("| --- | --- | --- | --- |\n");
        for (ReplicateKey key : ReplicateKey.values()) {
            String where = key.scopes.stream().map(s -> s.label).collect(Collectors.joining(", "));
            String dflt = key.defaultText == null ? "required"
                    : key.fallback != null ? "global " + code(key.fallback.yamlName())
                    : key.defaultText.isEmpty() ? "none" : code(key.defaultText);
            String description = key.description + (key.secret() ? " **Secret**: never shown in logs or errors." : "");
            md.append("| ").append(code(key.yamlName)).append(" | ").append(where).append(" | ").append(cell(dflt))
                    .append(" | ").append(cell(description)).append(" |\n");
        }
        return md.toString();
    }

    /** The tables between their markers, as they appear in the file. */
    public static String generatedBlock() {
        return BEGIN + "\n" + markdownTable() + "\nEach entry of `sites:` takes these keys:\n\n" + siteTable()
                + "\nEach entry of `replicate:` takes these keys (see Replication below):\n\n" + replicateTable() + END + "\n";
    }

    /** Replaces the block between the markers of {@code file} (or appends it) with the current table. */
    public static void rewrite(Path file) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin >= 0 && end > begin) {
            int afterEnd = end + END.length();
            if (afterEnd < text.length() && text.charAt(afterEnd) == '\n') {
                afterEnd++;
            }
            updated = text.substring(0, begin) + generatedBlock() + text.substring(afterEnd);
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + generatedBlock();
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    private static String code(String s) {
        return "`" + s + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : DEFAULT_FILE;
        rewrite(file);
        System.out.println(file + ": key table regenerated");
    }
}
