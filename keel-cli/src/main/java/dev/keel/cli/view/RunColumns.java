package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every column the runs table can show, with its cells for each listed run, keyed by the names
 * {@code --sort} and {@code --filter} use ({@code state}, {@code config.lr}, {@code summary.val_loss}).
 * {@link RunsTable} picks and orders them; {@link #resolve} reads a name a user typed.
 */
final class RunColumns {
    private static final String CONFIG = "config.";
    private static final String SUMMARY = "summary.";
    /** A config or summary key longer than this is headed by its shortest unique dotted suffix. */
    private static final int LONG_HEADER = 20;

    /** A column, its cells in run order and, for config and summary columns, the values they show. */
    private record Def(Table.Column column, List<String> cells, List<String> exactValues) {}

    private final Map<String, Def> defs = new LinkedHashMap<>();
    private final List<String> configKeys = new ArrayList<>();
    private final List<String> summaryKeys = new ArrayList<>();

    private RunColumns() {}

    static RunColumns all(List<RunInfo> runs, Map<String, List<RunInput>> inputs, long now, boolean exact) {
        RunColumns c = new RunColumns();
        c.attribute("id", "ID", false, false, 0, runs, RunInfo::id);
        c.attribute("name", "Name", false, false, 0, runs, RunInfo::name);
        c.attribute(
                "state",
                "State",
                false,
                false,
                0,
                runs,
                r -> r.state().label() + (!exact && !r.problems().isEmpty() ? RunsTable.PROBLEM_MARK : ""));
        c.attribute("notes", "Notes", false, true, 6, runs, RunInfo::notes);
        c.attribute("user", "User", false, true, 4, runs, RunInfo::user);
        c.attribute(
                "tags", "Tags", false, true, 5, runs, r -> String.join(exact ? ";" : ", ", new TreeSet<>(r.tags())));
        c.attribute(
                "created",
                "Created",
                false,
                false,
                2,
                runs,
                r -> exact ? Values.isoCell(r.createdAt()) : Values.time(r.createdAt()));
        c.attribute("runtime", "Runtime", !exact, false, 1, runs, r -> {
            long runtime = RunTimes.runtimeMs(r, now);
            return exact ? (runtime < 0 ? "" : Double.toString(runtime / 1000.0)) : Values.duration(runtime);
        });
        c.attribute("sweep", "Sweep", false, true, 3, runs, RunInfo::sweep);
        if (runs.stream().anyMatch(r -> !inputs.getOrDefault(r.id(), List.of()).isEmpty())) {
            c.attribute(
                    "inputs",
                    "Inputs",
                    false,
                    true,
                    0,
                    runs,
                    r -> String.join(
                            exact ? ";" : ", ",
                            inputs.getOrDefault(r.id(), List.of()).stream()
                                    .map(in -> exact ? DataResults.input(in) : in.ref())
                                    .toList()));
        }
        if (exact && RunsTable.anyProblems(runs)) {
            c.attribute("problems", "Problems", false, true, 0, runs, r -> String.join("; ", r.problems()));
        }
        List<Map<String, Object>> configs = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (RunInfo run : runs) {
            configs.add(Flatten.flatten(run.config()));
            Map<String, Object> summary = Flatten.flatten(run.summary());
            summary.keySet().removeIf(k -> k.startsWith(RunsTable.SYSTEM_PREFIX));
            summaries.add(summary);
        }
        c.values(CONFIG, "config", configs, exact, c.configKeys);
        c.values(SUMMARY, "summary", summaries, exact, c.summaryKeys);
        return c;
    }

    List<String> configKeys() {
        return List.copyOf(configKeys);
    }

    List<String> summaryKeys() {
        return List.copyOf(summaryKeys);
    }

    /** True when every run has the same value under {@code key}. */
    boolean sameInEveryRow(String key) {
        List<String> values = defs.get(key).exactValues();
        return !values.isEmpty() && values.stream().allMatch(v -> v.equals(values.get(0)));
    }

    /** The first run's cell under {@code key}. */
    String first(String key) {
        List<String> cells = defs.get(key).cells();
        return cells.isEmpty() ? "" : cells.get(0);
    }

    /** A table of the columns {@code keys} (null: all, in their natural order); keys with no column are skipped. */
    Table table(List<String> keys) {
        List<Def> chosen = new ArrayList<>();
        for (String key : keys == null ? defs.keySet() : keys) {
            if (defs.containsKey(key)) {
                chosen.add(defs.get(key));
            }
        }
        Table table = new Table();
        chosen.forEach(d -> {
            Table.Column col = d.column();
            table.column(col.key(), col.header(), col.group(), col.numeric(), col.shrinkable(), col.dropRank());
        });
        int rows = defs.get("id").cells().size();
        for (int r = 0; r < rows; r++) {
            List<String> row = new ArrayList<>(chosen.size());
            for (Def d : chosen) {
                row.add(d.cells().get(r));
            }
            table.row(row);
        }
        return table;
    }

    /**
     * The column a user means by {@code name}: its key ({@code summary.val_loss}), its header
     * ({@code Created}), or a config or summary key without its prefix or by its last dotted parts
     * ({@code val_loss}, {@code lr}) when only one column has it.
     */
    String resolve(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Def> e : defs.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)
                    || e.getValue().column().group() == null
                            && e.getValue().column().header().equalsIgnoreCase(name)) {
                return e.getKey();
            }
        }
        List<String> matches = new ArrayList<>();
        for (String key : defs.keySet()) {
            String bare = key.startsWith(CONFIG)
                    ? key.substring(CONFIG.length())
                    : key.startsWith(SUMMARY) ? key.substring(SUMMARY.length()) : null;
            if (bare != null
                    && (bare.equals(name)
                            || bare.endsWith("." + name)
                            || defs.get(key).column().header().equals(name))) {
                matches.add(key);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw KeelException.invalid("column '" + name + "' is ambiguous: it could be "
                    + String.join(" or ", matches) + "; name one of them in full");
        }
        throw KeelException.invalid(
                "no column '" + name + "' in the listed runs; the columns are: " + String.join(", ", defs.keySet()));
    }

    private void attribute(
            String key,
            String header,
            boolean numeric,
            boolean shrinkable,
            int dropRank,
            List<RunInfo> runs,
            Function<RunInfo, String> cell) {
        List<String> cells = new ArrayList<>(runs.size());
        runs.forEach(r -> cells.add(cell.apply(r)));
        defs.put(key, new Def(new Table.Column(key, header, null, numeric, shrinkable, dropRank), cells, List.of()));
    }

    /** One column per key found in any run's values, sorted by key; numeric when every value is a number. */
    private void values(
            String prefix, String group, List<Map<String, Object>> perRun, boolean exact, List<String> keys) {
        TreeMap<String, Boolean> numeric = new TreeMap<>();
        perRun.forEach(values ->
                values.forEach((k, v) -> numeric.merge(k, v == null || Values.isNumber(v), Boolean::logicalAnd)));
        numeric.forEach((k, isNumber) -> {
            List<String> cells = new ArrayList<>(perRun.size());
            List<String> exactValues = new ArrayList<>(perRun.size());
            for (Map<String, Object> values : perRun) {
                Object v = values.get(k);
                cells.add(exact ? Values.exact(v) : Values.brief(v));
                exactValues.add(values.containsKey(k) ? "=" + Values.exact(v) : "");
            }
            String header = exact ? k : header(k, numeric.keySet());
            // a metric's header is what names it: results keep theirs whole, config values give way
            boolean shrinkable = !(isNumber && prefix.equals(SUMMARY));
            defs.put(
                    prefix + k,
                    new Def(new Table.Column(prefix + k, header, group, isNumber, shrinkable, 0), cells, exactValues));
            keys.add(prefix + k);
        });
    }

    /** {@code dataset.sha256.train-images} → {@code train-images} when no other key ends so; short keys stay whole. */
    static String header(String key, Set<String> all) {
        if (key.length() <= LONG_HEADER) {
            return key;
        }
        String[] parts = key.split("\\.");
        for (int i = parts.length - 1; i > 0; i--) {
            String suffix = String.join(".", Arrays.asList(parts).subList(i, parts.length));
            long same = all.stream()
                    .filter(k -> k.equals(suffix) || k.endsWith("." + suffix))
                    .count();
            if (same == 1) {
                return suffix;
            }
        }
        return key;
    }
}
