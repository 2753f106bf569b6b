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

/** {@code keel data pull REF [URL]}. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Fetches a version from a Keel server into this Keel folder: only the files and chunks missing"
                + " here, each verified. Safe to rerun: an interrupted pull resumes, a finished one fetches nothing.",
                "REF names the version as the server knows it; here it gets this folder's next number (same hash).",
                "The API key comes from KEEL_API_KEY, else from ~/.keel/credentials.json ('keel login')."})
final class DataPullCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version to fetch (NAME fetches the latest).")
    String ref;

    @Parameters(index = "1", paramLabel = "URL", arity = "0..1", description = "The server (default: $KEEL_URL).")
    String url;

    @Override
    public Integer call() {
        ServerTarget target = ServerTarget.resolve(url);
        TransferResult r;
        try (Datasets data = new DataAccess(home.access()).openForWriting()) {
            r = data.pull(ref, DataRemote.connect(target.url(), target.apiKey()));
        }
        new Output(spec.commandLine()).text(r.summary("fetched") + " <- " + target.url() + "\n");
        return 0;
    }
}
