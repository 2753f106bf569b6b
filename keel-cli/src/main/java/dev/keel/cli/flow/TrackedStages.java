package dev.keel.cli.flow;

import dev.keel.core.ConsoleLine;
import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.Names;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.data.Datasets;
import dev.keel.flow.Decision;
import dev.keel.flow.Input;
import dev.keel.flow.Repro;
import dev.keel.flow.Stage;
import dev.keel.flow.StageProcess;
import dev.keel.flow.Staleness;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs each stage as a tracked Keel run. The command gets {@code KEEL_RUN_ID}, so a program that
 * calls {@code Keel.init} records into that run itself (metrics, console, provenance); for any
 * other command the run is made here afterwards with its console, exit state and the stage's
 * params as config. Either way the run is tagged with the stage's name and its provenance holds
 * {@code job_type: stage}, the stage, why it ran, and its inputs' hashes, params and dataset
 * versions (also recorded as dataset lineage) and the upstream stages' runs.
 */
public final class TrackedStages implements Repro.Executor {
    /** Provenance key of a stage run: {@value}. */
    public static final String JOB_TYPE = "job_type";

    private static final int CONSOLE_KEPT = 10_000;

    private final Path root;
    private final String project;
    private final KeelHome home;
    private final boolean remote;
    private final Supplier<Store> stores;
    private final Supplier<Datasets> datasets;
    private final Map<String, String> lastRuns;
    private final Map<String, Set<String>> upstream;
    private final PrintWriter out;

    /**
     * {@code stores} and {@code datasets} open the Keel home anew for each stage (the stage's own
     * program writes to it while it runs); {@code datasets} may supply null (no datasets here).
     */
    public TrackedStages(
            Path root,
            String project,
            KeelHome home,
            boolean remote,
            Supplier<Store> stores,
            Supplier<Datasets> datasets,
            Map<String, String> lastRuns,
            Map<String, Set<String>> upstream,
            PrintWriter out) {
        this.root = root;
        this.project = project;
        this.home = home;
        this.remote = remote;
        this.stores = stores;
        this.datasets = datasets;
        this.lastRuns = lastRuns;
        this.upstream = upstream;
        this.out = out;
    }

    @Override
    public Repro.Outcome execute(Stage stage, Decision why, Staleness.Now now) throws InterruptedException {
        String id = Ids.newRunId();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KEEL_RUN_ID", id);
        if (!remote) {
            env.put("KEEL_HOME", home.root().toString());
        }
        Deque<ConsoleLine> console = new ArrayDeque<>();
        long started = System.currentTimeMillis();
        long[] seq = {0};
        int code = StageProcess.run(root, stage.command(), env, line -> {
            out.println("    " + line);
            out.flush();
            console.add(new ConsoleLine(seq[0]++, System.currentTimeMillis(), "stdout", line));
            if (console.size() > CONSOLE_KEPT) {
                console.removeFirst();
            }
        });
        long ended = System.currentTimeMillis();
        try (Store store = stores.get()) {
            Map<String, Object> provenance = provenance(stage, why, now, code);
            var made = store.run(id);
            if (made.isPresent()) {
                WriteBatch link = new WriteBatch();
                link.provenance.putAll(provenance);
                Set<String> tags = new LinkedHashSet<>(made.get().tags());
                tags.add(stage.name());
                link.tags = List.copyOf(tags);
                store.apply(id, link);
            } else {
                create(store, id, stage, why, now, code, started, ended, provenance, new ArrayList<>(console));
            }
        }
        recordDatasets(id, stage);
        return new Repro.Outcome(code, id);
    }

    private void create(
            Store store,
            String id,
            Stage stage,
            Decision why,
            Staleness.Now now,
            int code,
            long started,
            long ended,
            Map<String, Object> provenance,
            List<ConsoleLine> console) {
        Map<String, Object> config = new LinkedHashMap<>(now.params());
        Map<String, Object> prov = new LinkedHashMap<>(provenance);
        prov.put("command", List.of("sh", "-c", stage.command()));
        prov.put("cwd", root.toString());
        RunInfo info = new RunInfo(
                id,
                project,
                Names.friendly(store.nextRunOrdinal(project)),
                "",
                System.getProperty("user.name", ""),
                List.of(stage.name()),
                why.reason(),
                code == 0 ? RunState.FINISHED : RunState.FAILED,
                started,
                ended,
                ended,
                ended - started,
                "",
                Hosts.name(),
                0,
                config,
                Map.of("exit_code", code));
        store.createRun(info, prov);
        if (!console.isEmpty()) {
            WriteBatch lines = new WriteBatch();
            lines.console.addAll(console);
            store.apply(id, lines);
        }
    }

    private Map<String, Object> provenance(Stage stage, Decision why, Staleness.Now now, int code) {
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("stage", stage.name());
        if (stage.parent() != null) {
            flow.put("group", stage.parent());
        }
        flow.put("reason", why.reason());
        flow.put("inputs", now.inputs());
        flow.put("params", now.params());
        flow.put("outputs", stage.outputs());
        Map<String, String> ups = new LinkedHashMap<>();
        for (String u : upstream.getOrDefault(stage.name(), Set.of())) {
            if (lastRuns.get(u) != null) {
                ups.put(u, lastRuns.get(u));
            }
        }
        flow.put("upstream_runs", ups);
        flow.put("exit_code", code);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(JOB_TYPE, "stage");
        out.put("flow", flow);
        return out;
    }

    private void recordDatasets(String id, Stage stage) {
        if (remote) {
            return;
        }
        List<Input> refs = stage.inputs().stream()
                .filter(i -> i.kind() == Input.Kind.DATASET)
                .toList();
        if (refs.isEmpty()) {
            return;
        }
        try (Datasets data = datasets.get()) {
            if (data != null) {
                List<RunInput> used = data.inputsOf(id);
                for (Input i : refs) {
                    DatasetVersion v = data.resolve(i.datasetRef());
                    // a program that called run.useDataset itself recorded it already
                    if (used.stream().noneMatch(u -> u.dataset().equals(v.dataset()) && u.number() == v.number())) {
                        data.recordUse(id, i.datasetRef());
                    }
                }
            }
        }
    }
}
