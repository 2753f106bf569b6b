package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.flow.FlowRun;
import dev.keel.cli.flow.ProjectDir;
import dev.keel.flow.DagView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keel dag}: the project's flow as a tree, Mermaid or DOT. */
@Command(
        name = "dag",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the flow keel.yaml declares: each stage under the stages it runs after, with its command, the input"
                    + " that links it and its outputs; or the graph as Mermaid or Graphviz DOT."
        })
final class DagCommand implements Callable<Integer> {
    /** The views. */
    enum DagFormat {
        text,
        mermaid,
        dot
    }

    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (a tree), mermaid or dot (default: ${DEFAULT-VALUE}).")
    DagFormat format;

    @Option(
            names = "--record",
            description = "Also record the flow in the Keel store (as keel repro does), for the dashboard.")
    boolean record;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "The project folder (default: the nearest folder holding keel.yaml, walking up).")
    Path dir;

    @Override
    public Integer call() {
        Path root = ProjectDir.find(dir);
        FlowRun run = new FlowRun(
                root, home.home == null && dir != null ? StoreAccess.of(root.resolve(".keel")) : home.access());
        Output output = new Output(spec.commandLine());
        output.text(
                switch (format) {
                    case text -> DagView.text(run.flow());
                    case mermaid -> DagView.mermaid(run.flow());
                    case dot -> DagView.dot(run.flow());
                });
        if (record) {
            run.record();
            output.note("recorded the flow of project " + run.project() + " ("
                    + run.flow().order().size() + " stages) in the Keel store");
        }
        return 0;
    }
}
