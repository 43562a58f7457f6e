package dev.ferry.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured run, one line of runs.tsv (tab-separated, first line the header {@link #HEADER}). Numbers
 * that were not measured are "-" and read as NaN; {@code extra} holds scenario-specific name=value pairs.
 */
record RunRow(String server, String scenario, String tool, int rep, boolean ok, double wallSeconds,
        double startupSeconds, long files, long bytes, double cpuSeconds, double rssKiB, double requests,
        double puts, double serverCpuSeconds, Map<String, String> extra) {

    static final List<String> HEADER = List.of("server", "scenario", "tool", "rep", "ok", "wall_s", "startup_s",
            "files", "bytes", "cpu_s", "rss_kb", "requests", "puts", "server_cpu_s", "extra");

    static RunRow parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < HEADER.size()) {
            throw new IllegalArgumentException("runs.tsv line has " + f.length + " fields, expected "
                    + HEADER.size() + ": " + line);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (String pair : f[14].trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                extra.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new RunRow(f[0], f[1], f[2], Integer.parseInt(f[3]), "1".equals(f[4]) || "ok".equals(f[4]),
                num(f[5]), num(f[6]), (long) num0(f[7]), (long) num0(f[8]), num(f[9]), num(f[10]), num(f[11]),
                num(f[12]), num(f[13]), extra);
    }

    double extra(String name) {
        return num(extra.getOrDefault(name, "-"));
    }

    static double num(String s) {
        if (s == null || s.isBlank() || s.equals("-")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double num0(String s) {
        double v = num(s);
        return Double.isNaN(v) ? 0 : v;
    }
}
