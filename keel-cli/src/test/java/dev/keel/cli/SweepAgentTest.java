package dev.keel.cli;

import dev.keel.cli.SweepRig.AgentProcess;
import dev.keel.cli.view.Values;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel agent} running real trial programs on the embedded store, and {@code keel sweep show} reading them. */
class SweepAgentTest {
    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve("home");
    }

    @Test
    void aGridSweepEndsWithEveryTrialFinishedAndShowPutsTheBestFirst() throws Exception {
        String id = SweepRig.create(
                home(),
                dir,
                SweepRig.config("grid", "  x:\n    values: [3, 1, 0, 1.5]\n  epochs:\n    value: 2\n", ""));
        try (AgentProcess agent = new AgentProcess(dir, "agent", home(), Map.of(), id)) {
            assertEquals(0, agent.await(120), agent.output());
            assertTrue(agent.output().contains("no more trials"), agent.output());
            assertTrue(agent.output().contains("] trial 1 run "), "trial output is prefixed: " + agent.output());
        }
        List<Trial> trials = SweepRig.trials(home(), id);
        assertEquals(4, trials.size(), trials.toString());
        for (Trial t : trials) {
            assertEquals(TrialState.FINISHED, t.state(), t.toString());
            double x = ((Number) t.params().get("x")).doubleValue();
            assertEquals((x - 1) * (x - 1) + 0.5, t.metric(), 1e-9, t.toString());
        }
        assertEquals(SweepState.FINISHED, SweepRig.sweep(home(), id).state());
        try (Store store = Stores.open(new KeelHome(home()).storeLocation())) {
            for (Trial t : trials) {
                RunInfo run = store.run(t.runId()).orElseThrow(() -> new AssertionError("no run " + t.runId()));
                assertEquals(id, run.sweep(), "the trial's run carries its sweep");
            }
        }

        Cli.Result show = new Cli(home()).run("sweep", "show", id);
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("State:    finished"), show.out());
        assertTrue(show.out().contains("Method:   grid"), show.out());
        assertTrue(show.out().contains("Metric:   loss (minimize)"), show.out());
        assertTrue(show.out().contains("Best:     0.5  trial "), show.out());
        assertTrue(show.out().contains("Trials:   4 finished"), show.out());
        List<String> rows = show.out()
                .lines()
                .dropWhile(l -> !l.startsWith("#"))
                .skip(1)
                .filter(l -> !l.isBlank())
                .toList();
        assertEquals(4, rows.size(), show.out());
        assertTrue(rows.get(0).contains(" 0.5 "), show.out());
        assertTrue(rows.get(3).contains(" 4.5 "), show.out());

        Cli.Result json = new Cli(home()).run("sweep", "show", id, "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<Object> metrics = new ArrayList<>();
        for (Object t : (List<?>) Json.readMap(json.out()).get("trials")) {
            metrics.add(((Map<?, ?>) t).get("metric"));
        }
        assertEquals(List.of(0.5, 0.75, 1.5, 4.5), metrics, json.out());
        Cli.Result ls = new Cli(home()).run("sweep", "ls");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().contains(id) && ls.out().contains("4 finished"), ls.out());
    }

    @Test
    void misbehavingProgramsAreRecordedAsFailedKilledAndNoMetricAndNeverBest() throws Exception {
        String id = SweepRig.create(
                home(),
                dir,
                SweepRig.config("grid", "  mode:\n    values: [hang, fail, nometric, ok]\n  x:\n    value: 5\n", ""));
        try (AgentProcess agent = new AgentProcess(
                dir, "agent", home(), Map.of(), id, "--parallel", "2", "--trial-timeout", "4s", "--grace", "1s")) {
            assertEquals(0, agent.await(120), agent.output());
        }
        Map<String, Trial> byMode = SweepRig.trials(home(), id).stream()
                .collect(Collectors.toMap(t -> (String) t.params().get("mode"), t -> t));
        assertEquals(4, byMode.size(), byMode.toString());
        assertEquals(TrialState.KILLED, byMode.get("hang").state(), byMode.toString());
        assertTrue(byMode.get("hang").reason().startsWith("timeout after 4s"), byMode.toString());
        assertEquals(TrialState.FAILED, byMode.get("fail").state(), byMode.toString());
        assertEquals("exit 3", byMode.get("fail").reason());
        assertEquals(TrialState.NO_METRIC, byMode.get("nometric").state(), byMode.toString());
        assertNull(byMode.get("nometric").metric());
        assertEquals(TrialState.FINISHED, byMode.get("ok").state(), byMode.toString());

        // the failing and hanging trials logged a lower loss than the one that finished: never best
        assertTrue(byMode.get("fail").metric() < byMode.get("ok").metric(), byMode.toString());
        Cli.Result show = new Cli(home()).run("sweep", "show", id);
        assertTrue(
                show.out()
                        .contains("Best:     " + Values.brief(byMode.get("ok").metric()) + "  trial "
                                + byMode.get("ok").number() + ","),
                show.out());
        String firstRow = show.out()
                .lines()
                .dropWhile(l -> !l.startsWith("#"))
                .skip(1)
                .findFirst()
                .orElse("");
        assertTrue(firstRow.contains("finished"), show.out());

        // --parallel 2: the hanging trial ran alongside another one
        Trial hang = byMode.get("hang");
        assertTrue(
                byMode.values().stream()
                        .filter(t -> t != hang)
                        .anyMatch(
                                t -> t.claimedMillis() < hang.endedMillis() && hang.claimedMillis() < t.endedMillis()),
                byMode.toString());
    }

    @Test
    void anAgentSigkilledMidTrialLeavesACrashedTrialAndASecondAgentFinishesTheSweep() throws Exception {
        String id = SweepRig.create(
                home(),
                dir,
                SweepRig.config(
                        "grid",
                        "  x:\n    values: [0, 1, 2]\n  epochs:\n    value: 40\n  sleep_ms:\n    value: 100\n",
                        ""));
        long programPid;
        // the first agent's trial takes its time, so that it is killed mid-trial; the second's need not
        try (AgentProcess first = new AgentProcess(
                dir,
                "first",
                home(),
                Map.of(SweepTrialProgram.SLEEP_ENV, "100"),
                id,
                "--stale-after",
                "2s",
                "--grace",
                "1s")) {
            List<Trial> running = SweepRig.awaitTrials(
                    home(), id, ts -> !ts.isEmpty() && runHasPoints(ts.get(0).runId()), 90);
            programPid = programPid(running.get(0).runId());
            first.sigkill();
        }
        // the trial's program does not outlive its agent for long: its wrapper ends it on the agent's death
        Optional<ProcessHandle> program = ProcessHandle.of(programPid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (program.isPresent() && program.get().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(program.isPresent() && program.get().isAlive(), "the trial's program still runs");

        try (AgentProcess second = new AgentProcess(
                dir,
                "second",
                home(),
                Map.of(SweepTrialProgram.SLEEP_ENV, "5"),
                id,
                "--stale-after",
                "2s",
                "--grace",
                "1s")) {
            assertEquals(0, second.await(150), second.output());
        }
        List<Trial> trials = SweepRig.trials(home(), id);
        assertEquals(TrialState.CRASHED, trials.get(0).state(), trials.toString());
        assertEquals(4, trials.size(), "the crashed point was offered again, once: " + trials);
        List<Trial> finished =
                trials.stream().filter(t -> t.state() == TrialState.FINISHED).toList();
        assertEquals(3, finished.size(), trials.toString());
        Set<Object> xs = new TreeSet<>(Comparator.comparing(Object::toString));
        finished.forEach(t -> xs.add(t.params().get("x")));
        assertEquals(3, xs.size(), "every grid point finished once: " + trials);
        assertEquals(SweepState.FINISHED, SweepRig.sweep(home(), id).state());
    }

    @Test
    void twoAgentsRacingForTheLastTrialOfARunCapGiveItToExactlyOne() throws Exception {
        String id = SweepRig.create(
                home(), dir, SweepRig.config("random", "  x:\n    min: 0.0\n    max: 2.0\n", "run_cap: 1\n"));
        try (AgentProcess a = new AgentProcess(dir, "a", home(), Map.of(), id);
                AgentProcess b = new AgentProcess(dir, "b", home(), Map.of(), id)) {
            assertEquals(0, a.await(120), a.output());
            assertEquals(0, b.await(120), b.output());
            int ran = (a.output().contains("done, 1 trial ended here") ? 1 : 0)
                    + (b.output().contains("done, 1 trial ended here") ? 1 : 0);
            assertEquals(1, ran, a.output() + "\n----\n" + b.output());
            assertTrue(
                    a.output().contains("done, 0 trials ended here")
                            || b.output().contains("done, 0 trials ended here"),
                    a.output() + "\n----\n" + b.output());
        }
        List<Trial> trials = SweepRig.trials(home(), id);
        assertEquals(1, trials.size(), trials.toString());
        assertEquals(TrialState.FINISHED, trials.get(0).state());
    }

    @Test
    void aStopRequestEndsTheTrialStoppedAndCancelingTheSweepKillsTheRest() throws Exception {
        String id = SweepRig.create(
                home(),
                dir,
                SweepRig.config(
                        "grid",
                        "  mode:\n    value: hang\n  x:\n    values: [0, 1]\n  sleep_ms:\n    value: 100\n",
                        ""));
        try (AgentProcess agent =
                new AgentProcess(dir, "agent", home(), Map.of(), id, "--parallel", "2", "--grace", "20s")) {
            SweepRig.awaitTrials(
                    home(), id, ts -> ts.size() == 2 && ts.stream().allMatch(t -> runHasPoints(t.runId())), 90);
            try (Store store = Stores.open(new KeelHome(home()).storeLocation())) {
                store.sweeps().requestStop(id, 1, "the test asks it to stop");
            }
            List<Trial> stopped =
                    SweepRig.awaitTrials(home(), id, ts -> ts.get(0).state().isTerminal(), 60);
            Trial first = stopped.get(0);
            assertEquals(TrialState.STOPPED, first.state(), stopped.toString());
            assertEquals("the test asks it to stop", first.reason());
            assertNotNull(first.metric(), "a stopped trial keeps its last value");
            assertEquals(TrialState.RUNNING, stopped.get(1).state(), stopped.toString());

            Cli.Result cancel = new Cli(home()).run("sweep", "cancel", id);
            assertEquals(0, cancel.code(), cancel.err());
            assertEquals(id + "  canceled: agents kill its running trials\n", cancel.out());
            assertEquals(0, agent.await(90), agent.output());
        }
        Trial second = SweepRig.trials(home(), id).get(1);
        assertEquals(TrialState.KILLED, second.state(), second.toString());
        assertEquals("the sweep was canceled", second.reason());
    }

    @Test
    @SuppressWarnings("unchecked")
    void hyperbandStopsTrialsThatFallBehindAndTheyEndStoppedWithTheRulesReason() throws Exception {
        String id = SweepRig.create(
                home(),
                dir,
                SweepRig.config(
                        "grid",
                        // trial 1 sets the bar and need not take its time; the others get room to be stopped early
                        "  x:\n    values: [1, 4, 6]\n  epochs:\n    value: 30\n  sleep_ms:\n    value: 300\n"
                                + "  first_sleep_ms:\n    value: 10\n",
                        "early_terminate:\n  type: hyperband\n  min_iter: 1\n  eta: 2\n"));
        try (AgentProcess agent = new AgentProcess(dir, "agent", home(), Map.of(), id, "--grace", "20s")) {
            assertEquals(0, agent.await(150), agent.output());
        }
        List<Trial> trials = SweepRig.trials(home(), id);
        assertEquals(TrialState.FINISHED, trials.get(0).state(), trials.toString());
        List<Trial> stopped =
                trials.stream().filter(t -> t.state() == TrialState.STOPPED).toList();
        assertTrue(!stopped.isEmpty(), "a trial behind the first one was stopped: " + trials);
        for (Trial t : stopped) {
            assertTrue(t.reason().startsWith("hyperband"), t.toString());
            assertNotNull(t.metric(), t.toString());
            try (Store store = Stores.open(new KeelHome(home()).storeLocation())) {
                assertTrue(store.history(t.runId(), "loss").size() < 30, "it stopped before its last epoch: " + t);
            }
        }
        Cli.Result show = new Cli(home()).run("sweep", "show", id, "--format", "json");
        Map<String, Object> best =
                (Map<String, Object>) Json.readMap(show.out()).get("best");
        assertEquals(1, ((Number) best.get("trial")).intValue(), show.out());
    }

    private boolean runHasPoints(String runId) {
        try (Store store = Stores.open(new KeelHome(home()).storeLocation())) {
            return store.run(runId).isPresent() && store.history(runId, "loss").size() > 0;
        }
    }

    private long programPid(String runId) {
        try (Store store = Stores.open(new KeelHome(home()).storeLocation())) {
            RunInfo run = store.run(runId).orElseThrow();
            assertNotNull(run);
            return run.pid();
        }
    }

    static Map<Integer, Trial> byNumber(List<Trial> trials) {
        Map<Integer, Trial> m = new TreeMap<>();
        trials.forEach(t -> m.put(t.number(), t));
        return m;
    }
}
