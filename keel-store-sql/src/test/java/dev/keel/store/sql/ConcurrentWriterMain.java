package dev.keel.store.sql;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A child process of {@link SqliteConcurrentProcessesTest} and {@link PostgresConcurrentProcessesTest}:
 * opens the shared store, waits for the go file so that all children write at once, then writes
 * one run in many small batches. Arguments: database (a SQLite file or a {@code jdbc:postgresql:}
 * URL), run id, go file, batches, points per key per batch, and optionally {@code replay}: another
 * child writes the same run with the same log offsets, as a recovering process replays a log
 * while its writer still runs, so whichever creates the run first wins.
 */
public final class ConcurrentWriterMain {
    private ConcurrentWriterMain() {}

    public static void main(String[] args) throws Exception {
        String location = args[0];
        String runId = args[1];
        Path go = Path.of(args[2]);
        int batches = Integer.parseInt(args[3]);
        int perBatch = Integer.parseInt(args[4]);
        boolean replay = args.length > 5 && args[5].equals("replay");
        try (Store store =
                location.startsWith("jdbc:") ? new PostgresStore(location) : new SqliteStore(Path.of(location))) {
            while (!Files.exists(go)) {
                Thread.sleep(5);
            }
            try {
                store.createRun(
                        new RunInfo(
                                runId,
                                "shared",
                                runId,
                                "",
                                "",
                                List.of(),
                                "",
                                RunState.RUNNING,
                                System.currentTimeMillis(),
                                0,
                                0,
                                0,
                                "",
                                "",
                                ProcessHandle.current().pid(),
                                Map.of(),
                                Map.of()),
                        Map.of());
            } catch (KeelException e) {
                if (!replay || e.code() != KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS) {
                    throw e;
                }
            }
            for (int i = 0; i < batches; i++) {
                WriteBatch b = new WriteBatch();
                for (int k = 0; k < perBatch; k++) {
                    long step = (long) i * perBatch + k;
                    b.metrics.add("loss", step, System.currentTimeMillis(), step * 0.5);
                    b.metrics.add("acc", step, System.currentTimeMillis(), -step);
                }
                b.console.add(new ConsoleLine(i, System.currentTimeMillis(), "out", "batch " + i));
                b.summary.put("batches", (long) i + 1);
                b.logOffset = i + 1L;
                store.apply(runId, b);
            }
            WriteBatch end = new WriteBatch();
            end.state = RunState.FINISHED;
            end.endedAt = System.currentTimeMillis();
            store.apply(runId, end);
        }
    }
}
