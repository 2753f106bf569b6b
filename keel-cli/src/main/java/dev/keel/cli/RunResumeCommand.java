package dev.keel.cli;

import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.ResumePlan;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code keel run resume ID}: starts a crashed, killed or failed run's command again, continuing the run. */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = {
            "Continues a crashed, killed or failed run under the same id: starts the command it recorded "
                    + "again, in the same folder, with KEEL_RESUME=<id>, so its Keel.init continues the run "
                    + "(metrics continue at the next step; a program that saves checkpoints loads its last one).",
            "Exits with the program's exit code."
        })
final class RunResumeCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id, a unique prefix of it, or its name.")
    String runId;

    @Option(names = "--dry-run", description = "Print the command that would be started, and stop.")
    boolean dryRun;

    @Option(names = "--verbose", description = "Also print the whole command that is started (class path included).")
    boolean verbose;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StoreAccess access = home.access();
        ResumePlan plan;
        long step;
        try (Store store = access.openExisting()) {
            LiveRuns live = new LiveRuns(access.home());
            live.recover(store);
            RunInfo run =
                    live.effective(RunLookup.find(store, runId, access.home().toString()));
            plan = ResumePlan.of(access.home(), run, store.provenance(run.id()));
            step = ResumePlan.nextStep(store, run.id());
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("keel: resuming run " + plan.runId() + (step > 0 ? " from step " + step : "") + " in "
                + plan.workingDir() + ": " + plan.shortCommand()
                + (verbose || dryRun ? "" : "  (--verbose shows the whole command)"));
        if (verbose && !dryRun) {
            err.println(String.join(" ", plan.command()));
        }
        err.flush();
        if (dryRun) {
            spec.commandLine().getOut().println(String.join(" ", plan.command()));
            spec.commandLine().getOut().flush();
            return 0;
        }
        ProcessBuilder pb = new ProcessBuilder(plan.command())
                .directory(plan.workingDir().toFile())
                .inheritIO();
        pb.environment().putAll(plan.environment());
        return pb.start().waitFor();
    }
}
