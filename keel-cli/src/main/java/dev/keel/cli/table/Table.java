package dev.keel.cli.table;

import java.util.ArrayList;
import java.util.List;

/**
 * A grid of text cells with named columns, built by the views and printed by {@link TextTable}
 * or {@link Csv}. Numeric columns are right-aligned in text output.
 */
public final class Table {
    private final List<Column> columns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * A column: {@code key} names it for machines (CSV headers, sort keys), {@code header} for
     * people, under an optional {@code group} label ("config", "summary"; null for none);
     * numeric cells align right; a column that is not {@code shrinkable} is never cut to fit.
     * When a text table is too wide, columns with a {@code dropRank} above 0 are left out first,
     * highest rank first, before any trailing column.
     */
    public record Column(String key, String header, String group, boolean numeric, boolean shrinkable, int dropRank) {}

    public Table column(String key, String header, String group, boolean numeric) {
        return column(key, header, group, numeric, true, 0);
    }

    public Table column(String key, String header, String group, boolean numeric, boolean shrinkable, int dropRank) {
        if (!rows.isEmpty()) {
            throw new IllegalStateException("add every column before the first row");
        }
        columns.add(new Column(key, header, group, numeric, shrinkable, dropRank));
        return this;
    }

    /** Adds a row; null cells print as empty. */
    public Table row(List<String> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException(
                    "row has " + cells.size() + " cells, table has " + columns.size() + " columns");
        }
        List<String> copy = new ArrayList<>(cells.size());
        for (String c : cells) {
            copy.add(c == null ? "" : c);
        }
        rows.add(copy);
        return this;
    }

    public List<Column> columns() {
        return List.copyOf(columns);
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** Adds a line printed under the text table (CSV leaves it out), e.g. what every row shares. */
    public Table note(String line) {
        notes.add(line);
        return this;
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The machine names of the columns, in order. */
    public List<String> keys() {
        return columns.stream().map(Column::key).toList();
    }
}
