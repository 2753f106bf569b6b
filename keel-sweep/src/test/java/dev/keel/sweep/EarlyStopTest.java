package dev.keel.sweep;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStopTest {

    private static EarlyStop rule(String earlyTerminate, String goal) {
        SweepConfig config = SweepConfig.parse(
                "method: random\nmetric: {name: val_loss, goal: " + goal + "}\n"
                        + "command: ./run\nparameters: {a: {min: 0.0, max: 1.0}}\nearly_terminate: " + earlyTerminate
                        + "\n",
                "s.yaml");
        return EarlyStop.of(config).orElseThrow();
    }

    /** A curve with values at steps 1, 2, 3, … */
    private static TrialCurve curve(int number, boolean ended, double... values) {
        TreeMap<Long, Double> m = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put((long) i + 1, values[i]);
        }
        return new TrialCurve(number, m, ended);
    }

    @Test
    void noRuleWithoutEarlyTerminate() {
        SweepConfig config = SweepConfig.parse(
                "method: random\nmetric: {name: m}\ncommand: x\nparameters: {a: {min: 0.0, max: 1.0}}\n", "s.yaml");
        assertTrue(EarlyStop.of(config).isEmpty());
    }

    @Test
    void hyperbandRungsFollowMinIterEtaAndMaxIter() {
        Hyperband h = (Hyperband) rule("{type: hyperband, min_iter: 2, eta: 3, max_iter: 54}", "minimize");
        assertEquals(-1, h.rungFor(1));
        assertEquals(2, h.rungFor(2));
        assertEquals(2, h.rungFor(5));
        assertEquals(6, h.rungFor(6));
        assertEquals(18, h.rungFor(53));
        assertEquals(18, h.rungFor(1000));
        Hyperband open = (Hyperband) rule("{type: hyperband, min_iter: 1, eta: 2}", "minimize");
        assertEquals(64, open.rungFor(100));
    }

    @Test
    void hyperbandStopsATrialOutsideTheTopThirdOfItsRung() {
        EarlyStop h = rule("{type: hyperband, min_iter: 1, eta: 3}", "minimize");
        List<TrialCurve> others = List.of(
                curve(1, true, 0.9, 0.5, 0.40),
                curve(2, true, 0.8, 0.6, 0.45),
                curve(3, false, 0.7, 0.55, 0.5),
                curve(4, false, 0.95, 0.7, 0.6, 0.58),
                curve(5, false, 0.9, 0.65, 0.62));
        // At step 3 (rung 3): values 0.40, 0.45, 0.5, 0.6, 0.62 and the current's; top ceil(6/3) = 2.
        assertEquals(
                Optional.of("hyperband: val_loss 0.52 at iteration 3 is above 0.45, the cut for the best 1/3"
                        + " (2 of 6 trials at iteration 3)"),
                h.check(curve(6, false, 0.9, 0.6, 0.52), others));
        assertEquals(Optional.empty(), h.check(curve(6, false, 0.9, 0.6, 0.44), others));
        // Between rungs the trial is judged at the rung it passed, by its best value up to it.
        assertEquals(Optional.empty(), h.check(curve(6, false, 0.9, 0.6, 0.44, 0.9, 0.9), others));
        assertEquals(Optional.empty(), h.check(curve(6, true, 0.9, 0.6, 0.99), others));
    }

    @Test
    void hyperbandRespectsMaximize() {
        EarlyStop h = rule("{type: hyperband, min_iter: 1, eta: 2}", "maximize");
        List<TrialCurve> others = List.of(curve(1, true, 0.8), curve(2, true, 0.7), curve(3, true, 0.6));
        assertEquals(
                Optional.of("hyperband: val_loss 0.65 at iteration 1 is below 0.7, the cut for the best 1/2"
                        + " (2 of 4 trials at iteration 1)"),
                h.check(curve(4, false, 0.65), others));
        assertEquals(Optional.empty(), h.check(curve(4, false, 0.75), others));
    }

    @Test
    void hyperbandLetsTheFirstTrialAtARungGoOn() {
        EarlyStop h = rule("{type: hyperband, min_iter: 1, eta: 3}", "minimize");
        assertEquals(Optional.empty(), h.check(curve(1, false, 100.0), List.of()));
        // Trials that never got to the rung do not count there.
        assertEquals(Optional.empty(), h.check(curve(2, false, 5.0, 5.0, 5.0), List.of(curve(1, false, 1.0, 1.0))));
    }

    @Test
    void medianStopsATrialWorseThanTheMedianOfOthersAtItsStep() {
        EarlyStop m = rule("{type: median, min_iter: 2}", "minimize");
        List<TrialCurve> others = new ArrayList<>(
                List.of(curve(1, true, 1.0, 0.5, 0.3), curve(2, true, 1.0, 0.6, 0.4), curve(3, false, 1.0, 0.7)));
        assertEquals(
                Optional.of("median: val_loss 0.65 (best by iteration 2) is above the median 0.6 of 3 other trials"
                        + " at iteration 2"),
                m.check(curve(4, false, 0.9, 0.65), others));
        assertEquals(Optional.empty(), m.check(curve(4, false, 0.55, 0.65), others), "its best so far counts");
        assertEquals(Optional.empty(), m.check(curve(4, false, 2.0), others), "before min_iter");
        others.remove(2);
        assertEquals(Optional.empty(), m.check(curve(4, false, 0.9, 0.65), others), "fewer than min_trials others");
    }

    @Test
    void medianRespectsMaximizeAndSkipsItself() {
        EarlyStop m = rule("{type: median, min_iter: 1, min_trials: 2}", "maximize");
        TrialCurve current = curve(3, false, 0.5);
        List<TrialCurve> all = List.of(curve(1, true, 0.6), curve(2, false, 0.8), current);
        assertEquals(
                Optional.of("median: val_loss 0.5 (best by iteration 1) is below the median 0.7 of 2 other trials"
                        + " at iteration 1"),
                m.check(current, all));
        assertEquals(Optional.empty(), m.check(curve(3, false, 0.75), all));
    }
}
