package dev.keel.cli;

import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.view.HistoryTable;
import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code keel run history ID KEY}: one metric's logged values. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Prints every logged value of one metric of a run, in step order.")
final class RunHistoryCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id, a unique prefix of it, or its name.")
    String runId;

    @Parameters(index = "1", paramLabel = "KEY", description = "The metric, e.g. loss or system/cpu_percent.")
    String key;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        StoreAccess access = home.access();
        MetricSeries series;
        try (Store store = access.openExisting()) {
            RunInfo run = RunLookup.find(store, runId, access.home().toString());
            List<String> keys = store.metricKeys(run.id());
            if (!keys.contains(key)) {
                throw KeelException.notFound("run " + run.id() + " has no metric '" + key + "': it logged "
                        + (keys.isEmpty() ? "no metrics" : String.join(", ", keys)));
            }
            series = store.history(run.id(), key);
        }
        Output output = new Output(spec.commandLine());
        switch (format) {
            case json -> output.json(HistoryTable.json(series));
            case csv -> output.table(HistoryTable.build(series, true), Format.csv);
            default -> output.table(HistoryTable.build(series, false), Format.table);
        }
        return 0;
    }
}
