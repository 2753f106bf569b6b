package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.view.SweepView;
import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keel sweep ls}: the sweeps, newest first. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "Lists the sweeps, newest first, with their state, metric, best value and trial counts.")
final class SweepLsCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-p", "--project"},
            paramLabel = "P",
            description = "Only sweeps of this project.")
    String project;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (format == Format.csv) {
            throw KeelException.invalid("keel sweep ls prints table or json: use --format table or --format json");
        }
        Output output = new Output(spec.commandLine());
        StoreAccess access = home.access();
        List<SweepView> views = new ArrayList<>();
        Optional<Store> maybe = access.openIfExists();
        if (maybe.isPresent()) {
            try (Store store = maybe.get()) {
                for (Sweep s : store.sweeps().sweeps(project)) {
                    views.add(new SweepView(s, store.sweeps().trials(s.id()), Map.of()));
                }
            }
        }
        if (format == Format.json) {
            output.json(views.stream().map(SweepView::summaryJson).toList());
        } else if (views.isEmpty()) {
            output.note("no sweeps yet in " + access.where() + " (create one with 'keel sweep create FILE')");
        } else {
            output.table(SweepView.listTable(views), Format.table);
        }
        return 0;
    }
}
