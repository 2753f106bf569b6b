package dev.keel.store.sql;

import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Eight real JVMs write one store at once, as eight training runs on one machine do. */
class SqliteConcurrentProcessesTest {
    private static final int PROCESSES = 8;
    private static final int BATCHES = 150;
    private static final int PER_BATCH = 40;

    @TempDir
    Path dir;

    @Test
    void eightProcessesWritingAtOnceLoseNoPointAndDuplicateNone() throws Exception {
        Path db = dir.resolve(".keel/keel.db"); // not there yet: the children race to create it
        Path go = dir.resolve("go");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            children.add(new ProcessBuilder(
                            java,
                            "-Xmx64m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ConcurrentWriterMain.class.getName(),
                            db.toString(),
                            "run" + p,
                            go.toString(),
                            Integer.toString(BATCHES),
                            Integer.toString(PER_BATCH))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child" + p + ".log").toFile())
                    .start());
        }
        Thread.sleep(300);
        Files.writeString(go, "go");
        for (int p = 0; p < PROCESSES; p++) {
            Process child = children.get(p);
            boolean exited = child.waitFor(180, TimeUnit.SECONDS);
            if (!exited) {
                children.forEach(Process::destroyForcibly);
            }
            assertTrue(exited, "child " + p + " did not finish");
            assertEquals(
                    0,
                    child.exitValue(),
                    () -> "child failed: " + read(dir.resolve("child" + children.indexOf(child) + ".log")));
        }

        int points = BATCHES * PER_BATCH;
        try (Store store = new SqliteStore(db)) {
            assertEquals(PROCESSES + 1, store.nextRunOrdinal("shared"));
            for (int p = 0; p < PROCESSES; p++) {
                String id = "run" + p;
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
