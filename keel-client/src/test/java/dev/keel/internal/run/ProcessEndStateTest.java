package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.internal.log.EventLogReader;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    void exitWithANonZeroStatusMarksTheRunFailedOnThisJdk() throws Exception {
        Ended run = ended(ChildProcesses.currentJava(), "exit3-watched", 3, List.of());
        assertTrue(run.output().stream().anyMatch(l -> l.startsWith("exit status known true")),
                "the exit status became knowable; output: " + run.output());
        assertEquals(List.of(), run.stray(), "printed by the mechanism; output: " + run.output());
        assertEquals(RunState.FAILED, run.info().state());
        assertEquals("exit status 3", run.error());
    }

    @Test
    void exitZeroOnceTheStatusIsKnownFinishesTheRun() throws Exception {
        Ended run = ended(ChildProcesses.currentJava(), "exit0-watched", 0, List.of());
        assertTrue(run.output().stream().anyMatch(l -> l.startsWith("exit status known true")),
                "the exit status became knowable; output: " + run.output());
        assertEquals(RunState.FINISHED, run.info().state());
        assertNull(run.error());
    }

    @Test
    void exitWithANonZeroStatusMarksTheRunFailedOnJdk21OrNewer() throws Exception {
        Path java = ChildProcesses.java21OrNewer();
        Assumptions.assumeTrue(java != null, "no JDK 21 or newer here (the Runtime logger path)");
        Ended run = ended(java, "exit3-watched", 3, List.of());
        assertEquals(RunState.FAILED, run.info().state());
        assertEquals("exit status 3", run.error());
    }

    /**
     * Documented, not hidden: on JDK 17-20 an exit before the agent is in place (here it never
     * comes: attaching is disabled) reads as finished, whatever the status; nothing is printed.
     */
    @Test
    void withoutTheAgentAnExitWithoutCloseReadsAsFinishedOnJdk17To20() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() < 21, "JDK 21+ knows the status without an agent");
        Ended run = ended(ChildProcesses.currentJava(), "exit3-watched", 3, List.of("-XX:+DisableAttachMechanism"));
        assertTrue(run.output().stream().anyMatch(l -> l.startsWith("exit status known false (attach mechanism disabled)")),
                "output: " + run.output());
        assertEquals(List.of(), run.stray(), "output: " + run.output());
        assertEquals(RunState.FINISHED, run.info().state());
        assertNull(run.error());
    }

    /** An exit racing the agent (the first milliseconds of a run) ends cleanly either way and prints nothing extra. */
    @Test
    void anExitRightAfterInitEndsCleanlyWhetherOrNotTheAgentArrived() throws Exception {
        Ended run = ended(ChildProcesses.currentJava(), "exit3", 3, List.of());
        assertEquals(List.of(), run.stray(), "no VM warning, no thread dump; output: " + run.output());
        if (run.info().state() == RunState.FAILED) {
            assertEquals("exit status 3", run.error());
        } else {
            assertEquals(RunState.FINISHED, run.info().state(), "failed in time or finished before the agent came");
            assertTrue(Runtime.version().feature() < 21, "JDK 21+ always knows the status");
        }
    }

    private record Ended(RunInfo info, String error, List<String> output) {
        /**
         * Lines that loading the agent could print if it went wrong: a CDS warning (boot class
         * path appended), a thread dump (a SIGQUIT without a listener), JDK 21's dynamic-agent
         * warning, an exception. (Other JVM warnings, e.g. JDK 24's about native access, are not ours.)
         */
        List<String> stray() {
            return output.stream().filter(l -> !l.startsWith("id ") && !l.startsWith("exit status known") && !l.startsWith("init took"))
                    .filter(l -> l.matches("(?i).*(sharing|dump|agent|attach|instrument|exception|keel).*")).toList();
        }
    }

    private Ended ended(Path java, String mode, int expectedExit, List<String> jvmOptions) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(java, home, mode, jvmOptions);
        String id = child.await("id ", 30_000).substring(3).trim();
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "child exits");
        assertEquals(expectedExit, child.process().exitValue(), "exit status; output: " + child.all());
        Thread.sleep(50); // the reader thread takes the last lines
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(1, store.history(id, "loss").size(), "the logged point is stored");
            return new Ended(info, lastError(id), List.copyOf(child.all()));
        }
    }

    /** The error of the run's last state record in its event log (the store keeps only the state). */
    private String lastError(String id) throws Exception {
        String error = null;
        try (EventLogReader r = EventLogReader.open(new KeelHome(home).eventLog(id))) {
            for (EventLogReader.Entry e; (e = r.next()) != null; ) {
                if (e.type() == EventType.STATE) {
                    error = (String) LogRecords.readJson(e.payload()).get("error");
                }
            }
        }
        return error;
    }
}
