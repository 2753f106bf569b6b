package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static dev.keel.sweep.SearchTest.sweep;
import static dev.keel.sweep.SearchTest.trial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TpeSearchTest {
    private static final String MIXED = """
            method: %s
            metric: {name: loss, goal: %s}
            command: ./run
            parameters:
              lr: {distribution: log_uniform_values, min: 0.00001, max: 1.0}
              hidden: {distribution: int_uniform, min: 8, max: 512}
              batch: {distribution: q_uniform, min: 16, max: 256, q: 16}
              optimizer: {values: [sgd, adam, rmsprop, adagrad]}
              noise: {distribution: uniform, min: 0.0, max: 1.0}
              epochs: {value: 3}
            """;

    /** Best near lr = 1e-3, hidden = 100, batch = 64, adam; noise does not matter. */
    private static double loss(Map<String, Object> p) {
        double lr = Math.log10((Double) p.get("lr")) + 3;
        double hidden = ((Long) p.get("hidden") - 100) / 100.0;
        double batch = ((Long) p.get("batch") - 64) / 64.0;
        double opt = p.get("optimizer").equals("adam") ? 0 : 1;
        return lr * lr + hidden * hidden + batch * batch + opt;
    }

    private static Map<String, Object> next(TrialProposer proposer, Sweep sweep, List<Trial> trials) {
        return assertInstanceOf(Proposal.Next.class, proposer.propose(sweep, trials))
                .params();
    }

    /** Runs a sweep of {@code budget} trials and returns its history. */
    private static List<Trial> run(String config, long seed, int budget, ToDoubleFunction<Map<String, Object>> f) {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(config, seed);
        List<Trial> trials = new ArrayList<>();
        for (int n = 1; n <= budget; n++) {
            Map<String, Object> p = next(proposer, sweep, trials);
            trials.add(trial(n, p, TrialState.FINISHED, f.applyAsDouble(p)));
        }
        return trials;
    }

    private static double best(List<Trial> trials, int from) {
        return trials.subList(from, trials.size()).stream()
                .mapToDouble(Trial::metric)
                .min()
                .orElseThrow();
    }

    @Test
    void startsExactlyAsRandomSearchDoes() {
        List<Trial> bayes = run(MIXED.formatted("bayes", "minimize"), 11, TpeSearch.STARTUP, TpeSearchTest::loss);
        List<Trial> random = run(MIXED.formatted("random", "minimize"), 11, TpeSearch.STARTUP, TpeSearchTest::loss);
        for (int i = 0; i < TpeSearch.STARTUP; i++) {
            assertEquals(random.get(i).params(), bayes.get(i).params());
        }
    }

    @Test
    void isDeterministicAndKeepsEveryValueInItsDomain() {
        List<Trial> a = run(MIXED.formatted("bayes", "minimize"), 3, 40, TpeSearchTest::loss);
        List<Trial> b = run(MIXED.formatted("bayes", "minimize"), 3, 40, TpeSearchTest::loss);
        assertEquals(
                a.stream().map(Trial::params).toList(),
                b.stream().map(Trial::params).toList());
        for (Trial t : a) {
            Map<String, Object> p = t.params();
            double lr = (Double) p.get("lr");
            assertTrue(lr >= 1e-5 && lr <= 1.0, "lr " + lr);
            long hidden = (Long) p.get("hidden");
            assertTrue(hidden >= 8 && hidden <= 512, "hidden " + hidden);
            long batch = (Long) p.get("batch");
            assertTrue(batch >= 16 && batch <= 256 && batch % 16 == 0, "batch " + batch);
            assertTrue(List.of("sgd", "adam", "rmsprop", "adagrad").contains(p.get("optimizer")));
            assertEquals(3L, p.get("epochs"));
        }
        List<Trial> other = run(MIXED.formatted("bayes", "minimize"), 4, 40, TpeSearchTest::loss);
        assertNotEquals(a.get(30).params(), other.get(30).params());
    }

    @Test
    void findsTheGoodRegionFasterThanRandom() {
        int wins = 0;
        for (long seed = 1; seed <= 9; seed++) {
            double bayes = best(run(MIXED.formatted("bayes", "minimize"), seed, 50, TpeSearchTest::loss), 0);
            double random = best(run(MIXED.formatted("random", "minimize"), seed, 50, TpeSearchTest::loss), 0);
            wins += bayes < random ? 1 : 0;
        }
        assertTrue(wins >= 7, "TPE beat random in only " + wins + " of 9 seeds");
    }

    @Test
    void learnsWhichCategoryIsGood() {
        List<Trial> trials = run(MIXED.formatted("bayes", "minimize"), 5, 60, TpeSearchTest::loss);
        long adam = trials.subList(30, 60).stream()
                .filter(t -> t.params().get("optimizer").equals("adam"))
                .count();
        assertTrue(adam >= 18, "adam in " + adam + " of the last 30 proposals");
    }

    @Test
    void maximizeSearchesTheOtherWay() {
        List<Trial> trials = run(MIXED.formatted("bayes", "maximize"), 5, 60, p -> -loss(p));
        double lastThird = trials.subList(40, 60).stream()
                .mapToDouble(Trial::metric)
                .average()
                .orElseThrow();
        double firstThird = trials.subList(0, 20).stream()
                .mapToDouble(Trial::metric)
                .average()
                .orElseThrow();
        assertTrue(lastThird > firstThird, firstThird + " then " + lastThird);
    }

    @Test
    void trialsWithoutAMetricAreNotObservations() {
        String config = MIXED.formatted("bayes", "minimize");
        List<Trial> finished = run(config, 8, 20, TpeSearchTest::loss);
        Sweep sweep = sweep(config, 8);
        Map<String, Object> expected = next(SweepSearch.proposer(), sweep, finished);
        // The same history plus trials that failed, crashed, were killed or logged no metric,
        // some carrying a (misleading) value: the proposal is the same but for the trial number
        // it is drawn for, so compare with a finished history of the same length.
        List<Trial> noisy = new ArrayList<>(finished);
        int n = 21;
        for (TrialState s : List.of(TrialState.FAILED, TrialState.CRASHED, TrialState.KILLED, TrialState.NO_METRIC)) {
            noisy.add(trial(n++, finished.get(0).params(), s, -1000.0));
        }
        noisy.add(trial(n, finished.get(1).params(), TrialState.FINISHED, null));
        List<Trial> padded = new ArrayList<>(finished);
        for (int i = 21; i <= n; i++) {
            padded.add(trial(i, Map.of("unrelated", 1L), TrialState.FINISHED, 1.0));
        }
        assertEquals(next(SweepSearch.proposer(), sweep, padded), next(SweepSearch.proposer(), sweep, noisy));
        assertNotEquals(expected, next(SweepSearch.proposer(), sweep, noisy), "the trial number seeds the draw");
    }

    @Test
    void handlesNormalBooleanAndSingleValuedParameters() {
        String config = """
                method: bayes
                metric: {name: loss}
                command: ./run
                parameters:
                  shift: {distribution: normal, mu: 2.0, sigma: 0.5}
                  flag: {values: [true, false]}
                  only: {values: [x]}
                """;
        List<Trial> trials = run(config, 9, 40, p -> {
            double d = (Double) p.get("shift") - 2.5;
            return d * d + ((Boolean) p.get("flag") ? 0 : 1);
        });
        for (Trial t : trials) {
            assertTrue(Double.isFinite((Double) t.params().get("shift")));
            assertEquals("x", t.params().get("only"));
        }
        long flagged = trials.subList(20, 40).stream()
                .filter(t -> (Boolean) t.params().get("flag"))
                .count();
        assertTrue(flagged >= 14, "flag=true in " + flagged + " of the last 20");
    }
}
