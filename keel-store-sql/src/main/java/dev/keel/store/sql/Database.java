package dev.keel.store.sql;

import dev.keel.core.KeelException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections of one store and the two ways to use them: {@link #write} runs work in one
 * write transaction, retrying from the start while another process holds the database's write
 * lock (or, on PostgreSQL, when the transaction lost a serialization race or a deadlock);
 * {@link #read} borrows a reader connection.
 *
 * <p>A single-writer database (SQLite: one write lock per file anyway) writes on one connection
 * kept for the purpose and keeps a few idle readers; a pooled one (PostgreSQL) borrows every
 * connection from its factory's pool and gives it back by closing it, so writes run in parallel.
 *
 * <p>Retrying a whole transaction is safe because the work only talks to the database: nothing
 * is half-applied, so a busy database means "later", never "lost" or "failed".
 */
final class Database implements AutoCloseable {

    /** Opens a new connection, configured for this database (or borrows one from a pool). */
    interface ConnectionFactory {
        Connection open() throws SQLException;

        /** Releases what the factory holds (a pool); called once when the store closes. */
        default void close() {}
    }

    /** Work on a connection; may be run more than once when the database was busy. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** How long a writer keeps retrying a locked database before it reports a failure. */
    static final long BUSY_LIMIT_MS = 120_000;

    private static final int MAX_IDLE_READERS = 4;

    private final Dialect dialect;
    private final ConnectionFactory factory;
    private final String location;
    private final boolean pooled;
    /** Most writes one transaction takes from the queue: bounds how long a group holds the lock. */
    private static final int MAX_GROUP = 64;

    private final ReentrantLock writeLock = new ReentrantLock();
    /** Writes waiting for the lock; its holder runs them (see {@link WriteGroup}). */
    private final ConcurrentLinkedQueue<WriteGroup.Pending<?>> queued = new ConcurrentLinkedQueue<>();

    private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private final AtomicLong transactions = new AtomicLong();
    private Connection writer;
    private volatile boolean closed;

    /**
     * @param location names the store in messages (never a password)
     * @param pooled   true when the factory pools connections and writers may run in parallel
     */
    Database(Dialect dialect, ConnectionFactory factory, String location, boolean pooled) {
        this.dialect = dialect;
        this.factory = factory;
        this.location = location;
        this.pooled = pooled;
    }

    /** Write transactions committed so far (several writes may share one: {@link WriteGroup}). */
    long transactions() {
        return transactions.get();
    }

    Dialect dialect() {
        return dialect;
    }

    String location() {
        return location;
    }

    <T> T write(String action, Work<T> work) {
        if (pooled) {
            // a connection of its own from the pool: many writes run at once, the database orders them
            return retryingWrite(action, work, true);
        }
        WriteGroup.Pending<T> mine = new WriteGroup.Pending<>(action, work);
        queued.add(mine);
        writeLock.lock();
        try {
            while (!mine.done) {
                // nobody ran it yet: run everything queued, this write included, as one group
                List<WriteGroup.Pending<?>> group = new ArrayList<>();
                for (WriteGroup.Pending<?> p; group.size() < MAX_GROUP && (p = queued.poll()) != null; ) {
                    group.add(p);
                }
                runGroup(group);
            }
        } finally {
            writeLock.unlock();
        }
        return mine.result();
    }

    /**
     * Runs queued writes in one transaction (a lone one without savepoints). Every write taken
     * from the queue is marked done whatever happens, or its thread would wait for it forever.
     */
    private void runGroup(List<WriteGroup.Pending<?>> group) {
        if (group.size() == 1) {
            runAlone(group.get(0));
            return;
        }
        WriteGroup work = new WriteGroup(group, dialect);
        RuntimeException failure = null;
        try {
            retryingWrite(group.size() + " writes", work, false);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            failure = new KeelException(KeelException.ErrorCode.INTERNAL_ERROR, "the store's writer failed: " + e, e);
            throw e;
        } finally {
            work.finish(failure);
        }
    }

    private <T> void runAlone(WriteGroup.Pending<T> p) {
        try {
            p.value = retryingWrite(p.action, p.work, false);
        } catch (RuntimeException e) {
            p.failure = e;
        } catch (Error e) {
            p.failure = new KeelException(KeelException.ErrorCode.INTERNAL_ERROR, "the store's writer failed: " + e, e);
            throw e;
        } finally {
            p.done = true;
        }
    }

    /**
     * One write transaction, retried from the start while the database reports it busy (another
     * process holds the lock) until {@link #BUSY_LIMIT_MS}; any other failure rolls back and is
     * translated into a clear error. {@code ownConnection}: open one and close it afterwards,
     * else use the shared writer connection.
     */
    private <T> T retryingWrite(String action, Work<T> work, boolean ownConnection) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_LIMIT_MS);
        for (int attempt = 0; ; attempt++) {
            checkOpen();
            Connection c = null;
            boolean begun = false;
            try {
                c = ownConnection ? factory.open() : writer();
                dialect.beginWrite(c);
                begun = true;
                T result = work.run(c);
                dialect.commit(c);
                transactions.incrementAndGet();
                return result;
            } catch (SQLException e) {
                if (begun) {
                    rollbackQuietly(c);
                }
                if (!dialect.isBusy(e) || System.nanoTime() > deadline) {
                    throw dialect.translate(e, action);
                }
                backOff(attempt);
            } catch (RuntimeException | Error e) {
                if (begun) {
                    rollbackQuietly(c);
                }
                throw e;
            } finally {
                if (ownConnection) {
                    closeQuietly(c);
                }
            }
        }
    }

    <T> T read(String action, Work<T> work) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_LIMIT_MS);
        for (int attempt = 0; ; attempt++) {
            checkOpen();
            Connection c = pooled ? null : idleReaders.pollFirst();
            try {
                if (c == null) {
                    c = factory.open();
                }
                T result = work.run(c);
                release(c);
                return result;
            } catch (SQLException e) {
                closeQuietly(c);
                if (!dialect.isBusy(e) || System.nanoTime() > deadline) {
                    throw dialect.translate(e, action);
                }
                backOff(attempt);
            } catch (RuntimeException | Error e) {
                release(c);
                throw e;
            }
        }
    }

    private Connection writer() throws SQLException {
        if (writer == null) {
            writer = factory.open();
        }
        return writer;
    }

    private void release(Connection c) {
        if (c == null) {
            return;
        }
        if (pooled || closed || idleReaders.size() >= MAX_IDLE_READERS) {
            closeQuietly(c);
        } else {
            idleReaders.addFirst(c);
        }
    }

    /** Exponential back-off with jitter, 1 ms doubling to 100 ms, so waiting writers spread out. */
    private static void backOff(int attempt) {
        long max = Math.min(100, 1L << Math.min(attempt, 7));
        try {
            Thread.sleep(1 + ThreadLocalRandom.current().nextLong(max));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException(KeelException.ErrorCode.INTERNAL_ERROR, "interrupted while waiting for the store");
        }
    }

    private void rollbackQuietly(Connection c) {
        try {
            dialect.rollback(c);
        } catch (SQLException ignored) {
            // the transaction is gone either way; the original failure is what matters
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection can fail; nothing to do about it
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the store " + location + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writeLock.lock();
        try {
            closeQuietly(writer);
            writer = null;
        } finally {
            writeLock.unlock();
        }
        for (Connection c; (c = idleReaders.pollFirst()) != null; ) {
            closeQuietly(c);
        }
        factory.close();
    }
}
