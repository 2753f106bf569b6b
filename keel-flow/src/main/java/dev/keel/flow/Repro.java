package dev.keel.flow;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code keel repro} does, without the tracking: decide stage by stage, in dependency order,
 * whether it is stale by content ({@link Staleness}), run the stale ones through an
 * {@link Executor}, and after each one that ran through write its keel.lock entry. A stage that
 * fails stops the stages after it; the entries of the stages that ran through stay written.
 *
 * <pre>{@code
 * Repro repro = new Repro(projectDir, Flow.load(projectDir), ref -> datasets.resolve(ref));
 * repro.run(null, Set.of(), false, executor, (stage, decision) -> System.out.println(decision.reason()));
 * }</pre>
 */
public final class Repro {

    /** What a dataset reference ({@code name:v3}, {@code name:latest}, {@code name:TAG}) resolves to now: {@code name:v3 sha256:…}. */
    public interface Datasets {
        String resolve(String ref);
    }

    /** Runs one stage's command; the outcome's exit code 0 means it ran through. */
    public interface Executor {
        Outcome execute(Stage stage, Decision why, Staleness.Now inputs) throws InterruptedException;
    }

    /** How a stage's command ended, and the run that tracked it (null when none did). */
    public record Outcome(int exitCode, String runId) {}

    /** Told about each decision before the stage runs, and after each stage that ran. */
    public interface Listener {
        void decided(Stage stage, Decision decision);

        default void ran(Stage stage, Outcome outcome) {}
    }

    /** One stage's part in a repro. */
    public record Step(Stage stage, Decision decision, Outcome outcome) {}

    private final Path root;
    private final Flow flow;
    private final Datasets datasets;
    private final HashCache hashes;

    /** A repro of the project in {@code root} that remembers file hashes in its {@code .keel/flow-hashes}. */
    public Repro(Path root, Flow flow, Datasets datasets) {
        this(root, flow, datasets, HashCache.of(root));
    }

    /** A repro that takes the hashes of unchanged files from {@code hashes}. */
    public Repro(Path root, Flow flow, Datasets datasets, HashCache hashes) {
        this.root = root;
        this.flow = flow;
        this.datasets = datasets;
        this.hashes = hashes;
    }

    /**
     * Runs (or with {@code dryRun}, only decides) the stages {@code target} needs, or every stage
     * when it is null. {@code forced} stages run whether stale or not. Throws a
     * {@link FlowException} naming the stage when an input is missing or a stage fails.
     */
    public List<Step> run(String target, Set<String> forced, boolean dryRun, Executor executor, Listener listener)
            throws InterruptedException {
        try {
            return runStages(target, forced, dryRun, executor, listener);
        } finally {
            if (!dryRun) { // a dry run writes nothing, not even the cache
                hashes.save();
            }
        }
    }

    private List<Step> runStages(
            String target, Set<String> forced, boolean dryRun, Executor executor, Listener listener)
            throws InterruptedException {
        List<Stage> stages = target == null ? flow.order() : flow.upTo(target);
        Set<String> force = new LinkedHashSet<>();
        for (String f : forced) {
            force.addAll(flow.commandsOf(f));
        }
        checkInputs(stages);
        FlowLock lock = FlowLock.read(root);
        Set<String> ran = new LinkedHashSet<>();
        List<Step> steps = new ArrayList<>();
        for (Stage stage : stages) {
            Staleness.Now now = now(stage);
            Set<String> upstreamRan = new LinkedHashSet<>();
            for (Edge e : flow.edges()) {
                if (e.to().equals(stage.name()) && ran.contains(e.from())) {
                    upstreamRan.add(e.from());
                }
            }
            Decision d = Staleness.decide(
                    flow, stage, lock.entry(stage.name()), now, upstreamRan, force.contains(stage.name()), dryRun);
            listener.decided(stage, d);
            if (!d.runs()) {
                steps.add(new Step(stage, d, null));
                continue;
            }
            ran.add(stage.name());
            if (dryRun) {
                steps.add(new Step(stage, d, null));
                continue;
            }
            Outcome outcome = executor.execute(stage, d, now);
            listener.ran(stage, outcome);
            steps.add(new Step(stage, d, outcome));
            if (outcome.exitCode() != 0) {
                throw failed(stage, "its command exited with code " + outcome.exitCode(), outcome, stages);
            }
            Map<String, String> outputs = outputs(stage);
            for (String o : stage.outputs()) {
                if (outputs.get(o) == null) {
                    throw failed(
                            stage, "its command exited 0 but did not write its output '" + o + "'", outcome, stages);
                }
            }
            lock = lock.with(
                    stage.name(),
                    new FlowLock.Entry(stage.command(), now.inputs(), now.params(), outputs, outcome.runId()));
            lock.write(root);
        }
        return steps;
    }

