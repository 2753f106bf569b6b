package dev.keel.cli;

import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.core.ConsoleLine;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keel run logs ID}: the console lines the run printed. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = "Prints the console lines (stdout and stderr) a run printed, in order.")
final class RunLogsCommand implements Callable<Integer> {
    /** Lines read from the store per round trip, so a huge console never sits in memory at once. */
    private static final int PAGE = 10_000;

    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id, a unique prefix of it, or its name.")
    String runId;

    @Option(names = "--stream", paramLabel = "out|err", description = "Only this stream's lines.")
    String stream;

    @Option(names = "--prefix", description = "Start each line with its stream (out/err).")
    boolean prefix;

    @Override
    public Integer call() {
        StoreAccess access = home.access();
        PrintWriter out = spec.commandLine().getOut();
        try (Store store = access.openExisting()) {
            RunInfo run = RunLookup.find(store, runId, access.home().toString());
            long from = 0;
            while (true) {
                List<ConsoleLine> lines = store.console(run.id(), from, PAGE);
                for (ConsoleLine line : lines) {
                    if (stream == null || stream.equals(line.stream())) {
                        out.println(prefix ? line.stream() + " | " + line.text() : line.text());
                    }
                    from = line.seq() + 1;
                }
                if (lines.size() < PAGE) {
                    break;
                }
            }
        }
        out.flush();
        return 0;
    }
}
