package dev.keel.internal.run;

import dev.keel.core.RunInfo;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run killed with SIGKILL and resumed by another process names that process, and keeps both attempts. */
class ResumedProcessTest {
    @TempDir
    Path home;

    @Test
    void theResumedProcessRecordsItsOwnHostAndPidAndTheAttemptsListBoth() throws Exception {
        ConsoleChild killed = ConsoleChild.start(home, "kill", List.of(), null);
        killed.awaitLine("ready");
        String id = killed.id();
        long killedPid = killed.process().pid();
        try (Store store = TestRuns.reader(home)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (store.run(id).isEmpty()) {
                assertTrue(System.currentTimeMillis() < deadline, "the run never reached the store");
                Thread.sleep(50);
            }
            assertEquals(killedPid, store.run(id).orElseThrow().pid());
        }
        killed.process().destroyForcibly().waitFor();

        ConsoleChild resumed = ConsoleChild.start(home, "all", List.of(), id);
        assertEquals(0, resumed.waitFor(), resumed.output());
        try (Store store = TestRuns.reader(home)) {
            RunInfo run = store.run(id).orElseThrow();
            assertEquals(resumed.process().pid(), run.pid(), "run show names the process that recorded it last");
            assertEquals(Hosts.name(), run.host());
            List<?> attempts = (List<?>) store.provenance(id).get("attempts");
            assertEquals(2, attempts.size(), attempts.toString());
            assertEquals(
                    killedPid, ((Number) ((Map<?, ?>) attempts.get(0)).get("pid")).longValue(), attempts.toString());
            assertEquals(resumed.process().pid(), ((Number) ((Map<?, ?>) attempts.get(1)).get("pid")).longValue());
            assertEquals(Hosts.name(), ((Map<?, ?>) attempts.get(1)).get("host"));
        }
    }
}
