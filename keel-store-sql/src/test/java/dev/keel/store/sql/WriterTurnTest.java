package dev.keel.store.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer turn queues writers of one database across real processes, and a dead holder frees it. */
class WriterTurnTest {
    @TempDir
    Path dir;

    private Process holder(Path db) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                HoldWriterTurnMain.class.getName(), db.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        assertEquals("held", line, "the child should hold the turn");
        return p;
    }

    /** Takes the turn on another thread; the latch opens once it is held. */
    private static CountDownLatch takeInBackground(WriterTurn turn, CountDownLatch done) {
        CountDownLatch got = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (WriterTurn.Held ignored = turn.take()) {
                got.countDown();
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return got;
    }

    @Test
    void aWriterWaitsWhileAnotherProcessHoldsTheTurnAndGetsItWhenReleased() throws Exception {
        Path db = dir.resolve("keel.db");
        Process child = holder(db);
        WriterTurn turn = WriterTurn.forDatabase(db);
        CountDownLatch done = new CountDownLatch(1);
        try {
            CountDownLatch got = takeInBackground(turn, done);
            assertFalse(got.await(500, TimeUnit.MILLISECONDS), "the turn is the other process's");
            child.getOutputStream().close();
            assertTrue(got.await(10, TimeUnit.SECONDS), "released by the other process, so ours");
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        } finally {
            done.countDown();
            child.destroyForcibly();
            turn.release();
        }
    }

    @Test
    void aTurnHeldByAKilledProcessIsFreed() throws Exception {
        Path db = dir.resolve("keel.db");
        Process child = holder(db);
        WriterTurn turn = WriterTurn.forDatabase(db);
        CountDownLatch done = new CountDownLatch(1);
        try {
            CountDownLatch got = takeInBackground(turn, done);
            assertFalse(got.await(300, TimeUnit.MILLISECONDS), "the turn is the other process's");
            child.destroyForcibly(); // SIGKILL: the child never lets go itself
            assertTrue(got.await(10, TimeUnit.SECONDS), "the kernel dropped the dead process's lock");
        } finally {
            done.countDown();
            turn.release();
        }
    }

    @Test
    void storesOfOneFileInOneProcessShareOneTurn() {
        Path db = dir.resolve("keel.db");
        // one POSIX lock per process and file: a second channel would clash with the first, and
        // closing it would drop the first one's lock
        WriterTurn a = WriterTurn.forDatabase(db);
        WriterTurn b = WriterTurn.forDatabase(db.getParent().resolve(".").resolve("keel.db").normalize());
        try {
            assertSame(a, b);
        } finally {
            a.release();
            b.release();
        }
        WriterTurn c = WriterTurn.forDatabase(db);
        c.release();
        assertNotSame(a, c, "the last release closed it; a later store opens a new one");
    }
}
