package dev.keel.cli;

import dev.keel.cli.access.SweepAccess;
import dev.keel.cli.view.SweepView;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
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

/** {@code keel sweep show SWEEP}: one sweep's standing and its trials, best first. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Shows a sweep and its trials, sorted by the metric, best first.",
            "First the sweep's state, method, metric, the best trial so far and the trial counts by state;",
            "then the trials table. Trials that cannot be best (running, failed, killed, crashed, without",
            "the metric) follow by number."
        })
final class SweepShowCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep's id (or a unique prefix, or its name).")
    String ref;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (format == Format.csv) {
            throw KeelException.invalid("keel sweep show prints table or json: use --format table or --format json");
        }
        Output output = new Output(spec.commandLine());
        SweepView view;
        try (Store store = home.access().openExisting()) {
            Sweep sweep = SweepAccess.find(store.sweeps(), ref);
            List<Trial> trials = store.sweeps().trials(sweep.id());
            Map<String, String> names = new HashMap<>();
            for (Trial t : trials) {
                if (t.runId() != null) {
                    store.run(t.runId()).map(RunInfo::name).ifPresent(n -> names.put(t.runId(), n));
                }
            }
            view = new SweepView(sweep, trials, names);
        }
        long now = System.currentTimeMillis();
        if (format == Format.json) {
            output.json(view.json(now));
        } else {
            output.text(view.header() + "\n");
            output.table(view.trialsTable(now), Format.table);
        }
        return 0;
    }
}
