package dev.keel.server.ui;

import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepViewTest {
    static final String CONFIG = """
            name: mlp-width
            method: bayes
            metric:
              name: val_loss
              goal: minimize
            run_cap: 12
            parameters:
              hidden:
                values: [32, 64, 128, 256]
              lr:
                distribution: log_uniform_values
                min: 0.0001
                max: 0.1
              optimizer:
                parameters:
                  name:
                    values: [sgd, adam]
                  momentum.beta:
                    distribution: uniform
                    min: 0.8
                    max: 0.99
            """;

    static Sweep sweep(String config) {
        return new Sweep("s1234567", "p", "mlp-width", config, 7, SweepState.RUNNING, 1000, 2000, "ann");
    }

    static Trial trial(int n, TrialState state, Double metric, Map<String, Object> params) {
        return new Trial("s1234567", n, params, state, "agent-1", "run" + n, 1000L * n, 1000L * n + 500, 0, metric, "");
    }

    @Test
    void readsMethodMetricGoalAndScalesOfFlatAndNestedParameters() {
        SweepConfigView c = SweepConfigView.of(CONFIG);
        assertEquals("bayes", c.method());
        assertEquals("val_loss", c.metric());
        assertTrue(c.minimize());
        assertEquals(12, c.runCap());
        assertTrue(c.logScale("lr"));
        assertFalse(c.logScale("hidden"));
        assertEquals(List.of("sgd", "adam"), c.values("optimizer.name"));
        assertEquals("uniform", c.spec("optimizer.momentum.beta").get("distribution"));
        assertFalse(SweepConfigView.of("metric: {name: acc, goal: maximize}").minimize());
    }

    @Test
    void anUnreadableConfigurationShowsAsUnknown() {
        SweepConfigView c = SweepConfigView.of("method: [unclosed");
        assertEquals("", c.method());
        assertEquals("", c.metric());
        assertEquals(Map.of(), c.spec("lr"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBestCountsOnlyTrialsThatEndedWellOrStoppedWithAFiniteMetric() {
        List<Trial> trials = List.of(
                trial(1, TrialState.FINISHED, 0.50, Map.of("lr", 0.01, "hidden", 64L)),
                trial(2, TrialState.FAILED, 0.01, Map.of("lr", 0.02, "hidden", 32L)),
                trial(3, TrialState.STOPPED, 0.40, Map.of("lr", 0.001, "hidden", 128L)),
                trial(4, TrialState.FINISHED, Double.NaN, Map.of("lr", 0.1, "hidden", 32L)),
                trial(5, TrialState.NO_METRIC, null, Map.of("lr", 0.05, "hidden", 256L)),
                trial(6, TrialState.FINISHED, 0.45, Map.of("lr", 0.003, "hidden", 256L)),
                trial(7, TrialState.RUNNING, null, Map.of("lr", 0.004, "hidden", 64L)));
        Map<String, Object> view = SweepView.of(sweep(CONFIG), trials, Map.of());
        Map<String, Object> best = (Map<String, Object>) view.get("best");
        assertEquals(3, best.get("number"));
        assertEquals(0.40, best.get("metric"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) view.get("trials");
        List<Object> soFar = new ArrayList<>();
        rows.forEach(r -> soFar.add(r.get("best_so_far")));
        assertEquals(List.of(0.50, 0.50, 0.40, 0.40, 0.40, 0.40, 0.40), soFar);
        Map<String, Integer> counts = (Map<String, Integer>) view.get("counts");
        assertEquals(3, counts.get("finished"));
        assertEquals(1, counts.get("running"));
        assertEquals(0, counts.get("crashed"));
        assertEquals(7, view.get("total"));
        assertEquals(Map.of("name", "val_loss", "goal", "minimize"), view.get("metric"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void parametersAreNumericOrCategoricalWithTheConfigurationsScaleAndOrder() {
        List<Trial> trials = List.of(
                trial(1, TrialState.FINISHED, 0.5, Map.of("lr", 0.01, "hidden", 64L, "optimizer.name", "adam")),
                trial(2, TrialState.FINISHED, 0.4, Map.of("lr", 0.001, "hidden", 128L, "optimizer.name", "sgd")));
        List<Map<String, Object>> params = (List<Map<String, Object>>)
                SweepView.of(sweep(CONFIG), trials, Map.of()).get("parameters");
        assertEquals(
                List.of("hidden", "lr", "optimizer.name"),
                params.stream().map(p -> p.get("name")).toList());
        assertEquals("linear", params.get(0).get("scale"));
        assertEquals("log", params.get(1).get("scale"));
        assertEquals("categorical", params.get(2).get("kind"));
        assertEquals(List.of("sgd", "adam"), params.get(2).get("values"), "the author's order");
    }

    @Test
    @SuppressWarnings("unchecked")
    void importanceReadsALogScaledParameterPerDecadeAndRanksWithAForest() {
        List<Trial> trials = new ArrayList<>();
        double[] lrs = {0.0001, 0.001, 0.01, 0.1, 0.0003, 0.003};
        for (int i = 0; i < lrs.length; i++) {
            // the metric falls by the same step per decade: linear in log10(lr), not in lr
            trials.add(trial(
                    i + 1,
                    TrialState.FINISHED,
                    1.0 + 0.1 * Math.log10(lrs[i]),
                    Map.of("lr", lrs[i], "hidden", 64L, "optimizer.name", i % 2 == 0 ? "sgd" : "adam")));
        }
        Map<String, Object> imp =
                SweepImportance.of(SweepConfigView.of(CONFIG), List.of("hidden", "lr", "optimizer.name"), trials);
        assertEquals(6, imp.get("trials"));
        Map<String, Map<String, Object>> byName = new HashMap<>();
        ((List<Map<String, Object>>) imp.get("params")).forEach(p -> byName.put((String) p.get("name"), p));
        assertEquals(1.0, (Double) byName.get("lr").get("correlation"), 1e-9, "exactly linear per decade");
        assertTrue((Double) byName.get("lr").get("importance") > 0.5, byName.toString());
        assertNull(byName.get("hidden").get("correlation"), "a parameter that never varies explains nothing");
        assertNull(byName.get("hidden").get("importance"));
        Map<String, Object> few = SweepImportance.of(SweepConfigView.of(CONFIG), List.of("lr"), trials.subList(0, 2));
        assertNull(((List<Map<String, Object>>) few.get("params")).get(0).get("correlation"), "too few trials");
    }

    @Test
    void theImportanceCacheAnswersAgainUntilATrialEnds() {
        SweepConfigView config = SweepConfigView.of(CONFIG);
        List<Trial> trials = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            trials.add(trial(i, TrialState.FINISHED, 1.0 / i, Map.of("lr", 0.001 * i)));
        }
        trials.add(trial(5, TrialState.RUNNING, null, Map.of("lr", 0.5)));
        SweepImportance.Cache cache = new SweepImportance.Cache(4);
        Map<String, Object> first = cache.of(config, List.of("lr"), trials);
        assertTrue(first == cache.of(config, List.of("lr"), List.copyOf(trials)), "a running trial changes nothing");
        trials.set(4, trial(5, TrialState.FINISHED, 0.1, Map.of("lr", 0.5)));
        Map<String, Object> after = cache.of(config, List.of("lr"), trials);
        assertFalse(first == after, "an ended trial counts");
        assertEquals(5, after.get("trials"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMaximizedMetricsBestIsTheHighest() {
        String config = "method: random\nmetric: {name: val_accuracy, goal: maximize}\nparameters: {}\n";
        List<Trial> trials = List.of(
                trial(1, TrialState.FINISHED, 0.80, Map.of()),
                trial(2, TrialState.FINISHED, 0.88, Map.of()),
                trial(3, TrialState.FINISHED, 0.85, Map.of()));
        Map<String, Object> listed = SweepView.listed(sweep(config), trials);
        assertEquals(2, ((Map<String, Object>) listed.get("best")).get("number"));
        assertEquals(3, listed.get("trials"));
        assertFalse(listed.containsKey("config"), "a list line leaves the configuration text out");
    }
}
