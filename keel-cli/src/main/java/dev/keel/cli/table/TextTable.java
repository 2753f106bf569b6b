package dev.keel.cli.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a {@link Table} as aligned text that fits a given width. Columns with no value in any
 * row are left out; long cells are cut with "…" (no cell wider than {@value #MAX_CELL}); when the
 * line is still too wide the widest shrinkable columns give way down to {@value #MIN_CELL}
 * characters; then columns with a drop rank are left out (highest first), then trailing columns
 * (all listed in {@link Result#hidden()}, so the caller can say so on stderr). The table's notes
 * follow it after a blank line, wrapped to the width.
 */
public final class TextTable {
    static final int MAX_CELL = 32;
    static final int MIN_CELL = 10;
    private static final String GAP = "  ";

    private TextTable() {}

    /** The printed text and the keys of the columns with values that did not fit. */
    public record Result(String text, List<String> hidden) {}

    public static Result render(Table table, int width) {
        List<Table.Column> all = table.columns();
        List<List<String>> rows = table.rows();
        List<Integer> kept = new ArrayList<>();
        for (int c = 0; c < all.size(); c++) {
            final int col = c;
            if (rows.isEmpty() || rows.stream().anyMatch(r -> !r.get(col).isEmpty())) {
                kept.add(c);
            }
        }
        List<String> hidden = new ArrayList<>();
        while (natural(all, rows, kept) > width) {
            int drop = -1;
            for (int i = 0; i < kept.size(); i++) {
                int rank = all.get(kept.get(i)).dropRank();
                if (rank > 0 && (drop < 0 || rank > all.get(kept.get(drop)).dropRank())) {
                    drop = i;
                }
            }
            if (drop < 0) {
                break;
            }
            hidden.add(all.get(kept.remove(drop)).key());
        }
        int n = kept.size();
        List<Table.Column> columns = new ArrayList<>(n);
        int[] widths = new int[n];
        int[] minimums = new int[n];
        for (int i = 0; i < n; i++) {
            int c = kept.get(i);
            Table.Column column = all.get(c);
            columns.add(column);
            int w = displayWidth(column.header());
            for (List<String> row : rows) {
                w = Math.max(w, displayWidth(row.get(c)));
            }
            widths[i] = Math.min(w, MAX_CELL);
            minimums[i] = column.shrinkable() ? Math.min(widths[i], MIN_CELL) : widths[i];
        }
        widenForGroups(columns, widths);
        widenForGroups(columns, minimums);
        shrinkToFit(widths, minimums, width);
        int shown = n;
        while (shown > 1 && total(widths, shown) > width) {
            shown--;
        }
        for (int i = shown; i < n; i++) {
            hidden.add(columns.get(i).key());
        }
        StringBuilder out = new StringBuilder();
        groupLine(out, columns, widths, shown);
        List<String> header = new ArrayList<>(n);
        columns.forEach(col -> header.add(col.header()));
        line(out, header, columns, widths, shown);
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>(n);
            kept.forEach(c -> cells.add(row.get(c)));
            line(out, cells, columns, widths, shown);
        }
        if (!table.notes().isEmpty()) {
            out.append('\n');
            table.notes().forEach(note -> wrap(out, note, width));
        }
        return new Result(out.toString(), List.copyOf(hidden));
    }

    /** Breaks a note at spaces so no line is wider than {@code width}; later lines are indented. */
    static void wrap(StringBuilder out, String note, int width) {
        StringBuilder line = new StringBuilder();
        for (String word : note.split(" ")) {
            if (line.length() > 0 && displayWidth(line.toString()) + 1 + displayWidth(word) > width) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append("  ");
            }
            if (line.length() > 0 && !line.toString().isBlank()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }

    /** The width of the kept columns once shrunk as far as allowed: what dropping must get under. */
    private static int natural(List<Table.Column> all, List<List<String>> rows, List<Integer> kept) {
        int[] widths = new int[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            Table.Column column = all.get(kept.get(i));
            int w = displayWidth(column.header());
            for (List<String> row : rows) {
                w = Math.max(w, displayWidth(row.get(kept.get(i))));
            }
            w = Math.min(w, MAX_CELL);
            widths[i] = column.shrinkable() ? Math.min(w, MIN_CELL) : w;
        }
        widenForGroups(kept.stream().map(all::get).toList(), widths);
        return total(widths, widths.length);
    }

    /** Widens the last column of a group whose columns together are narrower than its label. */
    private static void widenForGroups(List<Table.Column> columns, int[] widths) {
        int c = 0;
        while (c < columns.size()) {
            String group = columns.get(c).group();
            int end = c + 1;
            int span = widths[c];
            while (end < columns.size()
                    && group != null
                    && group.equals(columns.get(end).group())) {
                span += GAP.length() + widths[end];
                end++;
            }
            if (group != null && span < displayWidth(group)) {
                widths[end - 1] += displayWidth(group) - span;
            }
            c = end;
        }
    }

    /** Takes one character at a time from the widest column above its minimum until the line fits. */
    private static void shrinkToFit(int[] widths, int[] minimums, int width) {
        while (total(widths, widths.length) > width) {
            int widest = -1;
            for (int c = 0; c < widths.length; c++) {
                if (widths[c] > minimums[c] && (widest < 0 || widths[c] > widths[widest])) {
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
     * Prints group labels ("config", "summary") above the first column of each group. A label may
     * run on to one space before the next label, so a one-column group still shows its name.
     */
    private static void groupLine(StringBuilder out, List<Table.Column> columns, int[] widths, int shown) {
        List<Integer> starts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int pos = 0;
        String previous = null;
        for (int c = 0; c < shown; c++) {
            String group = columns.get(c).group();
            if (group != null && !group.equals(previous)) {
                starts.add(pos);
                labels.add(group);
            }
            previous = group;
            pos += widths[c] + GAP.length();
        }
        if (labels.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            int room = i + 1 < labels.size() ? starts.get(i + 1) - starts.get(i) - 1 : Integer.MAX_VALUE;
            line.append(" ".repeat(starts.get(i) - line.length())).append(fit(labels.get(i), room));
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

    private static void line(
            StringBuilder out, List<String> cells, List<Table.Column> columns, int[] widths, int shown) {
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

    /** Cuts a cell to {@code width} code points, ending with "…" when cut; line breaks become spaces. */
    public static String fit(String cell, int width) {
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
