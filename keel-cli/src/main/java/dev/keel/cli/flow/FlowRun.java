package dev.keel.cli.flow;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.access.SweepAccess;
import dev.keel.core.KeelException;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.store.Store;
import dev.keel.data.Datasets;
import dev.keel.flow.Decision;
import dev.keel.flow.Edge;
import dev.keel.flow.Flow;
import dev.keel.flow.FlowLock;
import dev.keel.flow.Repro;
import dev.keel.flow.Stage;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code keel repro} and {@code keel dag --record} put together: the flow, its store, its datasets. */
public final class FlowRun {
    private final Path root;
    private final Flow flow;
    private final StoreAccess access;
    private final String project;

    public FlowRun(Path root, StoreAccess access) {
        this.root = root;
        this.flow = Flow.load(root);
        this.access = access;
        this.project = flow.project() != null && !flow.project().isBlank()
                ? flow.project().strip()
                : SweepAccess.DEFAULT_PROJECT;
    }

    public Flow flow() {
        return flow;
    }

    public String project() {
        return project;
    }

    /** Stores the flow with the last runs keel.lock knows, for the dashboard. */
    public void record() {
        try (Store store = SweepAccess.openForWrite(access)) {
            store.saveFlow(flow.toProjectFlow(project, FlowLock.read(root).lastRuns(), System.currentTimeMillis()));
        }
    }

    /** Runs {@code keel repro}; prints a line per stage decision and one at the end. */
    public List<Repro.Step> repro(String target, Set<String> force, boolean dryRun, PrintWriter out)
            throws InterruptedException {
        if (flow.isEmpty()) {
            throw KeelException.invalid(Flow.FILE + " in " + root + " declares no stages: add a stages: section"
                    + " (docs/flow.md shows one), then run keel repro again");
        }
        if (target != null) {
            flow.commandsOf(target);
        }
        Map<String, String> lastRuns = new LinkedHashMap<>(FlowLock.read(root).lastRuns());
        Map<String, Set<String>> upstream = new LinkedHashMap<>();
        for (Edge e : flow.edges()) {
            upstream.computeIfAbsent(e.to(), k -> new LinkedHashSet<>()).add(e.from());
        }
        Repro repro = new Repro(root, flow, this::resolveDataset);
        TrackedStages executor = new TrackedStages(
                root,
                project,
                access.home(),
                access.remote(),
                () -> SweepAccess.openForWrite(access),
                () -> new DataAccess(access).openIfExists().orElse(null),
                lastRuns,
                upstream,
                out);
        int width = flow.order().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        long[] started = {0};
        Repro.Listener listener = new Repro.Listener() {
            @Override
            public void decided(Stage stage, Decision d) {
                out.println(pad(stage.name(), width) + "  " + d.reason());
                out.flush();
                started[0] = System.nanoTime();
            }

            @Override
            public void ran(Stage stage, Repro.Outcome o) {
                double s = (System.nanoTime() - started[0]) / 1e9;
                out.println(pad(stage.name(), width) + "  "
                        + (o.exitCode() == 0 ? "finished" : "FAILED (exit code " + o.exitCode() + ")") + " in "
                        + String.format("%.1f s", s) + ", run " + o.runId());
                out.flush();
                lastRuns.put(stage.name(), o.runId());
                try (Store store = SweepAccess.openForWrite(access)) {
                    store.saveFlow(flow.toProjectFlow(project, lastRuns, System.currentTimeMillis()));
                }
            }
        };
        if (!dryRun) {
            try (Store store = SweepAccess.openForWrite(access)) {
                store.saveFlow(flow.toProjectFlow(project, lastRuns, System.currentTimeMillis()));
            }
        }
        List<Repro.Step> steps = repro.run(target, force, dryRun, executor, listener);
        long runs = steps.stream().filter(s -> s.decision().runs()).count();
        out.println(
                dryRun
                        ? "dry run: " + runs + " of " + steps.size()
                                + " stages would run; nothing ran, keel.lock unchanged"
                        : runs == 0
                                ? "up to date: " + steps.size() + " stages, nothing ran"
                                : runs + " of " + steps.size() + " stages ran; keel.lock updated");
        out.flush();
        return steps;
    }

    private String resolveDataset(String ref) {
        try (Datasets data = new DataAccess(access).openIfExists().orElse(null)) {
            if (data == null) {
                throw KeelException.notFound("no datasets in " + access.home().root() + " yet: add it first with"
                        + " keel data add NAME PATH");
            }
            DatasetVersion v = data.resolve(ref);
            return v.dataset() + ":v" + v.number() + " " + v.hash();
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
