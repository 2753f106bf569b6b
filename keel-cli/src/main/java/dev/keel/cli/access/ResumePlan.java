package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        return new ResumePlan(run.id(), command, wd, Map.of("KEEL_RESUME", run.id(), "KEEL_HOME", home.root().toString()));
    }
}
