package dev.keel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;

/** The root {@code keel} command: lists the subcommands ({@link CommandTree} adds them). */
@Command(
        name = "keel",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Keel: tracked, reproducible machine learning on the JVM.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (unknown run, unreadable store…)", "2:usage error (bad option or filter)"
        })
final class KeelCommand implements Runnable {
    final BufferedReader in;

    @Spec
    CommandSpec spec;

    KeelCommand(BufferedReader in) {
        this.in = in;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
