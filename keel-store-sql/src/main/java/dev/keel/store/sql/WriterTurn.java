package dev.keel.store.sql;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Queues the writers of one SQLite file, across processes, in the kernel rather than in SQLite's
 * busy handler. That handler sleeps 1, 2, 5 … 100 ms between looks at a busy write lock, so with
 * several processes taking turns of a millisecond or two the lock was mostly free while the
 * writers slept (a profile of 8 writing processes had 94 % of their native samples there).
 * Holding an exclusive lock on a side file ({@code keel.db-writer}) while writing lets the next
 * writer wake the moment the last one lets go; its {@code BEGIN IMMEDIATE} then finds the
 * database free.
 *
 * <p>Only a shortcut: a writer that does not take the turn (the sqlite3 shell, an older Keel) is
 * still ordered by SQLite's own lock, and a turn that cannot be had (read-only folder, an
 * interrupted wait) is skipped, never waited for. The kernel drops a dead process's lock.
 */
final class WriterTurn {
    /** One per file and JVM: a process holds a POSIX lock once, whichever channel asked. */
    private static final Map<Path, WriterTurn> OPEN = new HashMap<>();

    private final Path file;
    private final ReentrantLock inProcess = new ReentrantLock();
    private int users;
    /** Guarded by {@link #inProcess}; null until first used and after a failure. */
    private FileChannel channel;

    private WriterTurn(Path file) {
        this.file = file;
    }

    /** The turn for the database at {@code db}; {@link #release()} it when the store closes. */
    static WriterTurn forDatabase(Path db) {
        Path abs = db.toAbsolutePath().normalize();
        Path file = abs.resolveSibling(abs.getFileName() + "-writer");
        synchronized (OPEN) {
            WriterTurn t = OPEN.computeIfAbsent(file, WriterTurn::new);
            t.users++;
            return t;
        }
    }

    /** Waits for this process's and then this file's turn; always pair with {@link Held#close()}. */
    Held take() {
        inProcess.lock();
        FileLock lock = null;
        try {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            lock = channel.lock();
        } catch (IOException | RuntimeException e) {
            // read-only folder, an interrupt (which closes the channel), no locks on this file
            // system: write without the turn this time; SQLite's own lock still orders writers
            closeChannel();
        }
        return new Held(lock);
    }

    /** Drops this store's use; the side file is closed when the last store of the JVM closes. */
    void release() {
        synchronized (OPEN) {
            if (--users == 0) {
                // closed before a new turn for the file can open: closing any descriptor of a file
                // drops all of the process's POSIX locks on it, a newer channel's included
                closeChannel();
                OPEN.remove(file);
            }
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held on a closed channel
            }
            channel = null;
        }
    }

    /** The turn, held until closed. */
    final class Held implements AutoCloseable {
        private final FileLock lock;

        private Held(FileLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
            } catch (IOException ignored) {
                // the channel went away, and the lock with it
            } finally {
                inProcess.unlock();
            }
        }
    }
}
