package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.ServerTarget;
import dev.keel.data.DataRemote;
import dev.keel.data.Datasets;
import dev.keel.data.TransferResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel data push REF [URL]}. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Sends a version to a Keel server: only the files and chunks the server lacks for the dataset,"
                + " then the version itself. Safe to rerun: an interrupted push resumes, a finished one sends nothing.",
                "The API key comes from KEEL_API_KEY, else from ~/.keel/credentials.json ('keel login')."})
final class DataPushCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version to send (NAME sends the latest).")
    String ref;

    @Parameters(index = "1", paramLabel = "URL", arity = "0..1", description = "The server (default: $KEEL_URL).")
    String url;

    @Override
    public Integer call() {
        ServerTarget target = ServerTarget.resolve(url);
        TransferResult r;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            r = data.push(ref, DataRemote.connect(target.url(), target.apiKey()));
        }
        new Output(spec.commandLine()).text(r.summary("sent") + " -> " + target.url() + "\n");
        return 0;
    }
}
