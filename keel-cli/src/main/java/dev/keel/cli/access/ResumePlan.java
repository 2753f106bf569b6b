package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How {@code keel run resume} continues a run: the command the run recorded in its provenance,
 * started again in the same folder with {@code KEEL_RESUME=<id>} and {@code KEEL_HOME} set, so
 * that the program's {@code Keel.init} continues the run instead of creating one.
 */
public record ResumePlan(String runId, List<String> command, Path workingDir, Map<String, String> environment) {

    public static ResumePlan of(KeelHome home, RunInfo run, Map<String, Object> provenance) {
        if (run.state() == RunState.RUNNING) {
            throw KeelException.invalid("cannot resume run " + run.id() + ": it is still running (pid " + run.pid()
                    + " on " + run.host() + ")");
        }
        if (run.state() == RunState.FINISHED) {
            throw KeelException.invalid("cannot resume run " + run.id() + ": it finished; start a new run instead");
        }
        if (run.state() == RunState.STOPPED) {
            throw KeelException.invalid("cannot resume run " + run.id() + ": its sweep stopped it early ("
                    + run.summary().getOrDefault(RunState.STOP_REASON_KEY, "no reason recorded")
                    + "); start a new run instead");
        }
        Object section = provenance.get("command");
        Object argv = section instanceof Map<?, ?> m ? m.get("argv") : null;
        Object dir = section instanceof Map<?, ?> m ? m.get("working_dir") : null;
        if (!(argv instanceof List<?> words) || words.isEmpty()) {
            throw KeelException.invalid("run " + run.id() + " recorded no command line to start again: resume it from "
                    + "its program with RunOptions.builder().resume(\"" + run.id() + "\") or KEEL_RESUME=" + run.id());
        }
        List<String> command = words.stream().map(String::valueOf).toList();
        if (command.contains("***")) {
            throw KeelException.invalid("run " + run.id() + "'s command line held a secret that Keel did not record ("
                    + "shown as ***): start it yourself with KEEL_RESUME=" + run.id() + " set");
        }
        Path wd = dir == null ? Path.of("").toAbsolutePath() : Path.of(dir.toString());
        if (!Files.isDirectory(wd)) {
            throw KeelException.invalid("run " + run.id() + " ran in " + wd + ", which no longer exists: "
                    + "start its program yourself with KEEL_RESUME=" + run.id() + " set");
        }
        return new ResumePlan(
                run.id(),
                command,
                wd,
                // thread counts of the math libraries fixed, as `keel demo` starts a training
                Map.of(
                        "KEEL_RESUME",
                        run.id(),
                        "KEEL_HOME",
                        home.root().toString(),
                        "MKL_DYNAMIC",
                        "FALSE",
                        "OMP_DYNAMIC",
                        "FALSE"));
    }

    /**
     * The command in a few words: the program, its class path as a count of entries, the main
     * class or jar and the arguments, without JVM options; e.g.
     * {@code java … (48 class path entries) dev.keel.examples.apparel.training.RunExperiment mlp}.
     */
    public String shortCommand() {
        String program = Path.of(command.get(0)).getFileName().toString();
        String classPath = null;
        boolean options = false;
        int i = 1;
        while (i < command.size()
                && command.get(i).startsWith("-")
                && !command.get(i).equals("-jar")) {
            String w = command.get(i);
            if (CLASS_PATH_OPTIONS.contains(w) && i + 1 < command.size()) {
                int n = command.get(i + 1).split(File.pathSeparator, -1).length;
                classPath = "(" + n + (n == 1 ? " class path entry)" : " class path entries)");
                i += 2;
            } else {
                options = true;
                i += OPTIONS_WITH_A_VALUE.contains(w) ? 2 : 1;
            }
        }
        List<String> words = new ArrayList<>();
        words.add(program);
        if (options || classPath != null) {
            words.add("…");
        }
        if (classPath != null) {
            words.add(classPath);
        }
        words.addAll(command.subList(Math.min(i, command.size()), command.size()));
        return String.join(" ", words);
    }

    /**
     * The step the resumed run's metrics continue at: one past the highest step it logged (system
     * metrics aside), as the SDK continues; 0 when it logged none.
     */
    public static long nextStep(Store store, String runId) {
        long max = -1;
        for (String key : store.metricKeys(runId)) {
            if (!key.startsWith("system/")) {
                MetricSeries s = store.history(runId, key);
                for (int i = 0; i < s.size(); i++) {
                    max = Math.max(max, s.steps()[i]);
                }
            }
        }
        return max + 1;
    }

    private static final Set<String> CLASS_PATH_OPTIONS = Set.of("-cp", "-classpath", "--class-path");
    private static final Set<String> OPTIONS_WITH_A_VALUE = Set.of(
            "--add-opens",
            "--add-exports",
            "--add-reads",
            "--add-modules",
            "--module-path",
            "-p",
            "--patch-module",
            "--limit-modules",
            "--upgrade-module-path");
}
