package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns runs.tsv into the results: one table (scenario x tool: wall time, throughput, CPU per 1,000
 * files, peak RSS, S3 requests, ratio to Ferry) and the stream table, printed for the terminal; with
 * {@code --doc FILE} also written into that Markdown file between the BEGIN/END BENCH RESULTS markers,
 * together with the machine description ({@code --machine FILE}); with {@code --chart-script FILE
 * --chart-png FILE} a gnuplot script that draws the throughput chart.
 */
public final class Report {
    static final String BEGIN = "<!-- BEGIN BENCH RESULTS: written by bench/run -->";
    static final String END = "<!-- END BENCH RESULTS -->";

    private Report() {
    }

    public static void main(String[] argv) throws IOException {
        BenchArgs args = new BenchArgs(argv);
        List<RunRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(args.path("runs"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("server\t")) {
                rows.add(RunRow.parse(line));
            }
        }
        List<Summary> lines = Summary.of(rows);
        Table main = mainTable(lines, false);
        Table stream = streamTable(lines);
        System.out.println(mainTable(lines, true).text());
        if (!stream.isEmpty()) {
            System.out.println(stream.text());
        }
        String machine = args.has("machine") ? Files.readString(args.path("machine")) : "";
        if (args.has("doc")) {
            String fragment = fragment(machine, main, stream, args.get("chart-name", "performance.png"));
            Path doc = args.path("doc");
            String before = Files.exists(doc) ? Files.readString(doc) : "";
            Files.writeString(doc, replaceBetweenMarkers(before, fragment));
        }
        if (args.has("chart-script")) {
            Files.writeString(args.path("chart-script"), Chart.script(lines, args.get("chart-png"),
                    "Throughput by scenario and tool (median; higher is better)"));
        }
    }

    static String scenarioTitle(Summary s) {
        return switch (s.scenario()) {
            case "1" -> String.format("1 backfill %,d small files", s.files());
            case "2" -> String.format("2 large files %,d x %,d MiB", s.files(),
                    s.files() == 0 ? 0 : Math.round((double) s.bytes() / s.files() / (1 << 20)));
            case "3" -> String.format("3 no-op restart %,d files", s.files());
            case "4" -> "4 steady stream";
            case "5" -> String.format("5 sweep of %,d synced files", s.files());
            default -> s.scenario();
        };
    }

    static Table mainTable(List<Summary> lines, boolean forTerminal) {
        Table t = new Table(List.of("scenario", "server", "tool", "runs ok", "wall s", "throughput",
                "speed vs Ferry", "CPU s / 1k files", "peak RSS MiB", "S3 requests (PUTs)", "S3Proxy CPU s / 1k files",
                "start-up s"));
        for (Summary s : lines) {
            if (s.scenario().equals("4")) {
                continue;
            }
            t.add(List.of(scenarioTitle(s), s.server(), forTerminal ? s.tool() : "`" + s.tool() + "`",
                    s.okRuns() + "/" + s.runs(), Table.num(s.wallSeconds()),
                    Table.num(s.throughput()) + " " + s.unit(),
                    s.tool().equals(s.baselineTool()) ? "1" : Table.num(s.ratioTo(lines)),
                    Table.num(s.cpuPerThousandFiles()), Table.num(s.rssKiB() / 1024),
                    Table.count(s.requests()) + " (" + Table.count(s.puts()) + ")",
                    Table.num(s.serverCpuPerThousandFiles()), Table.num(s.startupSeconds())));
        }
        return t;
    }

    static Table streamTable(List<Summary> lines) {
        Table t = new Table(List.of("server", "tool", "runs ok", "files (rate/s)", "latency p50 / p99 / max ms",
                "HEAD-checked p50 / p99 / max ms (files)", "backlog max / Q2 / Q4 / end",
                "drain ms", "CPU s / 1k files", "peak RSS MiB"));
        for (Summary s : lines) {
            if (!s.scenario().equals("4")) {
                continue;
            }
            t.add(List.of(s.server(), s.tool(), s.okRuns() + "/" + s.runs(),
                    Table.num(s.files()) + " (" + Table.num(s.extra().getOrDefault("rate", Double.NaN)) + ")",
                    x(s, "p50_ms") + " / " + x(s, "p99_ms") + " / " + x(s, "max_ms"),
                    x(s, "head_p50_ms") + " / " + x(s, "head_p99_ms") + " / " + x(s, "head_max_ms") + " ("
                            + x(s, "head_n") + ")",
                    x(s, "backlog_max") + " / " + x(s, "backlog_q2") + " / " + x(s, "backlog_q4")
                            + " / " + x(s, "backlog_end"),
                    x(s, "drain_ms"), Table.num(s.cpuPerThousandFiles()), Table.num(s.rssKiB() / 1024)));
        }
        return t;
    }

    private static String x(Summary s, String name) {
        return Table.num(s.extra().getOrDefault(name, Double.NaN));
    }

    static String fragment(String machine, Table main, Table stream, String chart) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine and run:\n\n");
        for (String line : machine.split("\n")) {
            if (!line.isBlank()) {
                sb.append("- ").append(line.trim()).append('\n');
            }
        }
        sb.append("\nMedians of the verified runs (every run checked: all objects listed, ETag = MD5 or content ")
                .append("downloaded and compared).\n\n").append(main.markdown());
        if (!stream.isEmpty()) {
            sb.append("\nSteady stream (scenario 4, daemon mode):\n\n").append(stream.markdown());
        }
        sb.append("\n![Throughput by scenario and tool](").append(chart).append(")\n");
        return sb.toString();
    }

    static String replaceBetweenMarkers(String doc, String fragment) {
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        if (begin < 0 || end < begin) {
            return doc + "\n" + BEGIN + "\n" + fragment + END + "\n";
        }
        return doc.substring(0, begin + BEGIN.length()) + "\n" + fragment + doc.substring(end);
    }
}
