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

/** {@code keel data push|pull REF [URL]}: one transfer between this folder and a server, in either direction. */
abstract class DataTransferCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version (NAME means the latest).")
    String ref;

    @Parameters(index = "1", paramLabel = "URL", arity = "0..1", description = "The server (default: $KEEL_URL).")
    String url;

    /** Opens this folder's datasets as the direction needs them. */
    abstract Datasets open(DataAccess access);

    abstract TransferResult transfer(Datasets data, DataRemote server);

    /** How the summary line reads: the verb and the arrow towards the server or from it. */
    abstract String summary(TransferResult r, String server);

    @Override
    public Integer call() {
        ServerTarget target = ServerTarget.resolve(url);
        TransferResult r;
        try (Datasets data = open(new DataAccess(home.access()))) {
            r = transfer(data, DataRemote.connect(target.url(), target.apiKey()));
        }
        new Output(spec.commandLine()).text(summary(r, target.url()) + "\n");
        return 0;
    }

    @Command(
            name = "push",
            mixinStandardHelpOptions = true,
            description = {
                "Sends a version to a Keel server: only the files and chunks the server lacks for the dataset,"
                        + " then the version itself. Safe to rerun: an interrupted push resumes, a finished one sends nothing.",
                "The API key comes from KEEL_API_KEY, else from ~/.keel/credentials.json ('keel login')."
            })
    static final class Push extends DataTransferCommand {
        @Override
        Datasets open(DataAccess access) {
            return access.openExisting();
        }

        @Override
        TransferResult transfer(Datasets data, DataRemote server) {
            return data.push(ref, server);
        }

        @Override
        String summary(TransferResult r, String server) {
            return r.summary("sent") + " -> " + server;
        }
    }

    @Command(
            name = "pull",
            mixinStandardHelpOptions = true,
            description = {
                "Fetches a version from a Keel server into this Keel folder: only the files and chunks missing"
                        + " here, each verified. Safe to rerun: an interrupted pull resumes, a finished one fetches nothing.",
                "REF names the version as the server knows it; here it gets this folder's next number (same hash).",
                "The API key comes from KEEL_API_KEY, else from ~/.keel/credentials.json ('keel login')."
            })
    static final class Pull extends DataTransferCommand {
        @Override
        Datasets open(DataAccess access) {
            return access.openForWriting();
        }

        @Override
        TransferResult transfer(Datasets data, DataRemote server) {
            return data.pull(ref, server);
        }

        @Override
        String summary(TransferResult r, String server) {
            return r.summary("fetched") + " <- " + server;
        }
    }
}
