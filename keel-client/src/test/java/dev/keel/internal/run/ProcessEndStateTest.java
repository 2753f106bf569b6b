package dev.keel.internal.run;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a run ends when its process ends without close(): child JVMs, real signals. */
class ProcessEndStateTest {
    @TempDir
    Path home;

    private RunInfo runOf(Path java, String mode, int expectedExit) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(java, home, mode);
        String id = child.await("id ", 30_000).substring(3).trim();
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "child exits");
        assertEquals(expectedExit, child.process().exitValue(), "exit status; output: " + child.all());
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(1, store.history(id, "loss").size(), "the logged point is stored");
            return info;
        }
    }

    @Test
    void sigtermMarksTheRunKilledAndTheJvmStillExits() throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "sleep");
        String id = child.await("id ", 30_000).substring(3).trim();
        child.await("ready", 30_000);
        child.process().destroy(); // SIGTERM
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "the JVM exits after SIGTERM");
        assertEquals(143, child.process().exitValue());
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.KILLED, info.state());
            assertTrue(info.endedAt() > 0);
            assertEquals(1, store.history(id, "loss").size());
        }
    }

    @Test
    void anUncaughtExceptionMarksTheRunFailedAndIsStillPrinted() throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "throw");
        child.await("id ", 30_000);
        child.await("Exception in thread \"main\" java.lang.IllegalStateException: training diverged", 30_000);
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, child.process().exitValue());
        try (Store store = TestRuns.reader(home)) {
            assertEquals(RunState.FAILED, store.searchRuns(dev.keel.core.store.RunQuery.all()).get(0).state());
        }
    }

    @Test
    void anExceptionEscapingTryWithResourcesMarksTheClosedRunFailed() throws Exception {
        assertEquals(RunState.FAILED, runOf(ChildProcesses.currentJava(), "throw-in-try", 1).state());
    }

    @Test
    void returningFromMainWithoutCloseFinishesTheRun() throws Exception {
        assertEquals(RunState.FINISHED, runOf(ChildProcesses.currentJava(), "return", 0).state());
    }

    @Test
    void exitZeroWithoutCloseFinishesTheRun() throws Exception {
        assertEquals(RunState.FINISHED, runOf(ChildProcesses.currentJava(), "exit0", 0).state());
    }

    @Test
    void exitWithANonZeroStatusMarksTheRunFailed() throws Exception {
        Path java = ChildProcesses.java21OrNewer();
        Assumptions.assumeTrue(java != null, "the exit status is only visible to a JVM of version 21 or newer");
        assertEquals(RunState.FAILED, runOf(java, "exit3", 3).state());
    }
}
