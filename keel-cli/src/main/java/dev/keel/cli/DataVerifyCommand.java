package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.data.Datasets;
import dev.keel.data.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel data verify [REF]}. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Rehashes every stored object of one version, or of all versions, and names each damaged file.",
            "Each damaged file is named with the versions it breaks; then the local checkout cache's copies of",
            "those files are rehashed, and any that changed are removed (and named): the next checkout writes",
            "them again from the stored data."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all data intact", "1:damage found (or an error)", "2:usage error"})
final class DataVerifyCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REF", arity = "0..1", description = "The version to check (default: every version).")
    String ref;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        VerifyReport report;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            report = data.verify(ref);
        }
        Output output = new Output(spec.commandLine());
        if (format == Format.json) {
            output.json(DataResults.verifyJson(report));
        } else {
            output.text(DataResults.verifyText(report));
        }
        if (report.damaged().isEmpty() && !report.cacheRepaired().isEmpty()) {
            output.note(
                    "keel: " + report.cacheRepaired().size() + " cache object(s) had changed (a hard-linked checkout"
                            + " edited in place) and were removed; the stored data is intact. Check out again with the default"
                            + " (copy) where files may be edited");
            return Errors.ERROR;
        }
        if (!report.ok()) {
            output.note("keel: " + report.damaged().size() + " damaged file(s): restore them by adding the data"
                    + " again ('keel data add'), or remove the broken versions ('keel data rm')");
            return Errors.ERROR;
        }
        return 0;
    }
}
