package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.data.DatasetDiff;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel data diff REF1 REF2}. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the paths added (+), removed (-) and modified (~) from REF1 to REF2, with sizes.",
            "The totals follow."
        })
final class DataDiffCommand implements Callable<Integer>, QuickCommands.Quick {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF1", description = "The older version.")
    String from;

    @Parameters(index = "1", paramLabel = "REF2", description = "The newer version.")
    String to;

    @Option(names = "--stat", description = "Only the totals line.")
    boolean stat;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        return run(new Output(spec.commandLine()));
    }

    @Override
    public int run(Output output) {
        DatasetDiff diff;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            diff = data.diff(from, to);
        }
        if (format == Format.json) {
            output.json(DataResults.diffJson(diff));
        } else {
            output.text(DataResults.diffText(diff, stat));
        }
        return 0;
    }
}
