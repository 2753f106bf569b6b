package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.internal.log.EventLogReader;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
            assertEquals(
                    RunState.FAILED, store.searchRuns(RunQuery.all()).get(0).state());
        }
    }

    @Test
    void anExceptionEscapingTryWithResourcesMarksTheClosedRunFailed() throws Exception {
        assertEquals(
                RunState.FAILED,
                runOf(ChildProcesses.currentJava(), "throw-in-try", 1).state());
    }

    @Test
    void returningFromMainWithoutCloseFinishesTheRunWithNothingToReport() throws Exception {
        Ended run = ended(ChildProcesses.currentJava(), "return", 0, List.of());
        assertEquals(RunState.FINISHED, run.info().state());
        assertEquals(List.of(), run.info().problems());
    }

    @Test
    void exitZeroWithoutCloseFinishesTheRun() throws Exception {
        assertEquals(
                RunState.FINISHED,
                runOf(ChildProcesses.currentJava(), "exit0", 0).state());
    }

    /** JDK 17-20 do not report the status of System.exit, and Keel does not change the JVM to learn it. */
    @Test
    void exitWithoutCloseOnJdk17ReadsFinishedWithTheStatusUnknown() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() < 21, "this JDK reports the exit status");
        Ended run = ended(ChildProcesses.currentJava(), "exit3", 3, List.of());
        assertEquals(RunState.FINISHED, run.info().state());
        assertNull(run.error());
        assertEquals(List.of(ProcessHooks.STATUS_UNKNOWN), run.info().problems());
        assertEquals(List.of(), run.stray(), "output: " + run.output());
    }

    @Test
    void exitWithoutCloseOnJdk25RecordsTheStatus() throws Exception {
        Path java = ChildProcesses.temurin25();
        Assumptions.assumeTrue(java != null, "no Temurin 25 here (the java.lang.Runtime logger path)");
        Ended run = ended(java, "exit3", 3, List.of());
        assertEquals(RunState.FAILED, run.info().state());
        assertEquals("exit status 3", run.error());
        assertEquals(List.of(), run.info().problems());
    }

    @Test
    void runExitRecordsTheStatusOnJdk17() throws Exception {
        Ended run = ended(ChildProcesses.currentJava(), "run-exit3", 3, List.of());
        assertEquals(RunState.FAILED, run.info().state());
        assertEquals("exit status 3", run.error());
        assertEquals(List.of(), run.info().problems());
    }

    @Test
    void runExitRecordsTheStatusOnJdk25() throws Exception {
        Path java = ChildProcesses.temurin25();
        Assumptions.assumeTrue(java != null, "no Temurin 25 here");
        Ended run = ended(java, "run-exit3", 3, List.of());
        assertEquals(RunState.FAILED, run.info().state());
        assertEquals("exit status 3", run.error());
        assertEquals(List.of(), run.info().problems());
    }

    /**
     * Keel never wakes HotSpot's attach listener: no {@code .java_pid<pid>} socket or
     * {@code .attach_pid<pid>} trigger appears, neither in the child's own temporary folder nor
     * in {@code /tmp}, where HotSpot puts them whatever {@code java.io.tmpdir} says.
     */
    @Test
    void aRunningRunLeavesNoAttachFiles(@TempDir Path tmp) throws Exception {
        ChildProcesses.Child child =
                ChildProcesses.start(ChildProcesses.currentJava(), home, "sleep", List.of("-Djava.io.tmpdir=" + tmp));
        try {
            child.await("ready", 30_000);
            long pid = child.process().pid();
            List<Path> attachFiles = List.of(Path.of("/tmp/.java_pid" + pid), Path.of("/tmp/.attach_pid" + pid));
            // background work of the run's start (provenance, companions) gets time to do whatever it does
            for (int i = 0; i < 20; i++) {
                assertEquals(
                        List.of(), attachFiles.stream().filter(Files::exists).toList());
                Thread.sleep(100);
            }
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(
                        List.of(),
                        files.map(f -> f.getFileName().toString())
                                .filter(n -> n.startsWith(".java_pid") || n.startsWith(".attach_pid"))
                                .toList());
            }
        } finally {
            child.process().destroy();
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
        }
    }

    private record Ended(RunInfo info, String error, List<String> output) {
        /** Lines that would show Keel touching the JVM: a thread dump (a SIGQUIT), an agent or attach warning, an exception. */
        List<String> stray() {
            return output.stream()
                    .filter(l -> !l.startsWith("id "))
                    .filter(l -> l.matches("(?i).*(sharing|dump|agent|attach|instrument|exception|keel).*"))
                    .toList();
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
