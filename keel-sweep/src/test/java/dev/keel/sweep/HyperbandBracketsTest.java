package dev.keel.sweep;

import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.sweep.HyperbandBrackets.Action;
import dev.keel.sweep.HyperbandBrackets.Decision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperband's brackets of synchronous successive halving, decided from trial rows and curves. */
class HyperbandBracketsTest {
    private static final String HEAD =
            "method: grid\nmetric: {name: acc, goal: maximize}\nparameters:\n  x: {values: [1, 2, 3]}\ncommand: [run]\n";

    private static HyperbandBrackets brackets(String earlyTerminate) {
        SweepConfig config = SweepConfig.parse(HEAD + "early_terminate: " + earlyTerminate + "\n", "test");
        return HyperbandBrackets.of(config).orElseThrow();
    }

    /** W&B's reference numbers: R = 9, r = 1, eta = 3 gives brackets of 9, 5 and 3 trials. */
    private final HyperbandBrackets hb = brackets("{type: hyperband, min_iter: 1, eta: 3, max_iter: 9}");

    /** The sweep's trials and their curves, as the agent reads them. */
    private final List<Trial> trials = new ArrayList<>();

    private final Map<Integer, TrialCurve> curves = new HashMap<>();

    private void trial(int number, TrialState state, double... values) {
        TreeMap<Long, Double> byIteration = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            byIteration.put(i + 1L, values[i]);
        }
        trials.add(new Trial("s", number, Map.of(), state, "a", "run" + number, 0, 0, 0, null, ""));
        curves.put(number, new TrialCurve(number, byIteration, state.isTerminal()));
    }

    private static List<String> shown(List<Decision> decisions) {
        return decisions.stream()
                .map(d -> d.number() + " " + d.action() + (d.action() == Action.RESUME ? " to " + d.pauseAt() : ""))
                .toList();
    }

    @Test
    void bracketsFollowThePaperAndTakeTrialsInOrder() {
        assertEquals(new HyperbandBrackets.Place(0, 2, 1, 9), hb.place(1));
        assertEquals(new HyperbandBrackets.Place(0, 2, 1, 9), hb.place(9));
        assertEquals(new HyperbandBrackets.Place(1, 1, 10, 5), hb.place(10));
        assertEquals(new HyperbandBrackets.Place(2, 0, 15, 3), hb.place(17));
        assertEquals(new HyperbandBrackets.Place(3, 2, 18, 9), hb.place(18), "then again from the first kind");
        assertArrayEquals(new long[] {1, 3}, hb.rungsOf(2));
        assertArrayEquals(new long[] {3}, hb.rungsOf(1));
        assertEquals(1, hb.firstPause(1));
        assertEquals(3, hb.firstPause(12));
        assertEquals(0, hb.firstPause(16), "the last kind of bracket runs its trials to max_iter");

        HyperbandBrackets wide = brackets("{type: hyperband, min_iter: 2, eta: 2, max_iter: 10}");
        assertArrayEquals(new long[] {2, 4, 8}, wide.rungsOf(3), "rungs below max_iter, even when it is not a power");
        assertEquals(8, wide.place(1).size(), "(s_max + 1) / (s + 1) * eta^s = 4/4 * 8");
        assertEquals(6, wide.place(9).size(), "4/3 * 4 rounded up");
    }

    @Test
    void aRungWaitsForEveryTrialOfItsBracketThenPromotesTheBestThird() {
        double[] accs = {0.70, 0.80, 0.75, 0.60, 0.90, 0.65, 0.85, 0.50, 0.55};
        for (int n = 1; n <= 8; n++) {
            trial(n, TrialState.PAUSED, accs[n - 1]);
        }
        trial(9, TrialState.RUNNING);
        assertEquals(List.of(), hb.decide(trials, curves, false), "trial 9 has not reached iteration 1");

        trials.remove(8);
        trial(9, TrialState.PAUSED, accs[8]);
        List<Decision> d = hb.decide(trials, curves, false);
        assertEquals(
                List.of(
                        "1 STOP",
                        "2 RESUME to 3",
                        "3 STOP",
                        "4 STOP",
                        "5 RESUME to 3",
                        "6 STOP",
                        "7 RESUME to 3",
                        "8 STOP",
                        "9 STOP"),
                shown(d));
        String stop = d.get(0).reason();
        assertTrue(
                stop.equals("hyperband: acc 0.7 at iteration 1 (bracket 1, s=2, 9 trials at this rung, best 3 go on):"
                        + " not among the best, the cut was 0.8"),
                stop);
        assertTrue(
                d.get(1).reason().startsWith("hyperband: promoted with acc 0.8 at iteration 1"),
                d.get(1).reason());
    }

    @Test
    void theSecondRungPromotesOneToTheEndAndDecidedTrialsAreNotDecidedAgain() {
        double[][] curvesOf = {
            {0.70}, {0.80, 0.82, 0.84}, {0.75}, {0.60}, {0.90, 0.91, 0.92}, {0.65}, {0.85, 0.86}, {0.50}, {0.55}
        };
        for (int n = 1; n <= 9; n++) {
            boolean dropped = curvesOf[n - 1].length == 1;
            trial(n, dropped ? TrialState.STOPPED : n == 7 ? TrialState.RUNNING : TrialState.PAUSED, curvesOf[n - 1]);
        }
        assertEquals(List.of(), hb.decide(trials, curves, false), "trial 7 is on its way to iteration 3");

        trials.removeIf(t -> t.number() == 7);
        trial(7, TrialState.PAUSED, 0.85, 0.86, 0.95);
        assertEquals(List.of("2 STOP", "5 STOP", "7 RESUME to 0"), shown(hb.decide(trials, curves, false)));
    }

    @Test
    void minimizingKeepsTheLowestAndTiesGoToTheEarlierTrial() {
        HyperbandBrackets loss = new HyperbandBrackets("loss", true, 1, 2, 4);
        // brackets of 4, 3 and 3 trials; the first has rungs 1 and 2
        trials.clear();
        trial(1, TrialState.PAUSED, 0.5);
        trial(2, TrialState.PAUSED, 0.3);
        trial(3, TrialState.PAUSED, 0.3);
        trial(4, TrialState.PAUSED, 0.9);
        assertEquals(
                List.of("1 STOP", "2 RESUME to 2", "3 RESUME to 2", "4 STOP"),
                shown(loss.decide(trials, curves, false)));
    }

    @Test
    void trialsThatEndedOnTheirOwnCountAtTheRungButNeverGoOn() {
        trial(1, TrialState.FAILED, 0.99);
        trial(2, TrialState.NO_METRIC);
        trial(3, TrialState.CRASHED);
        for (int n = 4; n <= 9; n++) {
            trial(n, TrialState.PAUSED, 0.1 * n - 0.35);
        }
        // 9 trials at the rung: 3 go on, from those that can (the failed one's 0.99 does not count)
        assertEquals(
                List.of("4 STOP", "5 STOP", "6 STOP", "7 RESUME to 3", "8 RESUME to 3", "9 RESUME to 3"),
                shown(hb.decide(trials, curves, false)));
    }

    @Test
    void aBracketTheSearchLeftShortIsDecidedOnceTheSearchIsExhausted() {
        for (int n = 1; n <= 9; n++) {
            trial(n, TrialState.STOPPED, 0.5);
        }
        // the grid had 12 points: the second bracket (5 trials at iteration 3) got 3
        trial(10, TrialState.PAUSED, 0.70, 0.80, 0.85);
        trial(11, TrialState.PAUSED, 0.72, 0.81, 0.88);
        trial(12, TrialState.PAUSED, 0.74, 0.79, 0.84);
        assertEquals(List.of(), hb.decide(trials, curves, false), "more trials may still join it");
        assertEquals(
                List.of("10 STOP", "11 RESUME to 0", "12 STOP"),
                shown(hb.decide(trials, curves, true)),
                "3 trials: the best one goes on to max_iter");
    }

    @Test
    void withoutMaxIterTheBracketsDoNotApply() {
        SweepConfig config = SweepConfig.parse(HEAD + "early_terminate: {type: hyperband, min_iter: 1}\n", "test");
        assertTrue(HyperbandBrackets.of(config).isEmpty());
        SweepConfig median = SweepConfig.parse(HEAD + "early_terminate: {type: median}\n", "test");
        assertTrue(HyperbandBrackets.of(median).isEmpty());
        SweepConfig ws = SweepConfig.parse(HEAD + "early_terminate: {type: hyperband, max_iter: 27, s: 2}\n", "test");
        assertArrayEquals(
                new long[] {3, 9}, HyperbandBrackets.of(ws).orElseThrow().rungsOf(2), "W&B's max_iter and s");
    }
}
