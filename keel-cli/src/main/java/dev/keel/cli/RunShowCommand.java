package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.LiveRuns;
import dev.keel.cli.access.RunLookup;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.view.RunDetails;
import dev.keel.cli.view.SummaryNotes;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keel run show ID}. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description =
                "Shows a run: state, runtime, config, summary, provenance, dataset inputs, files and metric keys.")
final class RunShowCommand implements Callable<Integer>, QuickCommands.Quick {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id, a unique prefix of it, or its name.")
    String runId;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--full", description = "Print the command's whole class path and its argument list too.")
    boolean full;

    @Override
    public Integer call() {
        return run(new Output(spec.commandLine()));
    }

    @Override
    public int run(Output output) {
        StoreAccess access = home.access();
        RunDetails details;
        try (Store store = access.openExisting()) {
            LiveRuns live = new LiveRuns(access.home());
            live.recover(store);
            RunInfo run =
                    live.effective(RunLookup.find(store, runId, access.home().toString()));
            List<String> metricKeys = store.metricKeys(run.id());
            details = new RunDetails(
                    run,
                    store.provenance(run.id()),
                    store.files(run.id()),
                    metricKeys,
                    inputs(access, run.id(), output),
                    format == Format.json ? Map.of() : summaryNotes(store, run, metricKeys));
        }
        long now = System.currentTimeMillis();
        if (format == Format.json) {
            output.json(details.json(now));
        } else {
            output.text(details.text(now, full));
        }
        return 0;
    }

    /** For each summary value that is also a logged metric but not its last value: where it came from. */
    private static Map<String, String> summaryNotes(Store store, RunInfo run, List<String> metricKeys) {
        Map<String, String> notes = new HashMap<>();
        for (Map.Entry<String, Object> e : run.summary().entrySet()) {
            if (metricKeys.contains(e.getKey())) {
                SummaryNotes.of(e.getValue(), store.history(run.id(), e.getKey()))
                        .ifPresent(note -> notes.put(e.getKey(), note));
            }
        }
        return notes;
    }

    private static List<RunInput> inputs(StoreAccess access, String runId, Output output) {
        if (access.remote()) { // dataset lineage is local until datasets live on the server
            return List.of();
        }
        try (Datasets data = new DataAccess(access).openExisting()) {
            return data.inputsOf(runId);
        } catch (KeelException e) {
            if (e.code() != KeelException.ErrorCode.STORAGE_FAILURE) {
                throw e;
            }
            // e.g. a full disk where the dataset tables were never made: the run is still shown
            output.note("dataset inputs not shown: " + e.getMessage());
            return List.of();
        }
    }
}
