package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataDetails;
import dev.keel.data.DatasetDetails;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel data show REF}. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Shows a version: hash, tags, message, author, its files with sizes, and the runs that used it.")
final class DataShowCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REF", description = "NAME, NAME:latest, NAME:v3, NAME:TAG or NAME@HASH_PREFIX.")
    String ref;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        DataAccess access = new DataAccess(home.access());
        DatasetDetails details;
        try (Datasets data = access.openExisting()) {
            details = data.show(ref);
        }
        DataDetails view = new DataDetails(details, access.runs(details.runs()));
        Output output = new Output(spec.commandLine());
        if (format == Format.json) {
            output.json(view.json());
        } else {
            output.text(view.text());
        }
        return 0;
    }
}
