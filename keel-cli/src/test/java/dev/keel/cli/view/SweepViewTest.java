package dev.keel.cli.view;

import dev.keel.cli.table.TextTable;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepViewTest {
    private static final String CONFIG = "name: widths\nmethod: grid\nmetric:\n  name: val_loss\n  goal: %s\n"
            + "parameters:\n  width:\n    values: [32, 64, 128, 256, 512, 1024]\ncommand: [./run]\n";

    private static Sweep sweep(String goal) {
        return new Sweep("sw1", "p", "widths", String.format(CONFIG, goal), 1, SweepState.RUNNING, 1000, 2000, "");
    }

    private static Trial trial(int n, TrialState state, Double metric, String reason) {
        return new Trial(
                "sw1", n, Map.of("width", 32L << n), state, "a", "run" + n, 1000, 2000, 61_000, metric, reason);
    }

    private static final List<Trial> TRIALS = List.of(
            trial(1, TrialState.FINISHED, 0.40, ""),
            trial(2, TrialState.FAILED, 0.01, "exit 1"),
            trial(3, TrialState.STOPPED, 0.30, "hyperband: worse than the rung's best 1/3"),
            trial(4, TrialState.NO_METRIC, null, "the program never logged val_loss"),
            trial(5, TrialState.RUNNING, null, ""),
            trial(6, TrialState.FINISHED, 0.35, ""));

    @Test
    void trialsThatMayBeBestComeFirstByTheMetricThenTheRestByNumber() {
        SweepView v = new SweepView(sweep("minimize"), TRIALS, Map.of("run6", "brave-otter-6"));
        assertEquals(
                List.of(3, 6, 1, 2, 4, 5),
                v.sorted().stream().map(Trial::number).toList());
        assertEquals(3, v.best().orElseThrow().number());
        SweepView max = new SweepView(sweep("maximize"), TRIALS, Map.of());
        assertEquals(
                List.of(1, 6, 3, 2, 4, 5),
                max.sorted().stream().map(Trial::number).toList());
        assertEquals(
                "2 finished, 1 running, 1 stopped, 1 failed, 1 no-metric".length(),
                v.countsText().length());
        assertTrue(v.countsText().contains("2 finished") && v.countsText().contains("1 no-metric"), v.countsText());
    }

    @Test
    void theTableShowsParametersMetricRuntimeAndReason() {
        SweepView v = new SweepView(sweep("minimize"), TRIALS, Map.of("run6", "brave-otter-6"));
        String text = TextTable.render(v.trialsTable(100_000), 160).text();
        List<String> lines = text.lines().toList();
        assertEquals("params", lines.get(0).strip(), "the parameters' group label: " + text);
        assertTrue(lines.get(1).matches("#\\s+State\\s+Run\\s+width\\s+val_loss\\s+Runtime\\s+Reason\\s*"), text);
        assertTrue(lines.get(2).matches("\\s*3\\s+stopped\\s+run3\\s+256\\s+0.3\\s+1m00s\\s+hyperband:.*"), text);
        assertTrue(lines.get(3).contains("brave-otter-6 (run6)"), text);
        assertTrue(v.header().contains("Best:     0.3  trial 3, run run3"), v.header());
        assertTrue(v.header().contains("Metric:   val_loss (minimize)"), v.header());
    }
}
