package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel sweep …}: create, list, show and steer hyperparameter sweeps ({@link CommandTree} adds the subcommands). */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {
            "Creates, lists, shows and steers hyperparameter sweeps; 'keel agent SWEEP' runs their trials.",
            "A sweep lives in the store: the embedded one, or the server's with KEEL_URL, so agents on many",
            "machines can share it."
        })
final class SweepCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
