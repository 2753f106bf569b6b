package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.data.CheckoutResult;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keel data checkout REF DIR}. */
@Command(name = "checkout", mixinStandardHelpOptions = true,
        description = {"Materialises a version in DIR: read-only hard links from the local cache, or writable",
                "copies with --copy. Only missing or different files are written; a damaged file is refused."})
final class DataCheckoutCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version to materialise.")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR", description = "The target folder (created when missing).")
    Path dir;

    @Option(names = "--copy", description = "Independent, writable copies instead of read-only hard links.")
    boolean copy;

    @Override
    public Integer call() {
        CheckoutResult result;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            result = data.checkout(ref, dir, copy);
        }
        new Output(spec.commandLine()).text(DataResults.checkoutText(result));
        return 0;
    }
}
