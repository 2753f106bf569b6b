package dev.keel.sweep;

import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialProposer;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchTest {
    private static final String GRID = """
            method: grid
            metric: {name: loss}
            command: ./run
            parameters:
              hidden: {values: [32, 64]}
              optimizer: {kind: {values: [adam, sgd, rms]}}
              epochs: {value: 5}
            """;
    private static final String RANDOM = """
            method: random
            metric: {name: loss}
            command: ./run
            parameters:
              lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
              hidden: {distribution: int_uniform, min: 32, max: 256}
              batch: {distribution: q_uniform, min: 16, max: 128, q: 16}
              drop: {distribution: q_uniform, min: 0, max: 0.5, q: 0.05}
              kind: {distribution: categorical, values: [a, b, c]}
              noise: {distribution: normal, mu: 1, sigma: 0.5}
              u: {distribution: uniform, min: -1, max: 1}
            """;

    static Sweep sweep(String config, long seed) {
        return new Sweep("sw" + Math.abs(config.hashCode()), "p", "s", config, seed, SweepState.RUNNING, 0, 0, "");
    }

    static Trial trial(int number, Map<String, Object> params, TrialState state, Double metric) {
        return new Trial("s", number, params, state, "agent", "run" + number, 0, 0, 0, metric, "");
    }

    private static Map<String, Object> next(TrialProposer proposer, Sweep sweep, List<Trial> trials) {
        return assertInstanceOf(Proposal.Next.class, proposer.propose(sweep, trials))
                .params();
    }

    @Test
    void gridVisitsEveryPointOnceThenIsExhausted() {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(GRID, 1);
        List<Trial> trials = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int n = 1; n <= 6; n++) {
            Map<String, Object> p = next(proposer, sweep, trials);
            assertEquals(5L, p.get("epochs"));
            assertTrue(seen.add(Overrides.line(p)), "repeated " + p);
            trials.add(trial(n, p, n == 2 ? TrialState.FAILED : TrialState.FINISHED, 1.0));
        }
        assertEquals(
                Map.of("hidden", 32L, "optimizer.kind", "adam", "epochs", 5L),
                trials.get(0).params());
        assertEquals(
                Map.of("hidden", 32L, "optimizer.kind", "sgd", "epochs", 5L),
                trials.get(1).params());
        assertEquals(
                Map.of("hidden", 64L, "optimizer.kind", "adam", "epochs", 5L),
                trials.get(3).params());
        Proposal.Exhausted done = assertInstanceOf(Proposal.Exhausted.class, proposer.propose(sweep, trials));
        assertEquals("the grid's 6 points have all been tried", done.reason());
    }

    @Test
    void gridOffersACrashedTrialsPointAgain() {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(GRID, 1);
        List<Trial> trials = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            trials.add(trial(n, next(proposer, sweep, trials), TrialState.RUNNING, null));
        }
        assertEquals(Map.of("hidden", 64L, "optimizer.kind", "adam", "epochs", 5L), next(proposer, sweep, trials));
        trials.set(1, trial(2, trials.get(1).params(), TrialState.CRASHED, null));
        assertEquals(trials.get(1).params(), next(proposer, sweep, trials));
    }

    @Test
    void gridMatchesParamsThatCameBackAsOtherNumberTypes() {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(GRID, 1);
        List<Trial> trials = List.of(
                trial(1, Map.of("hidden", 32.0, "optimizer.kind", "adam", "epochs", 5.0), TrialState.FINISHED, 1.0));
        assertEquals(Map.of("hidden", 32L, "optimizer.kind", "sgd", "epochs", 5L), next(proposer, sweep, trials));
    }

    @Test
    void randomIsDeterministicFromSeedAndHistoryAndStaysInRange() {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(RANDOM, 42);
        List<Trial> trials = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (int n = 1; n <= 300; n++) {
            Map<String, Object> p = next(proposer, sweep, trials);
            assertEquals(p, next(SweepSearch.proposer(), sweep(RANDOM, 42), trials));
            double lr = (Double) p.get("lr");
            assertTrue(lr >= 1e-4 && lr <= 0.1, "lr " + lr);
            long hidden = (Long) p.get("hidden");
            assertTrue(hidden >= 32 && hidden <= 256);
            long batch = (Long) p.get("batch");
            assertTrue(batch % 16 == 0 && batch >= 16 && batch <= 128, "batch " + batch);
            double drop = (Double) p.get("drop");
            assertEquals(Math.round(drop * 20) / 20.0, drop, 0.0);
            assertTrue(drop >= 0 && drop <= 0.5);
            assertTrue(List.of("a", "b", "c").contains(p.get("kind")));
            double u = (Double) p.get("u");
            assertTrue(u >= -1 && u <= 1);
            assertInstanceOf(Double.class, p.get("noise"));
            distinct.add(Overrides.line(p));
            trials.add(trial(n, p, TrialState.FINISHED, lr));
        }
        assertEquals(300, distinct.size());
        assertNotEquals(next(proposer, sweep(RANDOM, 42), List.of()), next(proposer, sweep(RANDOM, 43), List.of()));
    }

    @Test
    void randomLogUniformCoversEachDecadeAlike() {
        TrialProposer proposer = SweepSearch.proposer();
        Sweep sweep = sweep(RANDOM, 5);
        int[] decades = new int[3];
        for (int n = 0; n < 3000; n++) {
            Map<String, Object> p = next(proposer, sweep, List.of(trial(n, Map.of(), TrialState.FINISHED, 1.0)));
            double lr = (Double) p.get("lr");
            decades[Math.min(2, (int) Math.floor(Math.log10(lr) + 4))]++;
        }
        for (int count : decades) {
            assertTrue(count > 850 && count < 1150, "decade counts " + List.of(decades[0], decades[1], decades[2]));
        }
    }

    @Test
    void aConfigThatNoLongerParsesFailsWithItsMessage() {
        SweepConfigException e = assertThrows(
                SweepConfigException.class,
                () -> SweepSearch.proposer().propose(sweep("method: nope\n", 1), List.of()));
        assertTrue(e.getMessage().contains("line 1: method: unknown method 'nope'"), e.getMessage());
    }
}
