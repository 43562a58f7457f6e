package dev.ferry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The medians of the verified runs of one tool in one scenario on one server. A run that failed its
 * verification counts in {@code runs} but not in any median.
 */
record Summary(String server, String scenario, String tool, int okRuns, int runs, double wallSeconds,
        double startupSeconds, long files, long bytes, double cpuSeconds, double rssKiB, double requests,
        double puts, double maxPuts, double serverCpuSeconds, Map<String, Double> extra) {

    /** Groups rows by server, scenario and tool, in the order they first appear. */
    static List<Summary> of(List<RunRow> rows) {
        Map<String, List<RunRow>> groups = new LinkedHashMap<>();
        for (RunRow r : rows) {
            groups.computeIfAbsent(r.server() + "\t" + r.scenario() + "\t" + r.tool(), k -> new ArrayList<>()).add(r);
        }
        List<Summary> out = new ArrayList<>();
        for (List<RunRow> g : groups.values()) {
            List<RunRow> ok = g.stream().filter(RunRow::ok).toList();
            RunRow first = g.get(0);
            Map<String, Double> extra = new LinkedHashMap<>();
            ok.forEach(r -> r.extra().keySet().forEach(k -> extra.put(k, med(ok, x -> x.extra(k)))));
            out.add(new Summary(first.server(), first.scenario(), first.tool(), ok.size(), g.size(),
                    med(ok, RunRow::wallSeconds), med(ok, RunRow::startupSeconds),
                    ok.isEmpty() ? first.files() : ok.get(0).files(), ok.isEmpty() ? first.bytes() : ok.get(0).bytes(),
                    med(ok, RunRow::cpuSeconds), med(ok, RunRow::rssKiB), med(ok, RunRow::requests),
                    med(ok, RunRow::puts), ok.stream().mapToDouble(RunRow::puts).max().orElse(Double.NaN),
                    med(ok, RunRow::serverCpuSeconds), extra));
        }
        return out;
    }

    private static double med(List<RunRow> rows, ToDoubleFunction<RunRow> f) {
        List<Double> v = new ArrayList<>();
        rows.forEach(r -> v.add(f.applyAsDouble(r)));
        return Stats.median(v);
    }

    /** Large files are measured in MB/s (10^6 bytes), everything else in files/s. */
    boolean inBytes() {
        return scenario.equals("2");
    }

    String unit() {
        return inBytes() ? "MB/s" : "files/s";
    }

    double throughput() {
        if (okRuns == 0 || !(wallSeconds > 0)) {
            return Double.NaN;
        }
        return inBytes() ? bytes / 1e6 / wallSeconds : files / wallSeconds;
    }

    double cpuPerThousandFiles() {
        return files == 0 ? Double.NaN : cpuSeconds / files * 1000;
    }

    double serverCpuPerThousandFiles() {
        return files == 0 ? Double.NaN : serverCpuSeconds / files * 1000;
    }

    /** Ferry's line this one is compared with: at its defaults for a tool at its defaults, else tuned Ferry. */
    String baselineTool() {
        return tool.endsWith("-default") ? "ferry-default" : "ferry";
    }

    /** The same scenario on the same server run by {@code tool}, if it was. */
    Optional<Summary> peer(List<Summary> all, String other) {
        return all.stream().filter(s -> s.server.equals(server) && s.scenario.equals(scenario)
                && s.tool.equals(other)).findFirst();
    }

    /** This tool's throughput divided by rclone's (tuned) in the same scenario (above 1: faster than rclone). */
    double speedToRclone(List<Summary> all) {
        return peer(all, "rclone").map(r -> throughput() / r.throughput()).orElse(Double.NaN);
    }

    /** This tool's client CPU per file divided by rclone's (below 1: less CPU than rclone). */
    double cpuToRclone(List<Summary> all) {
        return peer(all, "rclone").map(r -> cpuPerThousandFiles() / r.cpuPerThousandFiles()).orElse(Double.NaN);
    }

    /** This tool's throughput divided by its baseline Ferry's (above 1: faster than Ferry). */
    double ratioTo(List<Summary> all) {
        Optional<Summary> base = all.stream().filter(s -> s.server.equals(server) && s.scenario.equals(scenario)
                && s.tool.equals(baselineTool())).findFirst();
        return base.map(b -> throughput() / b.throughput()).orElse(Double.NaN);
    }
}
