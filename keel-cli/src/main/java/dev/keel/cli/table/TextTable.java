package dev.keel.cli.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a {@link Table} as aligned text that fits a given width: long cells are cut with "…",
 * the widest columns shrink first, and columns that still do not fit are left out (the caller
 * learns how many through {@link Result#hiddenColumns()} and can say so on stderr).
 */
public final class TextTable {
    /** No cell is wider than this, whatever the terminal. */
    static final int MAX_CELL = 40;
    /** Columns never shrink below this (or their header, when shorter). */
    static final int MIN_CELL = 6;
    private static final String GAP = "  ";

    private TextTable() {
    }

    /** The printed text and how many trailing columns did not fit. */
    public record Result(String text, int hiddenColumns) {
    }

    public static Result render(Table table, int width) {
        List<Table.Column> columns = table.columns();
        List<List<String>> rows = table.rows();
        int n = columns.size();
        int[] widths = new int[n];
        for (int c = 0; c < n; c++) {
            int w = columns.get(c).header().length();
            for (List<String> row : rows) {
                w = Math.max(w, displayWidth(row.get(c)));
            }
            widths[c] = Math.min(w, MAX_CELL);
        }
        shrinkToFit(widths, width);
        int shown = n;
        while (shown > 1 && total(widths, shown) > width) {
            shown--;
        }
        StringBuilder out = new StringBuilder();
        groupLine(out, columns, widths, shown);
        List<String> header = new ArrayList<>(columns.size());
        columns.forEach(col -> header.add(col.header()));
        line(out, header, columns, widths, shown);
        for (List<String> row : rows) {
            line(out, row, columns, widths, shown);
        }
        return new Result(out.toString(), n - shown);
    }

    /** Takes one character at a time from the widest column until the line fits or none can shrink. */
    private static void shrinkToFit(int[] widths, int width) {
        while (total(widths, widths.length) > width) {
            int widest = -1;
            for (int c = 0; c < widths.length; c++) {
                if (widths[c] > MIN_CELL && (widest < 0 || widths[c] > widths[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                return;
            }
            widths[widest]--;
        }
    }

    /**
     * Prints group labels ("config", "summary") above the first column of each group; a label may
     * run on over the next columns of its own group.
     */
    private static void groupLine(StringBuilder out, List<Table.Column> columns, int[] widths, int shown) {
        if (columns.stream().limit(shown).allMatch(c -> c.group() == null)) {
            return;
        }
        StringBuilder line = new StringBuilder();
        int pos = 0;
        String previous = null;
        for (int c = 0; c < shown; c++) {
            String group = columns.get(c).group();
            if (group != null && !group.equals(previous)) {
                int span = widths[c];
                for (int d = c + 1; d < shown && group.equals(columns.get(d).group()); d++) {
                    span += GAP.length() + widths[d];
                }
                while (line.length() < pos) {
                    line.append(' ');
                }
                line.append(fit(group, span));
            }
            previous = group;
            pos += widths[c] + GAP.length();
        }
        out.append(line).append('\n');
    }

    private static int total(int[] widths, int count) {
        int sum = 0;
        for (int c = 0; c < count; c++) {
            sum += widths[c];
        }
        return sum + GAP.length() * Math.max(0, count - 1);
    }

    private static void line(StringBuilder out, List<String> cells, List<Table.Column> columns, int[] widths,
                             int shown) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < shown; c++) {
            if (c > 0) {
                line.append(GAP);
            }
            String cell = fit(cells.get(c), widths[c]);
            String pad = " ".repeat(widths[c] - displayWidth(cell));
            if (columns.get(c).numeric()) {
                line.append(pad).append(cell);
            } else {
                line.append(cell).append(pad);
            }
        }
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        out.append(line, 0, end).append('\n');
    }

    /** Cuts a cell to {@code width} code points, ending with "…" when cut; newlines become spaces. */
    static String fit(String cell, int width) {
        String flat = cell.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        if (displayWidth(flat) <= width) {
            return flat;
        }
        int end = flat.offsetByCodePoints(0, Math.max(0, width - 1));
        return flat.substring(0, end) + "…";
    }

    static int displayWidth(String s) {
        return s.codePointCount(0, s.length());
    }
}
