package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.flow.FlowRun;
import dev.keel.cli.flow.ProjectDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keel repro [STAGE]}: runs the stale stages of the project's flow. */
@Command(
        name = "repro",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the stages of the flow keel.yaml declares that are stale by content, in dependency order, each as a"
                    + " tracked run tagged with its stage; prints for each stage why it runs or is skipped.",
            "A stage is stale when the hash of an input or output, a dataset version, a param's value or its command"
                    + " differs from what keel.lock recorded, an output is missing, or a stage it runs after ran.",
            "A failing stage stops the stages after it; keel.lock keeps the entries of those that ran through."
        })
final class FlowReproCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "STAGE",
            description = "Only this stage (or group) and the stages it needs (default: every stage).")
    String stage;

    @Option(names = "--dry-run", description = "Print what would run and why; run nothing, write nothing.")
    boolean dryRun;

    @Option(
            names = "--force",
            paramLabel = "STAGE",
            description = "Run this stage (or every stage of this group) even when it is up to date; repeatable.")
    List<String> force = new ArrayList<>();

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "The project folder (default: the nearest folder holding keel.yaml, walking up).")
    Path dir;

    @Override
    public Integer call() throws InterruptedException {
        Path root = ProjectDir.find(dir);
        StoreAccess access = home.home == null && dir != null ? StoreAccess.of(root.resolve(".keel")) : home.access();
        PrintWriter out = spec.commandLine().getOut();
        new FlowRun(root, access).repro(stage, new LinkedHashSet<>(force), dryRun, out);
        return 0;
    }
}
