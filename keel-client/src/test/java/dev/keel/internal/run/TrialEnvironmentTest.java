package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a sweep's trial learns who it is from {@code keel agent}'s environment, and stores without sweeps. */
class TrialEnvironmentTest {
    @TempDir
    Path home;

    @Test
    void keelRunIdAndKeelSweepNameTheNewRunAndItsSweep() throws Exception {
        String runId = Ids.newRunId();
        String sweep = Ids.newRunId();
        ChildProcesses.Child child = ChildProcesses.start(
                ChildProcesses.currentJava(),
                home,
                "return",
                List.of(),
                Map.of("KEEL_RUN_ID", runId, "KEEL_SWEEP", sweep));
        assertEquals("id " + runId, child.await("id ", 30_000), "output: " + child.all());
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.process().exitValue(), "output: " + child.all());
        try (Store store = TestRuns.reader(home)) {
            RunInfo run = store.run(runId).orElseThrow();
            assertEquals(sweep, run.sweep());
        }
    }

    @Test
    void aRunIdThatIsTakenIsRefusedWithTheFix() throws Exception {
        String taken;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            taken = run.id();
        }
        ChildProcesses.Child child = ChildProcesses.start(
                ChildProcesses.currentJava(), home, "return", List.of(), Map.of("KEEL_RUN_ID", taken));
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, child.process().exitValue());
        String output = String.join("\n", child.all());
        assertTrue(
                output.contains("KEEL_RUN_ID=" + taken + " names a run that exists already in ")
                        && output.contains("set KEEL_RESUME=" + taken + " to continue that run"),
                output);
    }

    @Test
    void malformedIdsAreRefusedNamingTheVariable() {
        KeelException bad =
                assertThrows(KeelException.class, () -> TrialEnvironment.read(Map.of("KEEL_RUN_ID", "Run-1")::get));
        assertEquals(
                "KEEL_RUN_ID='Run-1' is not a run id: run ids are 8 characters of a-z and 0-9, e.g. 6v8m5w0s. It is"
                        + " set by 'keel agent' for a sweep's trial; unset it to run the program on its own",
                bad.getMessage());
        KeelException badSweep =
                assertThrows(KeelException.class, () -> TrialEnvironment.read(Map.of("KEEL_SWEEP", "my sweep")::get));
        assertTrue(badSweep.getMessage().startsWith("KEEL_SWEEP='my sweep' is not a sweep id"), badSweep.getMessage());
    }

    @Test
    void blankVariablesCountAsUnset() {
        TrialEnvironment env = TrialEnvironment.read(Map.of("KEEL_RUN_ID", " ", "KEEL_SWEEP", "")::get);
        assertNull(env.runId());
        assertNull(env.sweep());
        assertEquals(
                "ab12cd34",
                TrialEnvironment.read(Map.of("KEEL_SWEEP", " ab12cd34\n")::get).sweep());
    }

    @Test
    void theSweepOptionIsCheckedWhereItIsWritten() {
        KeelException e = assertThrows(
                KeelException.class,
                () -> TestRuns.options(home).sweep("grid 1").build());
        assertTrue(e.getMessage().startsWith("sweep(\"grid 1\") is not a sweep id"), e.getMessage());
    }

    @Test
    void aStoreWithoutSweepsEndsTheWatchQuietly() throws Exception {
        try (Store real = TestRuns.reader(home)) {
            Store noSweeps = withoutSweeps(real);
            AtomicReference<String> stop = new AtomicReference<>();
            StopCheck check = StopCheck.start(noSweeps, Ids.newRunId(), stop::set, 10);
            assertTrue(check.awaitEnd(30_000), "the watch ends by itself");
            assertNull(stop.get());
            check.close();
        }
    }

    @Test
    void aTrialWithoutSweepsInItsStoreLogsAsUsualAndNeverStops() throws Exception {
        Run run;
        try (Run r = Keel.init(TestRuns.options(home).sweep(Ids.newRunId()).build())) {
            run = r;
            for (int i = 0; i < 20; i++) {
                r.log(Map.of("loss", 1.0 / (i + 1)));
                assertFalse(r.shouldStop());
            }
            r.flush();
            assertTrue(r.stopReason().isEmpty());
            assertEquals(List.of(), r.problems());
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(run.id()).orElseThrow();
            assertEquals("finished", info.state().label());
            assertEquals(20, store.history(run.id(), "loss").size());
        }
    }

    /** The real store, as one that keeps no sweeps (the SPI's default) would be. */
    private static Store withoutSweeps(Store real) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("sweeps")) {
                throw new UnsupportedOperationException("this store keeps no sweeps");
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, h);
    }
}
