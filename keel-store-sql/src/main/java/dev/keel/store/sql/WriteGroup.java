package dev.keel.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes that queued up behind a single-writer database's lock, run by whichever of their threads
 * gets the lock next, in one transaction (group commit). On SQLite a transaction's fixed cost —
 * taking the lock, and above all writing the pages it dirtied to the WAL — is paid once for the
 * group instead of once per write, and a write never waits for more than the group before it:
 * the lock holder empties the whole queue, so nobody is overtaken twice.
 *
 * <p>Each write runs inside its own savepoint, so one that fails is undone alone and reports its
 * own error; the others still commit. A busy database fails the whole attempt, which the caller
 * retries from the start, like any single write.
 */
final class WriteGroup implements Database.Work<Void> {

    /** One queued write and, once its group ran, its outcome. */
    static final class Pending<T> {
        final String action;
        final Database.Work<T> work;
        /** Written and read under the database's write lock only. */
        boolean done;

        T value;
        RuntimeException failure;

        Pending(String action, Database.Work<T> work) {
            this.action = action;
            this.work = work;
        }

        /** The write's result, or its failure rethrown in the caller's thread. */
        T result() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }

    private final List<Pending<?>> writes;
    private final Dialect dialect;

    WriteGroup(List<Pending<?>> writes, Dialect dialect) {
        this.writes = writes;
        this.dialect = dialect;
    }

    @Override
    public Void run(Connection c) throws SQLException {
        for (Pending<?> p : writes) {
            p.value = null;
            p.failure = null;
        }
        for (Pending<?> p : writes) {
            runOne(c, p);
        }
        return null;
    }

    private <T> void runOne(Connection c, Pending<T> p) throws SQLException {
        exec(c, "SAVEPOINT keel_write");
        try {
            p.value = p.work.run(c);
            exec(c, "RELEASE keel_write");
        } catch (SQLException e) {
            if (dialect.isBusy(e)) {
                throw e; // the whole group is retried
            }
            undo(c);
            p.failure = dialect.translate(e, p.action);
        } catch (RuntimeException e) {
            undo(c);
            p.failure = e;
        }
    }

    /** Marks every write of the group done: they committed, or (when {@code failure}) none did. */
    void finish(RuntimeException failure) {
        for (Pending<?> p : writes) {
            if (failure != null) {
                p.value = null;
                p.failure = failure;
            }
            p.done = true;
        }
    }

    private static void undo(Connection c) throws SQLException {
        exec(c, "ROLLBACK TO keel_write");
        exec(c, "RELEASE keel_write");
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
