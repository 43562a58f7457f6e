package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        Table rclone = rcloneTable(lines);
        Table targets = issue16Table(lines);
        System.out.println(mainTable(lines, true).text());
        if (!rclone.isEmpty()) {
            System.out.println("Against rclone (same scenario, same server):");
            System.out.println(rclone.text());
        }
        if (!targets.isEmpty()) {
            System.out.println("Targets of issue 16:");
            System.out.println(targets.text());
        }
        if (!stream.isEmpty()) {
            System.out.println(stream.text());
        }
        String machine = args.has("machine") ? Files.readString(args.path("machine")) : "";
        if (args.has("doc")) {
            String fragment = fragment(machine, main, stream, args.get("chart-name", "performance.png"));
            if (!rclone.isEmpty()) {
                fragment += "\nAgainst rclone (same scenario and server; speed above 1 and CPU below 1 favour the "
                        + "tool over rclone):\n\n" + rclone.markdown();
            }
            if (!targets.isEmpty()) {
                fragment += "\nTargets of issue 16 (loopback; they are stated for 5,000 files at 32 transfers):\n\n"
                        + targets.markdown();
            }
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
            case "6" -> String.format("6 empty state store, %,d files in S3", s.files());
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

    /**
     * Every tool of a scenario that rclone (tuned) ran too, beside it: throughput, wall time, client CPU per
     * 1,000 files, each tool's speed and CPU as a ratio to rclone's, PUTs.
     */
    static Table rcloneTable(List<Summary> lines) {
        Table t = new Table(List.of("scenario", "server", "tool", "runs ok", "throughput", "wall s",
                "CPU s / 1k files", "speed vs rclone", "CPU vs rclone", "PUTs (median, max)"));
        for (Summary s : lines) {
            if (s.scenario().equals("4") || s.peer(lines, "rclone").isEmpty()) {
                continue;
            }
            t.add(List.of(scenarioTitle(s), s.server(), s.tool(), s.okRuns() + "/" + s.runs(),
                    Table.num(s.throughput()) + " " + s.unit(), Table.num(s.wallSeconds()),
                    Table.num(s.cpuPerThousandFiles()), Table.num(s.speedToRclone(lines)),
                    Table.num(s.cpuToRclone(lines)), Table.count(s.puts()) + ", " + Table.count(s.maxPuts())));
        }
        return t;
    }

    /**
     * The performance targets of issue 16, judged from the loopback medians of scenarios 1 and 6 (Ferry and
     * rclone): backfill at least rclone's files/s with at most 1.2x its client CPU per 1,000 files; over an
     * empty state store with the objects in S3, no PUT in any run and less wall time than rclone copy.
     */
    static Table issue16Table(List<Summary> lines) {
        Table t = new Table(List.of("target", "ferry", "rclone", "ratio", "met"));
        Optional<Summary> ferry1 = find(lines, "1", "ferry");
        Optional<Summary> rclone1 = find(lines, "1", "rclone");
        if (ferry1.isPresent() && rclone1.isPresent()) {
            Summary f = ferry1.get();
            Summary r = rclone1.get();
            double speed = f.speedToRclone(lines);
            double cpu = f.cpuToRclone(lines);
            String what = String.format("%,d files of 1-16 KiB into an empty bucket", f.files());
            t.add(List.of(what + ": files/s at least rclone's", Table.num(f.throughput()) + " files/s",
                    Table.num(r.throughput()) + " files/s", Table.num(speed), verdict(speed >= 1)));
            t.add(List.of(what + ": client CPU per 1,000 files at most 1.2x rclone's",
                    Table.num(f.cpuPerThousandFiles()) + " s", Table.num(r.cpuPerThousandFiles()) + " s",
                    Table.num(cpu), verdict(cpu <= 1.2)));
        }
        Optional<Summary> ferry6 = find(lines, "6", "ferry");
        Optional<Summary> rclone6 = find(lines, "6", "rclone");
        if (ferry6.isPresent() && rclone6.isPresent()) {
            Summary f = ferry6.get();
            Summary r = rclone6.get();
            String what = String.format("the same %,d files again, empty state store, objects in S3", f.files());
            t.add(List.of(what + ": zero PUTs (most in a run)", Table.count(f.maxPuts()),
                    Table.count(r.maxPuts()), "-", verdict(f.maxPuts() == 0)));
            double speed = f.speedToRclone(lines);
            t.add(List.of(what + ": faster than rclone copy (wall s)", Table.num(f.wallSeconds()),
                    Table.num(r.wallSeconds()), Table.num(speed), verdict(f.wallSeconds() < r.wallSeconds())));
        }
        return t;
    }

    private static Optional<Summary> find(List<Summary> lines, String scenario, String tool) {
        return lines.stream().filter(s -> s.server().equals("loopback") && s.scenario().equals(scenario)
                && s.tool().equals(tool) && s.okRuns() > 0).findFirst();
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "no";
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
