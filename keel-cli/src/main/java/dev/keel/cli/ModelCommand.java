package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel model …}: the model registry (subcommands added by {@link CommandTree}). */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = {
            "Registers models: immutable versions of a run's files, with their lineage, and aliases that point at"
                    + " versions.",
            "REF is NAME:vN (a version), NAME@ALIAS (the version an alias points at) or NAME (the latest)."
        },
        footer = {
            "%nExamples:",
            "  keel model register apparel-classifier --run 6v8m5w0s --checkpoint best -m 'mlp, 20 epochs'",
            "  keel model alias apparel-classifier@production v3 --require 'test_accuracy >= 0.88'",
            "  keel model pull apparel-classifier@production weights/"
        })
final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
