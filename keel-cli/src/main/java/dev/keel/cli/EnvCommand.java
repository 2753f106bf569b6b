package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel env …}: what runs ran on. */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description =
                "Compares the environments runs recorded (JVM, OS, machine, threads, dependencies, data, config).",
        subcommands = EnvDiffCommand.class)
final class EnvCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
