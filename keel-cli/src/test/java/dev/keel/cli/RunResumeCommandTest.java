package dev.keel.cli;

import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunResumeCommandTest {
    @TempDir
    Path home;

    @Test
    void aFailedRunIsContinuedUnderItsIdByStartingItsCommandAgain() throws Exception {
        List<String> command = new ArrayList<>(ChildJvm.command(ResumableProgram.class));
        command.add(home.toString());
        Process first = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, first.exitValue(), "the first attempt fails");
        String id;
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            List<RunInfo> runs = store.searchRuns(RunQuery.all());
            assertEquals(1, runs.size());
            assertEquals(RunState.FAILED, runs.get(0).state());
            id = runs.get(0).id();
        }

        Cli.Result dry = new Cli(home).run("run", "resume", id, "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains(ResumableProgram.class.getName()), dry.out());
        assertTrue(dry.out().contains(System.getProperty("java.class.path")), "--dry-run prints the whole command");

        Cli.Result resumed = new Cli(home).run("run", "resume", id);
        assertEquals(0, resumed.code(), resumed.err());
        String line = resumed.err().lines().findFirst().orElseThrow();
        int entries = System.getProperty("java.class.path").split(File.pathSeparator, -1).length;
        assertEquals(
                "keel: resuming run " + id + " from step 3 in " + Path.of("").toAbsolutePath() + ": java … ("
                        + entries + " class path entries) " + ResumableProgram.class.getName() + " " + home
                        + "  (--verbose shows the whole command)",
                line,
                "one short line, not the class path");
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            assertEquals(
                    1,
                    store.countRuns(RunQuery.all()),
                    () -> "no new run was created: " + store.searchRuns(RunQuery.all()));
            assertEquals(RunState.FINISHED, store.run(id).orElseThrow().state());
            MetricSeries loss = store.history(id, "loss");
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, loss.steps(), "steps continue after the failure");
        }

        Cli.Result again = new Cli(home).run("run", "resume", id);
        assertEquals(2, again.code(), "a run that cannot be resumed is a usage error");
        assertEquals(
                "keel: cannot resume run " + id + ": it finished; start a new run instead",
                again.err().strip());
    }
}
