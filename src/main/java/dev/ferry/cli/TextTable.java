package dev.ferry.cli;

import dev.ferry.core.ControlCharacters;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row, columns two spaces apart, numbers right-aligned, long cells cut to the
 * column's maximum width with "...". Cells never hold line breaks (a file name may: it is shown as \n).
 */
final class TextTable {
    /** One column: its heading, whether it is right-aligned, and its widest cell (0: no limit). */
    record Column(String heading, boolean right, int maxWidth) {
        static Column left(String heading) {
            return new Column(heading, false, 0);
        }

        static Column left(String heading, int maxWidth) {
            return new Column(heading, false, maxWidth);
        }

        static Column right(String heading) {
            return new Column(heading, true, 0);
        }
    }

    private final List<Column> columns;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(Column... columns) {
        this.columns = List.of(columns);
    }

    TextTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("a row needs " + columns.size() + " cells, got " + cells.length);
        }
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = fit(String.valueOf(cells[i]), columns.get(i).maxWidth());
        }
        rows.add(text);
        return this;
    }

    String render() {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).heading().length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        String[] headings = columns.stream().map(Column::heading).toArray(String[]::new);
        line(out, headings, widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            int pad = widths[i] - cell.codePointCount(0, cell.length());
            boolean last = i == cells.length - 1;
            if (i > 0) {
                line.append("  ");
            }
            if (columns.get(i).right()) {
                line.append(" ".repeat(pad)).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(pad));
                }
            }
        }
        out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }

    static String fit(String text, int maxWidth) {
        String clean = ControlCharacters.escape(text);
        if (maxWidth <= 3 || clean.codePointCount(0, clean.length()) <= maxWidth) {
            return clean;
        }
        int end = clean.offsetByCodePoints(0, maxWidth - 3);
        return clean.substring(0, end) + "...";
    }
}
