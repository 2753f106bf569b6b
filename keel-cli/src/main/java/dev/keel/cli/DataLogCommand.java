package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataTables;
import dev.keel.core.data.DatasetVersion;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keel data log NAME}. */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = "Lists a dataset's versions, newest first: hash, author, time, files, size, tags, message.")
final class DataLogCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The dataset's name.")
    String name;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        List<DatasetVersion> versions;
        Map<String, Integer> tags;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            versions = data.log(name);
            tags = data.tags(name);
        }
        Output output = new Output(spec.commandLine());
        switch (format) {
            case json -> output.json(DataTables.versionsJson(versions, tags));
            case csv -> output.table(DataTables.versions(versions, tags, true), Format.csv);
            default -> output.table(DataTables.versions(versions, tags, false), Format.table);
        }
        return 0;
    }
}
