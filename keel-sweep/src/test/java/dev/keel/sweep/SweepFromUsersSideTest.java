package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the CLI, an agent and a program do with the public API, in that order. */
class SweepFromUsersSideTest {
    private static final String MLP_WIDTH = """
            name: mlp-width
            method: bayes
            metric: {name: val_loss, goal: minimize}
            parameters:
              hidden: {distribution: q_uniform, min: 32, max: 256, q: 32}
              optimizer:
                lr: {distribution: log_uniform_values, min: 0.0001, max: 0.01}
              dropout: {values: [0.0, 0.1, 0.2]}
              epochs: {value: 9}
            early_terminate: {type: hyperband, min_iter: 1, eta: 3, max_iter: 9}
            run_cap: 20
            seed: 42
            command: [./run, train, mlp]
            """;

    /** How a trial's program reads its arguments back, as a Java program would. */
    private static Map<String, String> programArgs(List<String> argv) {
        Map<String, String> out = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            out.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return out;
    }

    @Test
    void aSweepRunsFromFileToCommandLinesToStopDecisions() {
        SweepConfig config = SweepConfig.parse(MLP_WIDTH, "mlp-width.yaml");
        assertEquals(List.of("hidden", "optimizer.lr", "dropout", "epochs"), config.parameterNames());
        Sweep sweep = new Sweep(
                "k3x9a0b1",
                "apparel",
                config.name(),
                MLP_WIDTH,
                config.seed().orElseThrow(),
                SweepState.RUNNING,
                0,
                0,
                "");
        TrialProposer proposer = SweepSearch.proposer();
        EarlyStop rule = EarlyStop.of(config).orElseThrow();
        List<Trial> trials = new ArrayList<>();
        List<TrialCurve> curves = new ArrayList<>();
        int stopped = 0;
        for (int n = 1; n <= config.runCap(); n++) {
            Map<String, Object> params = assertInstanceOf(Proposal.Next.class, proposer.propose(sweep, trials))
                    .params();
            List<String> argv = new ArrayList<>(config.command());
            argv.addAll(Overrides.args(params));
            assertEquals(List.of("./run", "train", "mlp"), argv.subList(0, 3));
            Map<String, String> read = programArgs(argv.subList(3, argv.size()));
            double lr = Double.parseDouble(read.get("optimizer.lr"));
            assertEquals(params.get("optimizer.lr"), lr, "the program reads back the exact double");
            long hidden = Long.parseLong(read.get("hidden"));
            assertTrue(hidden % 32 == 0 && hidden >= 32 && hidden <= 256);
            assertEquals("9", read.get("epochs"));
            // A made-up learning curve: wider and a learning rate near 1e-3 is better.
            double quality = Math.abs(Math.log10(lr) + 3) + (256 - hidden) / 256.0;
            TreeMap<Long, Double> curve = new TreeMap<>();
            Optional<String> stop = Optional.empty();
            for (long epoch = 1; epoch <= 9 && stop.isEmpty(); epoch++) {
                curve.put(epoch, quality + 1.0 / epoch);
                stop = rule.check(new TrialCurve(n, curve, false), curves);
            }
            if (stop.isPresent()) {
                stopped++;
                assertTrue(stop.get().startsWith("hyperband: val_loss "), stop.get());
            }
            curves.add(new TrialCurve(n, curve, true));
            trials.add(new Trial(
                    sweep.id(),
                    n,
                    params,
                    stop.isPresent() ? TrialState.STOPPED : TrialState.FINISHED,
                    "a",
                    "r" + n,
                    0,
                    0,
                    0,
                    curve.lastEntry().getValue(),
                    stop.orElse("")));
        }
        assertTrue(stopped > 0 && stopped < config.runCap(), stopped + " stopped");
        List<Map<String, Object>> params = trials.stream().map(Trial::params).toList();
        List<Double> metric = trials.stream().map(Trial::metric).toList();
        List<Importance> importance = Importance.of(params, metric);
        assertEquals(
                List.of("dropout", "hidden", "optimizer.lr"),
                importance.stream().map(Importance::parameter).sorted().toList());
    }
}
