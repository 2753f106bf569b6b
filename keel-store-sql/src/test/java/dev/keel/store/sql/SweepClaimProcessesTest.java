package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four agent processes (real JVMs) claim the trials of one sweep at once, on SQLite and on
 * PostgreSQL: every trial up to the run cap is handed out exactly once, none is lost, and the
 * sweep finishes.
 */
class SweepClaimProcessesTest {
    private static final int AGENTS = 4;
    private static final int RUN_CAP = 60;

    @TempDir
    Path dir;

    @Test
    void agentProcessesShareAnSqliteStore() throws Exception {
        Path db = dir.resolve("keel.db");
        race(db.toString(), () -> new SqliteStore(db));
    }

    @Test
    void agentProcessesShareAPostgresStore() throws Exception {
        String url = TestPostgres.freshStoreUrl();
        race(url, () -> new PostgresStore(url));
    }

    private void race(String location, Supplier<Store> open) throws Exception {
        String sweepId;
        try (Store store = open.get()) {
            sweepId = store.sweeps()
                    .create("p", "race", "run_cap: " + RUN_CAP, 1, "")
                    .id();
        }
        Path go = dir.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int a = 0; a < AGENTS; a++) {
            children.add(new ProcessBuilder(
                            java,
                            "-Xmx64m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ClaimingAgentMain.class.getName(),
                            location,
                            sweepId,
                            "agent-" + a,
                            go.toString(),
                            Integer.toString(RUN_CAP))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent" + a + ".log").toFile())
                    .start());
        }
        Thread.sleep(300);
        Files.writeString(go, "go");
        List<String> claimed = new ArrayList<>();
        for (int a = 0; a < AGENTS; a++) {
            Process child = children.get(a);
            boolean exited = child.waitFor(180, TimeUnit.SECONDS);
            if (!exited) {
                children.forEach(Process::destroyForcibly);
            }
            assertTrue(exited, "agent " + a + " did not finish");
            String log = Files.readString(dir.resolve("agent" + a + ".log"));
            assertEquals(0, child.exitValue(), "agent " + a + " failed: " + log);
            log.lines().filter(l -> l.startsWith("claimed ")).forEach(claimed::add);
        }
        Files.delete(go);

        List<Integer> numbers = IntStream.rangeClosed(1, RUN_CAP).boxed().toList();
        assertEquals(RUN_CAP, claimed.size(), "trials the agents say they got: " + claimed);
        assertEquals(new HashSet<>(numbers), numbersOf(claimed));
        try (Store store = open.get()) {
            List<Trial> trials = store.sweeps().trials(sweepId);
            assertEquals(numbers, trials.stream().map(Trial::number).toList());
            assertEquals(RUN_CAP, trials.stream().map(Trial::runId).distinct().count());
            assertEquals(
                    RUN_CAP,
                    trials.stream().map(t -> t.params().get("x")).distinct().count());
            assertTrue(trials.stream().allMatch(t -> t.state() == TrialState.FINISHED), trials.toString());
            Sweep sweep = store.sweeps().sweep(sweepId).orElseThrow();
            assertEquals(SweepState.FINISHED, sweep.state());
        }
    }

    private static Set<Integer> numbersOf(List<String> claimed) {
        Set<Integer> out = new HashSet<>();
        for (String line : claimed) {
            assertTrue(out.add(Integer.parseInt(line.split(" ")[1])), "handed out twice: " + line);
        }
        return out;
    }
}
