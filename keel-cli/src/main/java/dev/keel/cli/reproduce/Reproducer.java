package dev.keel.cli.reproduce;

import dev.keel.cli.access.ResumePlan;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.provenance.EnvDiff;
import dev.keel.core.provenance.EnvDifference;
import dev.keel.core.provenance.RunEnvironment;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import dev.keel.home.ClassPathDependencies;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Carries out a {@link ReproducePlan}: clone, check out, apply the diff, (build,) check the
 * dependencies, run the program as a new run that {@code reproduces} the original, then compare
 * the two runs' metrics and environments. The original run is only read.
 */
public final class Reproducer {
    /** Provenance key of a reproduction: the id of the run it reproduces. */
    public static final String REPRODUCES = ReproductionRecord.REPRODUCES;

    /** What came out, and how long each part took (ms). */
    public record Report(
            String original,
            String reproduction,
            int exitCode,
            MetricComparison.Verdict verdict,
            EnvDiff.Result environment,
            List<String> dependencyWarnings,
            long prepareMs,
            long programMs,
            long compareMs,
            Map<String, Long> phases,
            Path workFolder,
            boolean kept,
            Removal removal) {

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("original", original);
            m.put("reproduction", reproduction);
            m.put("exit_code", exitCode);
            m.putAll(verdict.toMap());
            m.put("environment", environment.toMap());
            m.put("dependency_warnings", dependencyWarnings);
            m.put("prepare_ms", prepareMs);
            m.put("program_ms", programMs);
            m.put("compare_ms", compareMs);
            m.put("phases_ms", phases);
            m.put("work_folder", kept ? workFolder.toString() : null);
            return m;
        }
    }

    /** The phases {@code prepare_ms} sums: from the clone up to starting the program. */
    static final String[] PREPARE = {"worktree", "diff_apply", "build_check", "build", "dependency_check"};

    /** The phases {@code compare_ms} sums: everything after the program ended. */
    static final String[] AFTER = {"cleanup", "open_store", "compare", "environment", "verdict_store"};

    private final Supplier<Store> stores;
    private final Supplier<Datasets> datasets;
    private final PrintWriter err;

    /** {@code stores} and {@code datasets} open the Keel home anew (the program writes to it while it runs). */
    public Reproducer(Supplier<Store> stores, Supplier<Datasets> datasets, PrintWriter err) {
        this.stores = stores;
        this.datasets = datasets;
        this.err = err;
    }

    /**
     * {@code programOutputToStderr}: the program's standard output goes to this process's standard
     * error, so that a {@code --format json} answer is alone on standard output.
     */
    public Report run(
            ReproducePlan planned,
            List<String> recordedDependencies,
            boolean strict,
            boolean keep,
            Double rtol,
            boolean programOutputToStderr,
            PhaseTrace trace)
            throws InterruptedException {
        trace.skip();
        List<String> warnings;
        ReproducePlan plan;
        try {
            plan = prepare(planned, trace);
            warnings = dependencyDifferences(recordedDependencies, plan.command());
            trace.lap("dependency_check");
            if (!warnings.isEmpty()) {
                if (strict) {
                    throw KeelException.invalid("not reproducing run " + plan.original() + " (--strict): the rebuilt "
                            + "class path's dependencies differ from the ones it recorded: "
                            + String.join("; ", warnings)
                            + ". Restore those versions, or leave out --strict to run anyway and see the effect");
                }
                warnings.forEach(w -> err.println("keel: warning: dependency differs from the original run: " + w));
            }
        } catch (RuntimeException e) {
            if (!keep) {
                delete(planned.workFolder(), planned.workFolderGiven());
            }
            throw e;
        }
        String shortCommand =
                new ResumePlan(plan.newRunId(), plan.command(), plan.workingDir(), Map.of()).shortCommand();
        err.println("keel: running " + shortCommand + "  (in " + plan.workingDir() + ")");
        err.flush();
        trace.skip();
        long started = System.currentTimeMillis();
        int exit = start(plan, programOutputToStderr);
        trace.lap("program");
        Removal removal = keep
                ? new Removal(CompletableFuture.completedFuture(null), false)
                : removeInBackground(plan.workFolder(), plan.workFolderGiven());
        trace.lap("cleanup");
        try (Store store = stores.get();
                Datasets data = datasets.get()) {
            trace.lap("open_store");
            RunInfo copy = store.run(plan.newRunId())
                    .orElseThrow(() -> KeelException.notFound("the program ended (exit code " + exit + ") without "
                            + "creating run " + plan.newRunId() + " in this Keel home: it must call Keel.init without "
                            + "an explicit home (keel reproduce sets KEEL_HOME and KEEL_RUN_ID)"));
            RunInfo original = store.run(plan.original()).orElseThrow();
            // the program's own start (JVM, class loading) up to Keel.init, within its time
            trace.add("program_start", Math.min(copy.createdAt() - started, trace.sum("program")));
            MetricComparison.Verdict verdict =
                    MetricComparison.compare(store, plan.original(), copy.id(), plan.steps(), rtol);
            trace.lap("compare");
            RunEnvironment a = RunEnvironments.of(store, data, original);
            RunEnvironment b = RunEnvironments.of(store, data, copy);
            EnvDiff.Result env = EnvDiff.compare(a, b);
            trace.lap("environment");
            store.apply(copy.id(), ReproductionRecord.batch(copy, plan, exit, verdict, env, rtol));
            trace.lap("verdict_store");
            return new Report(
                    plan.original(),
                    copy.id(),
                    exit,
                    verdict,
                    env,
                    warnings,
                    trace.sum(PREPARE),
                    trace.sum("program"),
                    trace.sum(AFTER),
                    trace.phases(),
                    plan.workFolder(),
                    keep,
                    removal);
        }
    }

    /**
     * Clone, checkout, diff, build: the work folder as the run found its repository. The plan
     * comes back with the class path pointing at the original's build output where that can be
     * reused ({@link BuildOutputs}), and then without a build to run.
     */
    private ReproducePlan prepare(ReproducePlan plan, PhaseTrace trace) {
        Path wf = plan.workFolder();
        try {
            Files.createDirectories(wf.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Git.run(
                wf.getParent(),
                "clone",
                "--quiet",
                "--shared",
                "--no-checkout",
                plan.repository().toString(),
                wf.toString());
        Git.run(wf, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", plan.commit());
        trace.lap("worktree");
        if (plan.diff() != null) {
            Path patch = wf.resolve(".git").resolve("keel-run.patch");
            try {
                Files.writeString(patch, plan.diff());
                // --index: BuildOutputs compares the index (commit and diff) with the original's files
                Git.run(wf, "apply", "--index", "--whitespace=nowarn", patch.toString());
            } catch (Git.Failure e) {
                throw KeelException.invalid("cannot reproduce run " + plan.original() + ": its saved diff does not "
                        + "apply to commit " + plan.commit() + " (" + e.gitMessage + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        trace.lap("diff_apply");
        BuildOutputs.Decision outputs = plan.reuseBuild() ? BuildOutputs.decide(plan) : null;
        if (outputs != null && outputs.reuse()) {
            err.println("keel: reusing the original repository's build output (its sources are the run's commit and"
                    + " diff, and it is newer than them): "
                    + String.join(", ", outputs.reused().values())
                    + (plan.build() != null ? "; the build is skipped (--rebuild to run it)" : ""));
            plan = plan.with(BuildOutputs.command(plan.command(), outputs), null);
        } else if (outputs != null) {
            err.println("keel: building in the work folder: " + outputs.why()
                    + (plan.build() == null ? "; give the build command with --build" : ""));
        }
        trace.lap("build_check");
        if (plan.build() != null) {
            try {
                Process p = new ProcessBuilder("sh", "-c", plan.build())
                        .directory(wf.toFile())
                        .inheritIO()
                        .start();
                int code = p.waitFor();
                if (code != 0) {
                    throw KeelException.invalid("the build command '" + plan.build() + "' failed (exit code " + code
                            + ") in " + wf + "; keep the folder with --keep to look into it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KeelException.invalid("interrupted while building");
            }
            trace.lap("build");
        }
        return plan;
    }

    /** What the command's class path would record differently from {@code recorded}, one line each. */
    static List<String> dependencyDifferences(List<String> recorded, List<String> command) {
        String cp = Reproduction.classPath(command);
        if (recorded == null || cp == null) {
            return List.of();
        }
        Map<String, Object> was = Map.of("dependencies", recorded);
        Map<String, Object> now = Map.of("dependencies", ClassPathDependencies.of(cp));
        EnvDiff.Result d = EnvDiff.compare(
                new RunEnvironment("recorded", was, Map.of(), null, List.of()),
                new RunEnvironment("rebuilt", now, Map.of(), null, List.of()));
        List<String> out = new ArrayList<>();
        for (EnvDifference x : d.section("dependencies")) {
            out.add(x.key() + " " + (x.left() == null ? "(not recorded)" : x.left()) + " → "
                    + (x.right() == null ? "(absent)" : x.right()));
        }
        return out;
    }

    private int start(ReproducePlan plan, boolean outputToStderr) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(plan.command())
                .directory(plan.workingDir().toFile())
                .inheritIO();
        if (outputToStderr) {
            pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        }
        plan.unset().forEach(pb.environment()::remove);
        pb.environment().putAll(plan.environment());
        try {
            Process p = pb.start();
            if (outputToStderr) {
                p.getInputStream().transferTo(System.err);
            }
            return p.waitFor();
        } catch (IOException e) {
            throw KeelException.invalid(
                    "cannot start the recorded command " + plan.command().get(0) + " (" + e.getMessage()
                            + "): is that JVM still installed? Keep the folder with --keep and start it yourself");
        }
    }

    /**
     * Starts removing the work folder (a checkout of the whole repository and what the program
     * wrote there): a temporary folder goes to an {@code rm -rf} of its own, which does not hold
     * up the verdict and finishes even after this process has exited; a folder given with
     * --workdir is emptied (but kept) on a thread of this process. Where {@code rm} cannot be
     * started it is removed on that thread too.
     */
    static Removal removeInBackground(Path folder, boolean keepFolder) {
        if (!keepFolder && File.separatorChar == '/') {
            try {
                Process rm = new ProcessBuilder("rm", "-rf", "--", folder.toString())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                return new Removal(
                        rm.onExit().thenRun(() -> {
                            if (rm.exitValue() != 0) {
                                delete(folder, false);
                            }
                        }),
                        true);
            } catch (IOException e) {
                // no rm: removed below
            }
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    delete(folder, keepFolder);
                    done.complete(null);
                },
                "keel-reproduce-cleanup");
        t.setDaemon(false);
        t.start();
        return new Removal(done, false);
    }

    /**
     * The work folder's removal: {@code done} completes once it is gone; {@code outlivesProcess}
     * when it is a process of its own that finishes even if this one exits first.
     */
    public record Removal(CompletableFuture<Void> done, boolean outlivesProcess) {}

    /** Removes the work folder; a folder given with --workdir is emptied but kept. */
    static void delete(Path folder, boolean keepFolder) {
        if (!Files.exists(folder)) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (!keepFolder || !dir.equals(folder)) {
                        Files.delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover temporary folder is untidy, not wrong
        }
    }
}
