package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.SortHint;
import dev.keel.cli.access.SortKey;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.view.RunJson;
import dev.keel.cli.view.RunsTable;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keel runs}: the runs table. */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = {
            "Lists runs as a table, newest first unless --sort says otherwise.",
            "Columns: ID, Name, State, the summary metrics (the one sorted by first, then test_, then val_",
            "metrics), the config keys that differ between the listed runs (those the same in every run",
            "are listed once under the table), then Runtime, Created, Tags, User, Notes, Sweep and Inputs",
            "(dataset versions used). Hashes show their first 8 digits; system/ metrics are left out;",
            "--columns picks the columns; csv and json have every value in full. Runs whose process",
            "vanished show as crashed."
        },
        footer = {
            "%nExamples:",
            "  keel runs --sort -val_accuracy --limit 10",
            "  keel runs --columns name,test_accuracy,val_loss,config.learning_rate",
            "  keel runs --filter 'config.layers >= 64 and summary.val_accuracy > 0.87 and state = finished'",
            "  keel runs --filter 'tags contains \"mlp\" or config.optimizer in (\"adam\", \"sgd\")' --format csv"
        })
final class RunsCommand implements Callable<Integer>, QuickCommands.Quick {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-p", "--project"},
            paramLabel = "P",
            description = "Only runs of this project.")
    String project;

    @Option(
            names = {"-s", "--sort"},
            paramLabel = "KEY",
            description = "Sort by a column: an attribute (name, state, created, runtime…), config.KEY, or a "
                    + "summary metric (val_loss or summary.val_loss); prefix with - for descending.")
    String sort;

    @Option(
            names = {"-f", "--filter"},
            paramLabel = "EXPR",
            description = "Only runs matching EXPR, e.g. \"config.lr < 0.01 and state = finished\".")
    String filter;

    @Option(
            names = {"-n", "--limit"},
            paramLabel = "N",
            description = "At most N runs (default: all).")
    int limit;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = "--columns",
            paramLabel = "A,B,…",
            split = ",",
            description = "Only these columns, in this order: a header (ID, Created), config.KEY, summary.KEY, "
                    + "or a key alone when only one column has it (val_loss, lr); table and csv only.")
    List<String> columns;

    @Override
    public Integer call() {
        if (filter != null && !filter.isBlank()) {
            Filters.parse(filter, spec.commandLine()); // a bad expression is a usage error
        }
        return run(new Output(spec.commandLine()));
    }

    @Override
    public int run(Output output) {
        if (columns != null && format == Format.json) {
            throw KeelException.invalid("--columns picks table or csv columns; json prints whole runs "
                    + "(drop --columns, or use --format csv)");
        }
        Expr expr = filter == null || filter.isBlank() ? null : Filters.parse(filter);
        SortKey sortKey = sort == null || sort.isBlank() ? null : SortKey.parse(sort);
        RunQuery query = new RunQuery(
                project,
                expr,
                sortKey == null ? null : sortKey.field(),
                sortKey == null || sortKey.descending(),
                Math.max(0, limit),
                0);
        StoreAccess access = home.access();
        Optional<Store> maybeStore = access.openIfExists();
        List<RunInfo> runs;
        Map<String, List<RunInput>> inputs = Map.of();
        if (maybeStore.isEmpty()) {
            output.note("no runs yet in " + access.home() + " (run './keel demo', or set KEEL_HOME)");
            runs = List.of();
        } else {
            try (Store store = maybeStore.get()) {
                LiveRuns live = new LiveRuns(access.home());
                live.recover(store);
                runs = live.effective(store.searchRuns(query));
            }
            if (!access.remote()) { // dataset lineage is local until datasets live on the server
                try (Datasets data = new DataAccess(access).openExisting()) {
                    inputs = DataAccess.inputsByRun(data);
                } catch (KeelException e) {
                    if (e.code() != KeelException.ErrorCode.STORAGE_FAILURE) {
                        throw e;
                    }
                    // e.g. a full disk where the dataset tables were never made: the runs are still listed
                    output.note("dataset inputs not shown: " + e.getMessage());
                }
            }
        }
        if (sortKey != null) {
            SortHint.check(sortKey, runs).ifPresent(output::note);
        }
        long now = System.currentTimeMillis();
        switch (format) {
            case json -> {
                Map<String, List<RunInput>> used = inputs;
                output.json(runs.stream()
                        .map(r -> RunJson.of(r, used.getOrDefault(r.id(), List.of()), now))
                        .toList());
            }
            case csv ->
                output.table(
                        columns == null
                                ? RunsTable.build(runs, inputs, now, true)
                                : RunsTable.picked(runs, inputs, now, true, columns),
                        Format.csv);
            default -> {
                String firstMetric = sortKey != null && sortKey.field().kind() == Field.Kind.SUMMARY
                        ? sortKey.field().path()
                        : null;
                output.table(
                        columns == null
                                ? RunsTable.forPeople(runs, inputs, now, firstMetric)
                                : RunsTable.picked(runs, inputs, now, false, columns),
                        Format.table);
                if (RunsTable.anyProblems(runs)) {
                    output.note(RunsTable.PROBLEM_NOTE);
                }
            }
        }
        return 0;
    }
}
