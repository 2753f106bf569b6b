package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.core.data.DatasetVersion;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel data tag REF TAG}. */
@Command(
        name = "tag",
        mixinStandardHelpOptions = true,
        description = "Points TAG (e.g. prod) at the version REF names; moves the tag when it pointed elsewhere.")
final class DataTagCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version to tag.")
    String ref;

    @Parameters(index = "1", paramLabel = "TAG", description = "The tag; then NAME:TAG names this version.")
    String tag;

    @Override
    public Integer call() {
        DatasetVersion v;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            v = data.resolve(ref);
            data.tag(v.ref(), tag);
        }
        new Output(spec.commandLine()).text(v.dataset() + ":" + tag + " -> " + v.ref() + " (" + v.shortHash() + ")\n");
        return 0;
    }
}