    /** The last run of every stage that keel.lock records. */
    public Map<String, String> lastRuns() {
        return FlowLock.read(root).lastRuns();
    }

    private FlowException failed(Stage stage, String what, Outcome outcome, List<Stage> stages) {
        List<String> after = new ArrayList<>();
        Set<String> down = flow.downstreamOf(stage.name());
        for (Stage s : stages) {
            if (down.contains(s.name())) {
                after.add(s.name());
            }
        }
        return new FlowException("stage '" + stage.name() + "' failed: " + what
                + (outcome.runId() == null
                        ? ""
                        : " (run " + outcome.runId() + ": keel run logs " + outcome.runId() + ")")
                + ". " + (after.isEmpty() ? "" : "Not run: " + String.join(", ", after) + ". ")
                + "keel.lock keeps the entries of the stages that ran through; fix the stage and run keel repro again");
    }

    /** Every input a selected stage reads must exist or be an output of a stage of the flow. */
    private void checkInputs(List<Stage> stages) {
        for (Stage s : stages) {
            for (Input in : s.inputs()) {
                if (in.kind() == Input.Kind.PATH
                        && !Files.exists(root.resolve(in.path()))
                        && flow.producerOf(in.path()) == null) {
                    throw FlowException.at(
                            Flow.FILE,
                            in.line(),
                            "stages." + s.name() + ".inputs",
                            "'" + in.path() + "' does not exist and no stage outputs it: create it, fix the path, or"
                                    + " add the stage that writes it (with it under outputs:)");
                }
            }
        }
    }

    /** The stage's inputs and outputs as they are now. */
    public Staleness.Now now(Stage stage) {
        Map<String, String> inputs = new LinkedHashMap<>();
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Map<String, Object>> paramFiles = new HashMap<>();
        for (Input in : stage.inputs()) {
            switch (in.kind()) {
                case PATH -> inputs.put(in.key(), ContentHash.of(root.resolve(in.path()), hashes));
                case DATASET -> {
                    try {
                        inputs.put(in.key(), datasets.resolve(in.datasetRef()));
                    } catch (RuntimeException e) {
                        throw FlowException.at(
                                Flow.FILE,
                                in.line(),
                                "stages." + stage.name() + ".inputs",
                                in.key() + ": " + e.getMessage());
                    }
                }
                case PARAM ->
                    params.put(
                            in.key(),
                            param(paramFiles.computeIfAbsent(in.paramsFile(), f -> paramsFile(stage, in)), stage, in));
            }
        }
        return new Staleness.Now(inputs, params, outputs(stage));
    }

    private Map<String, String> outputs(Stage stage) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String o : stage.outputs()) {
            out.put(o, ContentHash.of(root.resolve(o), hashes));
        }
        return out;
    }

    private Map<String, Object> paramsFile(Stage stage, Input in) {
        Path file = root.resolve(in.paramsFile());
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            if (doc instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
            return Map.of();
        } catch (IOException | RuntimeException e) {
            throw FlowException.at(
                    Flow.FILE,
                    in.line(),
                    "stages." + stage.name() + ".params",
                    "cannot read the params file " + in.paramsFile() + " (" + e.getMessage() + "): create it, or name"
                            + " another file with params: [{FILE: [keys]}]");
        }
    }

    /** A key of a params file; dots reach into maps ({@code optimizer.lr}). */
    private static Object param(Map<String, Object> doc, Stage stage, Input in) {
        Object at = doc;
        for (String part : in.param().split("\\.")) {
            if (!(at instanceof Map<?, ?> m) || !m.containsKey(part)) {
                throw FlowException.at(
                        Flow.FILE,
                        in.line(),
                        "stages." + stage.name() + ".params",
                        "no key '" + in.param() + "' in " + in.paramsFile() + ": add it there, or fix the key");
            }
            at = m.get(part);
        }
        return at;
    }
}
