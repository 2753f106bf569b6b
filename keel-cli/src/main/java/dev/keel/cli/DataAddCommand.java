package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.core.data.Visibility;
import dev.keel.data.AddOptions;
import dev.keel.data.AddResult;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keel data add NAME PATH}. */
@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = {
            "Adds a file or folder as the next version of dataset NAME (created when new).",
            "Prints the new ref and what changed: +added -removed ~modified files and the bytes newly stored.",
            "Content equal to the latest version makes no version."
        })
final class DataAddCommand implements Callable<Integer>, QuickCommands.Quick {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name: [a-z0-9][a-z0-9._-]{0,63}.")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file or folder to add.")
    Path path;

    @Option(
            names = {"-m", "--message"},
            paramLabel = "MSG",
            description = "What this version changes.")
    String message;

    @Option(names = "--description", paramLabel = "D", description = "The dataset's description (set or replace).")
    String description;

    @Option(
            names = "--visibility",
            paramLabel = "V",
            description = "private, team or public (kept; enforced by a server).")
    String visibility;

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
        AddOptions options = AddOptions.defaults()
                .message(message == null ? "" : message)
                .description(description)
                .visibility(visibility == null ? null : Visibility.parse(visibility));
        AddResult result;
        try (Datasets data = new DataAccess(home.access()).openForWriting()) {
            result = data.add(name, path, options);
        }
        if (format == Format.json) {
            output.json(DataResults.addJson(result));
        } else {
            output.text(DataResults.addText(result));
        }
        return 0;
    }
}
