package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.reproduce.EnvDiffText;
import dev.keel.cli.reproduce.RunEnvironments;
import dev.keel.core.RunInfo;
import dev.keel.core.provenance.EnvDiff;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel env diff RUN1 RUN2}. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every recorded environment difference between two runs that could explain why their results "
                    + "differ: commit and uncommitted diff, command and JVM options, JVM, OS, CPU model and flags, "
                    + "thread settings, GPUs, environment variables, dependency versions, dataset versions, config "
                    + "and seeds.",
            "Exits 0 whether or not they differ; what neither run recorded is named under the table."
        })
final class EnvDiffCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "RUN1",
            description = "The first run's id, a unique prefix of it, or its name.")
    String first;

    @Parameters(
            index = "1",
            paramLabel = "RUN2",
            description = "The second run's id, a unique prefix of it, or its name.")
    String second;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text), csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        StoreAccess access = home.access();
        Output output = new Output(spec.commandLine());
        EnvDiff.Result diff;
        try (Store store = access.openExisting();
                Datasets data = access.remote()
                        ? null
                        : new DataAccess(access).openIfExists().orElse(null)) {
            LiveRuns live = new LiveRuns(access.home());
            RunInfo a = live.effective(RunLookup.find(store, first, access.where()));
            RunInfo b = live.effective(RunLookup.find(store, second, access.where()));
            diff = EnvDiff.compare(RunEnvironments.of(store, data, a), RunEnvironments.of(store, data, b));
        }
        if (format == Format.json) {
            output.json(diff.toMap());
            return 0;
        }
        if (diff.identical()) {
            output.text("no recorded environment difference between " + diff.left() + " and " + diff.right() + "\n");
        } else {
            output.table(EnvDiffText.table(diff), format);
        }
        for (String note : diff.notes()) {
            output.note("note: " + note);
        }
        return 0;
    }
}
