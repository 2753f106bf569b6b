package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes that queue behind the embedded store's lock commit together, and each keeps its own outcome. */
class SqliteGroupCommitTest {
    private static final int WRITERS = 20;

    @TempDir
    Path dir;

    private static RunInfo run(String id) {
        return new RunInfo(
                id, "p", id, "", "", List.of(), "", RunState.RUNNING, 1L, 0, 0, 0, "", "", 0, Map.of(), Map.of());
    }

    private static WriteBatch batch(int i) {
        WriteBatch b = new WriteBatch();
        b.metrics.add("loss", i, 1L, i * 0.5);
        b.summary.put("writer", (long) i);
        b.logOffset = 1;
        return b;
    }

    @Test
    void queuedWritesShareOneTransactionAndAFailingOneFailsAlone() throws Exception {
        try (SqliteStore store = new SqliteStore(dir.resolve("keel.db"))) {
            for (int i = 0; i < WRITERS; i++) {
                store.createRun(run("r" + i), Map.of());
            }
            Database db = store.database();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> db.write("hold", c -> {
                holding.countDown();
                await(release);
                return null;
            }));
            holder.start();
            assertTrue(holding.await(10, TimeUnit.SECONDS));

            Map<String, Throwable> outcomes = new ConcurrentHashMap<>();
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i <= WRITERS; i++) {
                int n = i;
                String id = i < WRITERS ? "r" + i : "no-such-run";
                Thread t = new Thread(() -> {
                    try {
                        store.apply(id, batch(n));
                        outcomes.put(id, new Throwable("ok"));
                    } catch (RuntimeException e) {
                        outcomes.put(id, e);
                    }
                });
                writers.add(t);
                t.start();
            }
            for (Thread t : writers) {
                waitUntilParked(t);
            }
            long before = db.transactions();
            release.countDown();
            holder.join(10_000);
            for (Thread t : writers) {
                t.join(30_000);
            }

            assertEquals(2, db.transactions() - before, "the held write's, then one for all 21 queued writes");
            for (int i = 0; i < WRITERS; i++) {
                assertEquals("ok", outcomes.get("r" + i).getMessage());
                assertEquals(1, store.history("r" + i, "loss").size());
                assertEquals(
                        (long) i,
                        ((Number) store.run("r" + i).orElseThrow().summary().get("writer")).longValue());
            }
            KeelException missing = assertInstanceOf(KeelException.class, outcomes.get("no-such-run"));
            assertEquals(KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.code());
            assertTrue(missing.getMessage().contains("no-such-run"), missing.getMessage());
        }
    }

    @Test
    void aGroupWaitsOutAnotherConnectionsWriteLockAndThenCommitsWhole() throws Exception {
        Path file = dir.resolve("keel.db");
        try (SqliteStore store = new SqliteStore(file)) {
            for (int i = 0; i < WRITERS; i++) {
                store.createRun(run("r" + i), Map.of());
            }
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = other.createStatement()) {
                // as another process would: it holds the database's write lock, not Keel's turn
                s.execute("BEGIN IMMEDIATE");
                List<Thread> writers = new ArrayList<>();
                Map<String, Throwable> failures = new ConcurrentHashMap<>();
                for (int i = 0; i < WRITERS; i++) {
                    int n = i;
                    Thread t = new Thread(() -> {
                        try {
                            store.apply("r" + n, batch(n));
                        } catch (RuntimeException e) {
                            failures.put("r" + n, e);
                        }
                    });
                    writers.add(t);
                    t.start();
                }
                Thread.sleep(300);
                for (int i = 0; i < WRITERS; i++) {
                    assertEquals(0, store.history("r" + i, "loss").size(), "nothing written while the lock is held");
                }
                s.execute("COMMIT");
                for (Thread t : writers) {
                    t.join(30_000);
                }
                assertTrue(failures.isEmpty(), failures.toString());
                for (int i = 0; i < WRITERS; i++) {
                    assertEquals(1, store.history("r" + i, "loss").size());
                }
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntilParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, t.getState(), "the writer should be queued at the lock");
    }
}
