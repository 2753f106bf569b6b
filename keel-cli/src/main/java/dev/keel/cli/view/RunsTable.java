package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The W&B-style runs table: ID, Name, State, Notes, User, Tags, Created, Runtime, Sweep, Inputs
 * (only when some run used a dataset version), then
 * one column per (flattened) config key and one per summary metric, each group sorted by key.
 * System metrics ({@code system/…}) stay out of the table; {@code keel run show} lists them.
 * In a narrow terminal the text table gives up Notes, Tags, User, Sweep, Created and Runtime (in
 * that order) before config and summary columns, since those are what runs are compared by.
 * Column keys are the names {@code --sort} and {@code --filter} accept. A run that recorded
 * problems (e.g. points a full disk could not take) shows its state with {@link #PROBLEM_MARK}
 * for people, and CSV adds a Problems column when any run has some.
 */
public final class RunsTable {
    static final String SYSTEM_PREFIX = "system/";
    /** After the state of a run with problems, in the text table. */
    public static final String PROBLEM_MARK = "!";
    /** What the mark means, printed under a table that shows it. */
    public static final String PROBLEM_NOTE = "a state ending in '" + PROBLEM_MARK
            + "': the run recorded problems (data it could not store); 'keel run show ID' lists them";

    private RunsTable() {
    }

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
        boolean anyInputs = runs.stream().anyMatch(r -> !inputs.getOrDefault(r.id(), List.of()).isEmpty());
        boolean problemColumn = exact && anyProblems(runs);
        List<Map<String, Object>> configs = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        TreeMap<String, Boolean> configKeys = new TreeMap<>();
        TreeMap<String, Boolean> summaryKeys = new TreeMap<>();
        for (RunInfo run : runs) {
            Map<String, Object> config = Flatten.flatten(run.config());
            Map<String, Object> summary = Flatten.flatten(run.summary());
            summary.keySet().removeIf(k -> k.startsWith(SYSTEM_PREFIX));
            configs.add(config);
            summaries.add(summary);
            collect(config, configKeys);
            collect(summary, summaryKeys);
        }
        Table table = new Table()
                .column("id", "ID", null, false, false, 0)
                .column("name", "Name", null, false, true, 0)
                .column("state", "State", null, false, false, 0)
                .column("notes", "Notes", null, false, true, 6)
                .column("user", "User", null, false, true, 4)
                .column("tags", "Tags", null, false, true, 5)
                .column("created", "Created", null, false, false, 2)
                .column("runtime", "Runtime", null, !exact, false, 1)
                .column("sweep", "Sweep", null, false, true, 3);
        if (anyInputs) {
            table.column("inputs", "Inputs", null, false, true, 0);
        }
        if (problemColumn) {
            table.column("problems", "Problems", null, false, true, 0);
        }
        configKeys.forEach((k, numeric) -> table.column("config." + k, k, "config", numeric));
        summaryKeys.forEach((k, numeric) -> table.column("summary." + k, k, "summary", numeric));
        for (int i = 0; i < runs.size(); i++) {
            RunInfo run = runs.get(i);
            long runtime = RunTimes.runtimeMs(run, now);
            List<String> cells = new ArrayList<>();
            cells.add(run.id());
            cells.add(run.name());
            cells.add(run.state().label() + (!exact && !run.problems().isEmpty() ? PROBLEM_MARK : ""));
            cells.add(run.notes());
            cells.add(run.user());
            cells.add(String.join(exact ? ";" : ", ", new TreeSet<>(run.tags())));
            cells.add(exact ? Values.isoCell(run.createdAt()) : Values.time(run.createdAt()));
            cells.add(exact ? (runtime < 0 ? "" : Double.toString(runtime / 1000.0)) : Values.duration(runtime));
            cells.add(run.sweep());
            if (anyInputs) {
                List<RunInput> used = inputs.getOrDefault(run.id(), List.of());
                cells.add(String.join(exact ? ";" : ", ", used.stream()
                        .map(in -> exact ? DataResults.input(in) : in.ref()).toList()));
            }
            if (problemColumn) {
                cells.add(String.join("; ", run.problems()));
            }
            for (String k : configKeys.keySet()) {
                cells.add(cell(configs.get(i).get(k), exact));
            }
            for (String k : summaryKeys.keySet()) {
                cells.add(cell(summaries.get(i).get(k), exact));
            }
            table.row(cells);
        }
        return table;
    }

    public static boolean anyProblems(List<RunInfo> runs) {
        return runs.stream().anyMatch(r -> !r.problems().isEmpty());
    }

    /** Records each key, remembering whether every value seen under it is a number. */
    private static void collect(Map<String, Object> values, TreeMap<String, Boolean> keys) {
        values.forEach((k, v) -> keys.merge(k, v == null || Values.isNumber(v), Boolean::logicalAnd));
    }

    private static String cell(Object value, boolean exact) {
        return exact ? Values.exact(value) : Values.brief(value);
    }
}
