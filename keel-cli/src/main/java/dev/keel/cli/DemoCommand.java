package dev.keel.cli;

import dev.keel.cli.demo.DemoTraining;
import dev.keel.cli.view.RunsTable;
import dev.keel.core.RunInfo;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.StoreAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code keel demo}: trains a tiny built-in example three times through the SDK, then lists the runs. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Trains a small built-in example three times, tracked, and lists the runs.",
                "The loop (different lr, layers and optimizer per run) logs through the Keel SDK,",
                "then the runs table of the project is printed."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--project"}, paramLabel = "P", defaultValue = "demo",
            description = "The project the runs go to (default: ${DEFAULT-VALUE}).")
    String project;

    @Override
    public Integer call() {
        StoreAccess access = home.access();
        access.home().ensureExists();
        Output output = new Output(spec.commandLine());
        output.note("recording demo runs in " + access.home());
        List<String> ids = DemoTraining.runAll(access.home().root(), project, output::note);
        List<RunInfo> runs;
        try (Store store = access.openExisting()) {
            runs = new LiveRuns(access.home()).effective(store.searchRuns(RunQuery.project(project)));
        }
        output.table(RunsTable.build(runs, System.currentTimeMillis(), false), Format.table);
        output.note("\n" + ids.size() + " runs recorded. Next: ./keel runs --project " + project
                + " --sort -val_accuracy   |   ./keel run show " + ids.get(0));
        return 0;
    }
}
