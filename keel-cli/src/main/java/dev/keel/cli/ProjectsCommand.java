package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.view.ProjectsTable;
import dev.keel.core.ProjectInfo;
import dev.keel.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keel projects}. */
@Command(
        name = "projects",
        mixinStandardHelpOptions = true,
        description = "Lists projects with their number of runs and last activity.")
final class ProjectsCommand implements Callable<Integer> {
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
        StoreAccess access = home.access();
        Optional<Store> maybeStore = access.openIfExists();
        List<ProjectInfo> projects;
        if (maybeStore.isEmpty()) {
            output.note("no projects yet in " + access.home());
            projects = List.of();
        } else {
            try (Store store = maybeStore.get()) {
                projects = store.projects();
            }
        }
        switch (format) {
            case json -> output.json(ProjectsTable.json(projects));
            case csv -> output.table(ProjectsTable.build(projects, true), Format.csv);
            default -> output.table(ProjectsTable.build(projects, false), Format.table);
        }
        return 0;
    }
}
