package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.cli.table.TextTable;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.RunInput;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The runs table. For people (text): ID, Name, State, then the summary metrics (the one sorted by
 * first, then {@code test_…}, then {@code val_…}, then the rest), then the config keys whose values
 * differ between the listed runs, then Runtime, Created, Tags, User, Notes, Sweep and Inputs (only
 * when some run used a dataset version). Config keys with one value in every listed run are left
 * out and named once under the table; hashes show as their first 8 hex digits. In a narrow
 * terminal the text table gives up Notes, Tags, User, Sweep, Created and Runtime (in that order),
 * then trailing config columns, before any summary metric, since results are what runs are
 * compared by. For CSV (exact): every column in full, attributes first, then config, then summary.
 * System metrics ({@code system/…}) stay out of the table, and a stopped run's reason
 * ({@code _stop_reason}) out of the text table unless asked for ({@code --columns}); {@code keel
 * run show} lists them.
 * Column keys are the names {@code --sort}, {@code --filter} and {@code --columns} accept. A run
 * that recorded problems (e.g. points a full disk could not take) shows its state with
 * {@link #PROBLEM_MARK} for people, and CSV adds a Problems column when any run has some.
 */
public final class RunsTable {
    static final String SYSTEM_PREFIX = "system/";
    /** After the state of a run with problems, in the text table. */
    public static final String PROBLEM_MARK = "!";
    /** What the mark means, printed under a table that shows it. */
    public static final String PROBLEM_NOTE = "a state ending in '" + PROBLEM_MARK
            + "': the run recorded problems (data it could not store); 'keel run show ID' lists them";
    /** Starts the note that lists the config values every listed run shares. */
    public static final String SAME_NOTE = "same in every run: ";

    private static final int NOTE_VALUE_WIDTH = 32;

    private RunsTable() {}

    /**
     * @param exact true for CSV: numbers in full and times as ISO-8601; false for people
     */
    public static Table build(List<RunInfo> runs, long now, boolean exact) {
        return build(runs, Map.of(), now, exact);
    }

    /**
     * With an Inputs column (the dataset versions each run used: {@code name:v3} for people,
     * {@code name:v3@HASH12} separated by {@code ;} in CSV) when any run used one.
     *
     * @param inputs run id → the dataset versions it used
     */
    public static Table build(List<RunInfo> runs, Map<String, List<RunInput>> inputs, long now, boolean exact) {
        return exact ? RunColumns.all(runs, inputs, now, true).table(null) : forPeople(runs, inputs, now, null);
    }

    /**
     * The text table with the summary metric {@code firstMetric} (e.g. the one sorted by; null for
     * none) as the first metric column, config keys shared by every run moved to a note.
     */
    public static Table forPeople(
            List<RunInfo> runs, Map<String, List<RunInput>> inputs, long now, String firstMetric) {
        RunColumns columns = RunColumns.all(runs, inputs, now, false);
        List<String> keys = new ArrayList<>(List.of("id", "name", "state"));
        List<String> metrics = new ArrayList<>(columns.summaryKeys());
        // a sentence, not a metric: it would crowd the metrics out; `keel run show` prints it
        metrics.remove("summary." + RunState.STOP_REASON_KEY);
        keys.addAll(metricOrder(metrics, firstMetric));
        List<String> shared = new ArrayList<>();
        for (String key : columns.configKeys()) {
            if (runs.size() > 1 && columns.sameInEveryRow(key)) {
                shared.add(
                        key.substring("config.".length()) + "=" + TextTable.fit(columns.first(key), NOTE_VALUE_WIDTH));
            } else {
                keys.add(key);
            }
        }
        keys.addAll(List.of("runtime", "created", "tags", "user", "notes", "sweep", "inputs"));
        Table table = columns.table(keys);
        if (!shared.isEmpty()) {
            table.note(SAME_NOTE + String.join(", ", shared));
        }
        return table;
    }

    /**
     * Exactly the columns named (as {@link RunColumns#resolve} reads a name), in that order, for
     * {@code --columns}; nothing is moved to a note.
     */
    public static Table picked(
            List<RunInfo> runs, Map<String, List<RunInput>> inputs, long now, boolean exact, List<String> names) {
        RunColumns columns = RunColumns.all(runs, inputs, now, exact);
        List<String> keys = new ArrayList<>();
        for (String name : names) {
            if (!name.isBlank()) {
                keys.add(columns.resolve(name.trim()));
            }
        }
        return columns.table(keys);
    }

    /** The metric sorted by first, then held-out results ({@code test_…}), validation ({@code val_…}), the rest. */
    static List<String> metricOrder(List<String> summaryKeys, String firstMetric) {
        List<String> ordered = new ArrayList<>(summaryKeys);
        ordered.sort(Comparator.comparingInt((String k) -> rank(k, firstMetric)).thenComparing(k -> k));
        return ordered;
    }

    private static int rank(String key, String firstMetric) {
        String name = key.substring("summary.".length());
        if (name.equals(firstMetric)) {
            return 0;
        }
        return name.startsWith("test_") ? 1 : name.startsWith("val_") ? 2 : 3;
    }

    public static boolean anyProblems(List<RunInfo> runs) {
        return runs.stream().anyMatch(r -> !r.problems().isEmpty());
    }
}
