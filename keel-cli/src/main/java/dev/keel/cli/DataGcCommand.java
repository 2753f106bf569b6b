package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.data.Datasets;
import dev.keel.data.GcReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Set;
import java.util.concurrent.Callable;

/** {@code keel data gc}. */
@Command(
        name = "gc",
        mixinStandardHelpOptions = true,
        description = {
            "Removes blobs nothing references, and cache files of removed versions.",
            "A blob is referenced by a dataset version or a run file (artifact, checkpoint, saved diff).",
            "Blobs younger than an hour are kept."
        })
final class DataGcCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-n", "--dry-run"},
            description = "Only report what would be removed.")
    boolean dryRun;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        DataAccess access = new DataAccess(home.access());
        GcReport report;
        try (Datasets data = access.openExisting()) {
            Set<String> runBlobs = access.runBlobs();
            report = data.gc(dryRun, runBlobs);
        }
        Output output = new Output(spec.commandLine());
        if (format == Format.json) {
            output.json(DataResults.gcJson(report));
        } else {
            output.text(DataResults.gcText(report));
        }
        return 0;
    }
}
