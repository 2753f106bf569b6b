package dev.keel.cli;

import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.core.ByteSizes;
import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.home.Sync;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keel sync}: uploads locally recorded runs (offline mode, cut-short uploads) to a server. */
@Command(
        name = "sync",
        mixinStandardHelpOptions = true,
        description = {
            "Uploads runs recorded in the local .keel folder to the Keel server at KEEL_URL (or --url):",
            "runs logged with KEEL_MODE=offline, and remote runs whose upload did not finish.",
            "Each run is sent from where the server stopped, so running it again sends nothing new and",
            "an interrupted sync resumes. Without RUN_IDs, every run in the folder is synced."
        },
        footer = {
            "%nExamples:",
            "  KEEL_URL=http://keel.example:7080 keel sync",
            "  keel sync 6v8m5w0s --url http://127.0.0.1:7080"
        })
final class SyncCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", arity = "0..*", description = "Runs to sync (ids, unique prefixes or names).")
    List<String> runIds = new ArrayList<>();

    @Option(names = "--url", paramLabel = "URL", description = "The server (default: $KEEL_URL).")
    String url;

    @Override
    public Integer call() {
        String server = url != null
                ? url
                : System.getenv("KEEL_URL") != null ? System.getenv("KEEL_URL") : System.getProperty("keel.url");
        if (server == null || server.isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "no server to sync to: set KEEL_URL=http://HOST:PORT or pass --url");
        }
        StoreAccess access = new StoreAccess(home.access().home());
        PrintWriter out = spec.commandLine().getOut();
        Optional<Store> maybeLocal = access.openLocalIfExists();
        try (Store local = maybeLocal.orElse(null);
                Store remote = Stores.open(server.trim())) {
            List<String> ids = new ArrayList<>();
            if (local != null) {
                new LiveRuns(access.home()).recover(local); // vanished runs are sent as crashed
                for (String r : runIds) {
                    ids.add(RunLookup.find(local, r, access.home().toString()).id());
                }
            } else if (!runIds.isEmpty()) {
                ids.addAll(runIds);
            }
            List<Sync.Outcome> outcomes = Sync.run(access.home(), local, remote, ids);
            int failed = 0;
            for (Sync.Outcome o : outcomes) {
                if (o.problem() != null && !o.complete()) {
                    failed++;
                    out.println(o.runId() + "  not synced: " + o.problem());
                } else {
                    out.println(o.runId() + "  "
                            + (o.bytesSent() > 0 ? "uploaded " + ByteSizes.iec(o.bytesSent()) : "up to date")
                            + (o.problem() != null ? " (" + o.problem() + ")" : ""));
                }
            }
            if (outcomes.isEmpty()) {
                spec.commandLine().getErr().println("no runs in " + access.home() + " to sync");
            }
            if (failed > 0) {
                throw new KeelException(
                        KeelException.ErrorCode.TEMPORARILY_UNAVAILABLE,
                        failed + " of " + outcomes.size() + " runs were not synced; run 'keel sync' again to resume");
            }
            return 0;
        }
    }
}
