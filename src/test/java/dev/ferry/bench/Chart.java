package dev.ferry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gnuplot script that draws the throughput of every tool, one panel per scenario and server (each panel
 * in its own unit), Ferry's bars in blue. Data are inline, so the script alone makes the PNG.
 */
final class Chart {
    private Chart() {
    }

    static String script(List<Summary> lines, String png, String title) {
        Map<String, List<Summary>> panels = new LinkedHashMap<>();
        for (Summary s : lines) {
            if (!s.scenario().equals("4") && !Double.isNaN(s.throughput())) {
                panels.computeIfAbsent(s.scenario() + " " + s.server(), k -> new ArrayList<>()).add(s);
            }
        }
        int columns = Math.min(3, Math.max(1, panels.size()));
        int rows = (panels.size() + columns - 1) / columns;
        StringBuilder gp = new StringBuilder();
        gp.append("set terminal pngcairo size ").append(480 * columns).append(',').append(340 * rows + 40)
                .append(" font ',9'\n");
        gp.append("set output '").append(png.replace("'", "''")).append("'\n");
        gp.append("set multiplot layout ").append(Math.max(1, rows)).append(',').append(columns)
                .append(" title \"").append(title.replace("\"", "'")).append("\"\n");
        gp.append("set style fill solid 0.85 border -1\nset boxwidth 0.6\nset yrange [0:*]\nset grid ytics\n");
        gp.append("unset key\nset xtics rotate by -25 nomirror\nset offsets 0.5, 0.5, 0, 0\n");
        gp.append("set linetype 1 lc rgb '#2b6cb0'\nset linetype 2 lc rgb '#a0aec0'\n");
        int n = 0;
        for (Map.Entry<String, List<Summary>> p : panels.entrySet()) {
            String block = "$d" + (++n);
            gp.append(block).append(" << EOD\n");
            for (Summary s : p.getValue()) {
                gp.append('"').append(s.tool()).append("\" ").append(String.format("%.3f", s.throughput()))
                        .append(' ').append(s.tool().startsWith("ferry") ? 1 : 2).append('\n');
            }
            gp.append("EOD\n");
            Summary first = p.getValue().get(0);
            gp.append("set title \"").append(Report.scenarioTitle(first)).append(", ").append(first.server())
                    .append(" (").append(first.unit()).append(")\"\n");
            gp.append("plot ").append(block).append(" using 0:2:3:xtic(1) with boxes lc variable, ")
                    .append(block).append(" using 0:2:(sprintf('%.0f', $2)) with labels offset 0,0.6\n");
        }
        gp.append("unset multiplot\n");
        return gp.toString();
    }
}
