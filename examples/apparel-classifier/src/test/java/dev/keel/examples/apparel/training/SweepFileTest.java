package dev.keel.examples.apparel.training;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import dev.keel.sweep.EarlyStop;
import dev.keel.sweep.Overrides;
import dev.keel.sweep.SweepConfig;
import dev.keel.sweep.SweepSearch;
import dev.keel.sweep.TrialCurve;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed sweep parses, and every trial it proposes is a command line RunExperiment accepts as meant. */
class SweepFileTest {
    private static final Path FILE = Path.of("training/sweeps/mlp-width.yaml");

    @Test
    void theSweepFileParsesAsTheReferenceSweep() throws Exception {
        SweepConfig config =
                SweepConfig.parse(Files.readString(FILE), FILE.getFileName().toString());
        assertEquals("mlp-width", config.name());
        assertEquals(SweepConfig.Method.BAYES, config.method());
        assertEquals("val_accuracy", config.metricName());
        assertEquals(false, config.minimize());
        assertEquals(List.of("./run", "train", "mlp"), config.command());
        assertEquals(
                List.of("dropout", "epochs", "layers", "learning_rate"),
                config.parameterNames().stream().sorted().toList());
        assertTrue(config.earlyTerminate().isPresent());
    }

    @Test
    void hyperbandJudgesTrialsAtTheEndsOfEpochsOneAndThree() throws Exception {
        SweepConfig config =
                SweepConfig.parse(Files.readString(FILE), FILE.getFileName().toString());
        // keel agent counts an iteration per logged val_accuracy, which this project logs once an epoch
        EarlyStop rule = EarlyStop.of(config).orElseThrow();
        List<TrialCurve> others = List.of(curve(2, 1, 0.80), curve(3, 1, 0.82));
        String reason = rule.check(curve(1, 1, 0.70), others).orElseThrow();
        assertTrue(reason.startsWith("hyperband: val_accuracy 0.7 at iteration 1"), reason);
        assertTrue(rule.check(curve(3, 1, 0.82), others).isEmpty(), "the best goes on");
        assertTrue(rule.check(curve(4, 2, 0.10), others).isEmpty(), "epoch 2 is not a rung");
    }

    private static TrialCurve curve(int number, long step, double value) {
        return new TrialCurve(number, new TreeMap<>(Map.of(step, value)), false);
    }

    @Test
    void everyProposedTrialIsAnExperimentWithExactlyItsParameters() throws Exception {
        String yaml = Files.readString(FILE);
        Sweep sweep = new Sweep("sw33p001", "apparel-classifier", "mlp-width", yaml, 7, SweepState.RUNNING, 0, 0, "");
        TrialProposer proposer = SweepSearch.proposer();
        List<Trial> history = new ArrayList<>();
        for (int n = 1; n <= 30; n++) {
            Proposal p = proposer.propose(sweep, List.copyOf(history));
            Map<String, Object> params = ((Proposal.Next) p).params();
            ExperimentConfig experiment =
                    ExperimentConfig.load(Path.of("training/experiments/mlp.yaml"), Overrides.args(params));
            Map<String, Object> applied = experiment.toMap();
            for (Map.Entry<String, Object> e : params.entrySet()) {
                Object got = applied.get(e.getKey());
                Object want = e.getKey().equals("layers") ? List.of(((Number) e.getValue()).intValue()) : e.getValue();
                if (want instanceof Number w && got instanceof Number g && !(want instanceof Long)) {
                    assertEquals(w.doubleValue(), g.doubleValue(), e.getKey() + " of trial " + n + ": " + params);
                } else if (want instanceof Long w) {
                    assertEquals(w.longValue(), ((Number) got).longValue(), e.getKey() + " of trial " + n);
                } else {
                    assertEquals(want, got, e.getKey() + " of trial " + n + ": " + params);
                }
            }
            int width = experiment.layers().get(0);
            assertTrue(experiment.layers().size() == 1 && width >= 32 && width <= 256, "one hidden layer: " + params);
            assertTrue(experiment.dropout() >= 0 && experiment.dropout() <= 0.5, "dropout " + params);
            history.add(new Trial(
                    sweep.id(), n, params, TrialState.FINISHED, "a", "r" + n, 0, 0, 0, experiment.dropout(), ""));
        }
    }
}
