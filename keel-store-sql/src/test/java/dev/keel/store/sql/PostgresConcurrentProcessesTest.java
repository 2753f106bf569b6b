package dev.keel.store.sql;

import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eight real JVMs write one PostgreSQL database at once, as the processes of a team do. Two
 * children write each run with the same log offsets (a replay racing its writer), so a point
 * stored twice or an offset applied twice would show.
 */
class PostgresConcurrentProcessesTest {
    private static final int RUNS = 4;
    private static final int WRITERS_PER_RUN = 2;
    private static final int BATCHES = 150;
    private static final int PER_BATCH = 40;

    @TempDir
    Path dir;

    @Test
    void eightProcessesWritingAtOnceStoreEveryPointExactlyOnce() throws Exception {
        String url = TestPostgres.freshStoreUrl(); // an empty schema: the children race to create the tables
        Path go = dir.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int p = 0; p < RUNS * WRITERS_PER_RUN; p++) {
            children.add(new ProcessBuilder(
                            java,
                            "-Xmx64m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ConcurrentWriterMain.class.getName(),
                            url,
                            "run" + (p % RUNS),
                            go.toString(),
                            Integer.toString(BATCHES),
                            Integer.toString(PER_BATCH),
                            "replay")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child" + p + ".log").toFile())
                    .start());
        }
        Thread.sleep(300);
        Files.writeString(go, "go");
        for (int p = 0; p < children.size(); p++) {
            Process child = children.get(p);
            boolean exited = child.waitFor(180, TimeUnit.SECONDS);
            if (!exited) {
                children.forEach(Process::destroyForcibly);
            }
            assertTrue(exited, "child " + p + " did not finish");
            Path log = dir.resolve("child" + p + ".log");
            assertEquals(0, child.exitValue(), () -> "child failed: " + read(log));
        }

        int points = BATCHES * PER_BATCH;
        try (Store store = new PostgresStore(url)) {
            assertEquals(RUNS + 1, store.nextRunOrdinal("shared"), "each run is created once");
            for (int r = 0; r < RUNS; r++) {
                String id = "run" + r;
                MetricSeries loss = store.history(id, "loss");
                MetricSeries acc = store.history(id, "acc");
                assertEquals(points, loss.size(), id);
                assertEquals(points, acc.size(), id);
                for (int i = 0; i < points; i++) {
                    assertEquals(i, loss.steps()[i], id);
                    assertEquals(i * 0.5, loss.values()[i], id);
                    assertEquals(-i, acc.values()[i], id);
                }
                RunInfo run = store.run(id).orElseThrow();
                assertEquals(RunState.FINISHED, run.state());
                assertEquals((long) BATCHES, run.summary().get("batches"));
                assertEquals(BATCHES, store.logOffset(id));
                assertEquals(BATCHES, store.console(id, 0, 0).size());
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no output: " + e + ")";
        }
    }
}
