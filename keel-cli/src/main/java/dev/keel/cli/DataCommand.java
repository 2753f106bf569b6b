package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keel data …}: versioned datasets (subcommands added by {@link CommandTree}). */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = {
            "Versions datasets: immutable, content-addressed versions of a file or folder.",
            "REF is NAME (the latest version), NAME:latest, NAME:v3, NAME:TAG or NAME@HASH_PREFIX."
        },
        footer = {
            "%nExamples:",
            "  keel data add fashion-mnist export/ -m 'first export'",
            "  keel data diff fashion-mnist:v1 fashion-mnist:latest --stat",
            "  keel data checkout fashion-mnist:prod work/data",
            "  keel data push fashion-mnist:v2 http://keel.example:7080",
            "  KEEL_URL=http://keel.example:7080 keel data pull fashion-mnist:prod"
        })
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
