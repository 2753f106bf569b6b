package dev.keel.cli.reproduce;

import dev.keel.core.data.RunInput;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code keel reproduce} will do, decided before anything is touched (what
 * {@code --dry-run} prints).
 *
 * @param original     the run reproduced
 * @param newRunId     the id the reproduction's run gets ({@code KEEL_RUN_ID})
 * @param repository   the repository the run came from, and {@code repositorySource} how it was found
 * @param commit       the commit the run started from
 * @param diff         the run's uncommitted diff (its saved {@code diff.patch}), null when clean
 * @param workFolder   the fresh folder the clone goes to; {@code workingDir} the folder inside it the
 *                     program starts in (the recorded one, moved into the clone)
 * @param command      the recorded command, paths into the repository moved into the clone
 * @param environment  variables set for the program; {@code unset} those removed from it
 * @param datasets     the dataset versions the run used, pinned through {@code KEEL_REPRODUCE_DATASETS}
 * @param build        a shell command run in the work folder before the program, or null
 * @param reuseBuild   whether the original repository's build output may stand in for building
 *                     the work folder ({@link BuildOutputs})
 * @param steps        the last step compared ({@code Long.MAX_VALUE}: all)
 */
public record ReproducePlan(
        String original,
        String newRunId,
        Path repository,
        String repositorySource,
        String commit,
        String diff,
        Path workFolder,
        boolean workFolderGiven,
        Path workingDir,
        List<String> command,
        Map<String, String> environment,
        Set<String> unset,
        List<RunInput> datasets,
        String build,
        boolean reuseBuild,
        long steps) {

    /** The same plan starting {@code newCommand}, with no build to run when {@code build} is null. */
    ReproducePlan with(List<String> newCommand, String newBuild) {
        return new ReproducePlan(
                original,
                newRunId,
                repository,
                repositorySource,
                commit,
                diff,
                workFolder,
                workFolderGiven,
                workingDir,
                List.copyOf(newCommand),
                environment,
                unset,
                datasets,
                newBuild,
                reuseBuild,
                steps);
    }

    /** The plan as text, for {@code --dry-run} and the start of a reproduction. */
    public String text() {
        StringBuilder out = new StringBuilder();
        line(out, "reproduces", original + " as new run " + newRunId);
        line(out, "repository", repository + " (" + repositorySource + ")");
        line(out, "work folder", workFolder + " (a git clone --shared of the repository: the original is not touched)");
        line(out, "commit", commit);
        line(
                out,
                "diff applied",
                diff == null
                        ? "none (the run's tree was clean)"
                        : diff.lines().count() + " lines of " + "the run's uncommitted changes (its diff.patch)");
        if (build != null) {
            line(out, "build", build + (reuseBuild ? " (skipped when the original's build output can be reused)" : ""));
        }
        if (reuseBuild) {
            line(
                    out,
                    "build output",
                    "the original repository's, where its sources are this commit and diff and it "
                            + "is newer than them (--rebuild: never)");
        }
        line(out, "runs in", workingDir.toString());
        line(out, "command", String.join(" ", command));
        Map<String, String> env = new LinkedHashMap<>(environment);
        line(out, "environment", env.isEmpty() ? "(none set)" : "");
        env.forEach((k, v) -> out.append("    ").append(k).append('=').append(v).append('\n'));
        if (!unset.isEmpty()) {
            line(out, "unset", String.join(" ", unset) + " (the original run had none of them)");
        }
        line(out, "datasets", datasets.isEmpty() ? "none" : "");
        for (RunInput in : datasets) {
            out.append("    ").append(in.ref()).append(" (").append(in.hash()).append(")\n");
        }
        line(out, "steps compared", steps == Long.MAX_VALUE ? "all" : "0 to " + steps);
        line(out, "dependencies", "checked against the recorded list once the clone is ready");
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-15s %s", label + ":", value).stripTrailing())
                .append('\n');
    }
}
