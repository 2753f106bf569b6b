package dev.keel.cli;

import dev.keel.cli.SweepRig.AgentProcess;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hyperband's brackets with real trial programs: each trial pauses at its rung (its program
 * ends, its run stopped), the bracket promotes the best, and a promoted trial's program starts
 * again under the same run and goes on from the epoch after its rung.
 */
class HyperbandAgentTest {
    @TempDir
    Path dir;

    @Test
    void trialsPauseAtTheirRungAndOnlyThePromotedOnesResumeWhereTheyPaused() throws Exception {
        Path home = dir.resolve("home");
        // min_iter 1, eta 2, max_iter 4: the first bracket takes 4 trials, rungs at iterations 1 and 2.
        // loss = (x - 1)^2 + 1 / (epoch + 1): x = 1 is best, then 1.5, 0, 3.
        String id = SweepRig.create(
                home,
                dir,
                SweepRig.config(
                        "grid",
                        "  x:\n    values: [3, 1, 0, 1.5]\n  epochs:\n    value: 4\n  sleep_ms:\n    value: 10\n",
                        "early_terminate: {type: hyperband, min_iter: 1, eta: 2, max_iter: 4}\n"));
        String out;
        try (AgentProcess agent = new AgentProcess(dir, "agent", home, Map.of(), id)) {
            assertEquals(0, agent.await(300), agent.output());
            out = agent.output();
        }
        Map<Double, Trial> byX = SweepRig.trials(home, id).stream()
                .collect(Collectors.toMap(t -> ((Number) t.params().get("x")).doubleValue(), Function.identity()));
        assertEquals(4, byX.size(), "the grid's 4 points, no trial twice: " + byX);
        assertEquals(SweepState.FINISHED, SweepRig.sweep(home, id).state());

        // rung 1: the best 2 of 4 go on; rung 2: the best 1 of 2 runs to the end
        assertEquals(TrialState.STOPPED, byX.get(3.0).state(), byX.toString());
        assertEquals(TrialState.STOPPED, byX.get(0.0).state(), byX.toString());
        assertEquals(TrialState.STOPPED, byX.get(1.5).state(), byX.toString());
        assertEquals(TrialState.FINISHED, byX.get(1.0).state(), byX.toString());
        assertTrue(
                byX.get(3.0).reason().contains("at iteration 1 (bracket 1"),
                byX.get(3.0).reason());
        assertTrue(
                byX.get(1.5).reason().contains("at iteration 2 (bracket 1"),
                byX.get(1.5).reason());
        assertEquals(0.25, byX.get(1.0).metric(), 1e-12, "x = 1 ran its 4 epochs: 0 + 1/4");

        // exactly 4 + 2 + 2 epochs trained, not 16: every epoch once, none again after a resume
        List<String> epochs =
                out.lines().filter(l -> l.matches("\\[\\d+] epoch \\d+ x=.*")).toList();
        assertEquals(8, epochs.size(), out);
        String best = "[" + byX.get(1.0).number() + "] ";
        assertEquals(
                List.of("epoch 0", "epoch 1", "epoch 2", "epoch 3"),
                epochs.stream()
                        .filter(l -> l.startsWith(best))
                        .map(l -> l.substring(best.length(), l.indexOf(" x=")))
                        .toList(),
                out);
        assertTrue(out.contains(best + "resumed at epoch 1"), out);
        assertEquals(
                1,
                count(
                        out,
                        "trial " + byX.get(1.0).number() + " promoted: hyperband: promoted with loss 1 at iteration 1"),
                out);
        assertTrue(out.contains(best + "resumed at epoch 2"), out);
        assertEquals(2, count(out, "trial " + byX.get(1.0).number() + " paused"), out);
        assertEquals(
                2, count(out, "trial " + byX.get(1.5).number() + " paused"), "promoted once, then dropped: " + out);
        assertEquals(1, count(out, "trial " + byX.get(0.0).number() + " paused"), out);
        assertEquals(1, count(out, "trial " + byX.get(3.0).number() + " paused"), out);

        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            Trial winner = byX.get(1.0);
            RunInfo run = store.run(winner.runId()).orElseThrow();
            assertEquals(RunState.FINISHED, run.state(), "the promoted trial's one run ended finished");
            MetricSeries loss = store.history(winner.runId(), "loss");
            assertArrayEquals(new long[] {0, 1, 2, 3}, loss.steps(), "each epoch's loss once, in one run");
            RunInfo dropped = store.run(byX.get(0.0).runId()).orElseThrow();
            assertEquals(RunState.STOPPED, dropped.state(), "a trial its bracket dropped stays stopped at its rung");
            assertEquals(1, store.history(dropped.id(), "loss").size());
        }

        Cli.Result show = new Cli(home).run("sweep", "show", id);
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("Trials:   1 finished, 3 stopped"), show.out());
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }
}
