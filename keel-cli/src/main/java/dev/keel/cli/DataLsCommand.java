package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataTables;
import dev.keel.data.DatasetSummary;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keel data ls}. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "Lists datasets: versions, latest version, its files and size, visibility, owner, description.")
final class DataLsCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        Output output = new Output(spec.commandLine());
        DataAccess access = new DataAccess(home.access());
        Optional<Datasets> maybe = access.openIfExists();
        List<DatasetSummary> list;
        if (maybe.isEmpty()) {
            list = List.of();
        } else {
            try (Datasets data = maybe.get()) {
                list = data.list();
            }
        }
        if (list.isEmpty() && format != Format.json) {
            output.note("no datasets yet in " + access.store().home() + " ('keel data add NAME PATH' adds one)");
        }
        switch (format) {
            case json -> output.json(DataTables.datasetsJson(list));
            case csv -> output.table(DataTables.datasets(list, true), Format.csv);
            default -> {
                if (!list.isEmpty()) {
                    output.table(DataTables.datasets(list, false), Format.table);
                }
            }
        }
        return 0;
    }
}
