package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel run …}: one run's details, console, metric history, removal ({@link CommandTree} adds them). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Shows, reads, resumes or removes one run. RUN_ID may be a unique prefix of the id, or the run's name.")
final class RunCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
