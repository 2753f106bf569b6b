package dev.keel.cli;

import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.RunRemoval;
import dev.keel.cli.access.StoreAccess;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code keel run rm ID}: deletes a run after asking. */
@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes a run: its metrics, console, file list and event log.",
            "Blobs its files used stay until a blob clean-up. A running run cannot be deleted."
        })
final class RunRmCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id or a unique prefix of it.")
    String runId;

    @Option(
            names = {"-y", "--yes"},
            description = "Delete without asking.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        StoreAccess access = home.access();
        PrintWriter err = spec.commandLine().getErr();
        try (Store store = access.openExisting()) {
            LiveRuns live = new LiveRuns(access.home());
            live.recover(store);
            RunInfo run =
                    live.effective(RunLookup.find(store, runId, access.home().toString()));
            if (run.state() == RunState.RUNNING || run.state() == RunState.UNREACHABLE) {
                throw KeelException.invalid("run " + run.id() + " (" + run.name() + ") is still running (pid "
                        + run.pid() + " on " + run.host() + "): stop it first, then delete it");
            }
            if (!yes) {
                err.print("Delete run " + run.id() + " (" + run.name() + ", "
                        + run.state().label() + ") and everything recorded with it? [y/N] ");
                err.flush();
                BufferedReader in = ((KeelCommand) spec.root().userObject()).in;
                String answer = in.readLine();
                if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    err.println("not deleted"
                            + (answer == null ? " (no answer; pass --yes to delete without asking)" : ""));
                    return Errors.ERROR;
                }
            }
            RunRemoval.remove(store, access.home(), run.id());
            err.println("deleted run " + run.id() + " (" + run.name() + ")");
        }
        return 0;
    }
}
