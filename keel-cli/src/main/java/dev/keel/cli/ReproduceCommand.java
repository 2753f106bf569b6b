package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.reproduce.EnvDiffText;
import dev.keel.cli.reproduce.MetricComparison;
import dev.keel.cli.reproduce.PhaseTrace;
import dev.keel.cli.reproduce.ReproducePlan;
import dev.keel.cli.reproduce.Reproducer;
import dev.keel.cli.reproduce.Reproduction;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keel reproduce RUN}: re-runs a run from its recorded inputs and says whether it came out the same. */
@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description = {
            "Re-runs a run from what it recorded and compares: clones its repository (git clone --shared) at the "
                    + "recorded commit into a fresh folder, applies its uncommitted diff, pins the dataset versions it "
                    + "used, restores its recorded environment variables (thread counts…), and starts its recorded "
                    + "command as a new run with 'reproduces: RUN'. Then the verdict: identical (every metric point "
                    + "bitwise equal), within tolerance (--rtol), or diverged at step N (the first metric that "
                    + "differs, both values), followed by every environment difference between the two runs.",
            "Exit codes: 0 identical or within tolerance, 3 diverged, 1 error or a program that failed, "
                    + "2 refused (no git, missing commit or dataset version…)."
        })
final class ReproduceCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id, a unique prefix of it, or its name.")
    String runId;

    @Option(
            names = "--dry-run",
            description = "Print the plan (folder, commit, diff, datasets, command, environment) and change nothing.")
    boolean dryRun;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description =
                    "Ask the program to stop once it logs step N (run.shouldStop() turns true) and compare steps 0 to N only.")
    Long steps;

    @Option(
            names = "--rtol",
            paramLabel = "X",
            description = "Also accept values within this relative difference (verdict 'within tolerance').")
    Double rtol;

    @Option(
            names = "--strict",
            description =
                    "Refuse to run when the class path's dependency versions differ from the recorded ones (default: warn and run).")
    boolean strict;

    @Option(
            names = "--workdir",
            paramLabel = "DIR",
            description = "The folder to clone into (new or empty; default: a new folder in the system's temp folder).")
    Path workdir;

    @Option(names = "--keep", description = "Keep the work folder afterwards (it is removed by default).")
    boolean keep;

    @Option(
            names = "--repo",
            paramLabel = "DIR",
            description = "The repository to clone from, when the one the run recorded has moved.")
    Path repo;

    @Option(
            names = "--build",
            paramLabel = "COMMAND",
            description = "A shell command run in the work folder before the program, e.g. 'mvn -o -q compile' when the"
                    + " recorded class path holds the repository's build output.")
    String build;

    @Option(
            names = "--rebuild",
            description = "Build the work folder (with --build) even where the original repository's build output"
                    + " is up to date with the run's commit and diff and could be used instead.")
    boolean rebuild;

    @Option(
            names = "--env",
            paramLabel = "NAME=VALUE",
            description = "Set a variable differently from the original run (repeatable), e.g. --env OMP_NUM_THREADS=4"
                    + " to see whether a thread count changes the results.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    /** The environment the program's own is derived from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        PhaseTrace trace = Main.startedAsProgram() ? PhaseTrace.sinceProcessStart() : new PhaseTrace();
        if (steps != null && steps < 0) {
            throw KeelException.invalid("--steps " + steps + ": give a step number, 0 or more");
        }
        if (rtol != null && !(rtol >= 0)) {
            throw KeelException.invalid("--rtol " + rtol + ": give a relative tolerance, 0 or more (e.g. 1e-6)");
        }
        StoreAccess access = home.access();
        if (access.remote()) {
            throw KeelException.invalid("keel reproduce works on a local Keel folder (the program records there); "
                    + "unset KEEL_URL, or pull the run's datasets and reproduce where its repository is");
        }
        Output output = new Output(spec.commandLine());
        PrintWriter err = spec.commandLine().getErr();
        ReproducePlan plan;
        List<String> recordedDependencies;
        try (Store store = access.openExisting();
                Datasets data = new DataAccess(access).openIfExists().orElse(null)) {
            LiveRuns live = new LiveRuns(access.home());
            RunInfo run = live.effective(RunLookup.find(store, runId, access.where()));
            Map<String, Object> provenance = store.provenance(run.id());
            plan = Reproduction.plan(
                    access.home(),
                    store,
                    data,
                    new LocalBlobStore(access.home().blobs()),
                    run,
                    provenance,
                    new Reproduction.Options(workdir, repo, steps, build, rebuild, overrides),
                    environment);
            recordedDependencies = provenance.get("dependencies") instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList()
                    : null;
        }
        trace.lap("plan");
        if (dryRun) {
            output.text(plan.text());
            output.note("keel: --dry-run: nothing was cloned, run or recorded");
            return 0;
        }
        err.print(plan.text());
        err.flush();
        Reproducer.Report report = new Reproducer(
                        access::openExisting,
                        () -> new DataAccess(access).openIfExists().orElse(null),
                        err)
                .run(plan, recordedDependencies, strict, keep, rtol, format == Format.json, trace);
        if (format == Format.json) {
            output.json(report.toMap());
        } else {
            StringBuilder out = new StringBuilder();
            out.append("reproduction ")
                    .append(report.reproduction())
                    .append(" of ")
                    .append(report.original())
                    .append(": ")
                    .append(report.verdict().text(report.original(), report.reproduction()))
                    .append('\n');
            if (report.exitCode() != 0) {
                out.append("the program exited with code ")
                        .append(report.exitCode())
                        .append('\n');
            }
            out.append("environment differences (")
                    .append(report.original())
                    .append(" → ")
                    .append(report.reproduction())
                    .append("):\n");
            out.append(EnvDiffText.lines(report.environment()));
            if (report.kept()) {
                out.append("work folder kept: ").append(report.workFolder()).append('\n');
            }
            output.text(out.toString());
        }
        if (!Main.startedAsProgram() || !report.removal().outlivesProcess()) {
            // in-process callers (tests) find the work folder gone when the command returns; the
            // program leaves an rm of its own to finish after the verdict is out
            report.removal().done().join();
        }
        output.note("keel: overhead: prepared in " + report.prepareMs() + " ms, compared in " + report.compareMs()
                + " ms; the program ran " + report.programMs() + " ms (phases, ms: " + trace.text() + ")");
        if (report.exitCode() != 0) {
            return 1;
        }
        return report.verdict().kind() == MetricComparison.Kind.DIVERGED ? 3 : 0;
    }
}
