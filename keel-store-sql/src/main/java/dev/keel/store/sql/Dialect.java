package dev.keel.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between the SQL databases Keel stores into. Everything else (the schema's shape,
 * the store logic, the filter compiler) is shared; a PostgreSQL store adds one more of these and
 * its own migration scripts. Statements the store shares use only syntax both databases take
 * ({@code ON CONFLICT … DO}, {@code RETURNING}, {@code NULLS LAST}, {@code LIMIT … OFFSET}).
 *
 * <p>The {@code json*} methods append an expression over a JSON text column at a path made by
 * {@link #jsonPath}, binding the path (and any value) as parameters.
 */
interface Dialect {

    /** The folder under {@code dev/keel/store/sql/migrations/} holding this dialect's scripts. */
    String name();

    /** Starts a write transaction that holds the write lock from its first statement. */
    void beginWrite(Connection c) throws SQLException;

    void commit(Connection c) throws SQLException;

    void rollback(Connection c) throws SQLException;

    /**
     * True when the transaction failed only because of other connections (a lock held, a lost
     * serialization race, a deadlock): run it again from the start.
     */
    boolean isBusy(SQLException e);

    /**
     * Turns a database failure into a {@link dev.keel.core.KeelException} whose message names
     * the store and what to do about it.
     */
    RuntimeException translate(SQLException e, String action);

    /**
     * Called first in each schema migration transaction, so that processes opening a new
     * database at once apply each step once, one after the other.
     */
    void lockSchema(Connection c) throws SQLException;

    /**
     * What to append to a {@code SELECT} of one run row that is about to be changed, so that
     * concurrent writers of that run take turns ({@code FOR UPDATE}); empty where the write
     * transaction already excludes every other writer.
     */
    String lockRow();

    /**
     * Like {@link #lockRow}, but rows another transaction holds are left out of the result
     * ({@code FOR UPDATE SKIP LOCKED}); empty where the write transaction excludes every other writer.
     */
    String lockRowSkipLocked();

    /**
     * The database's clock in epoch milliseconds, where several machines share the database and
     * must agree on how old a timestamp is; else this machine's.
     */
    long nowMillis(Connection c) throws SQLException;

    /**
     * The most points a merged metric block grows to (see {@link BatchWriter#BLOCK_POINTS}):
     * merging rewrites the last block, which costs more where a rewritten value is copied whole
     * into the write-ahead log.
     */
    int blockPoints();

    /** The bound form of a JSON path from a dotted key's segments. */
    Object jsonPath(List<String> segments);

    /** True when the path is absent or holds JSON null. */
    void jsonIsNull(SqlBuilder b, String column, Object path);

    /** The number at the path (booleans as 1/0, "Infinity" strings as infinities), else NULL. */
    void jsonNumber(SqlBuilder b, String column, Object path);

    /** The string at the path, else NULL. */
    void jsonText(SqlBuilder b, String column, Object path);

    /**
     * An ORDER BY term (no keywords) for the value at the path: numbers (as {@link #jsonNumber})
     * before strings when ascending, strings before numbers when descending; "NaN", other
     * types and absent values last either way.
     */
    void jsonOrderBy(SqlBuilder b, String column, Object path, boolean descending);

    /** True when the path holds a list with {@code value} in it, or a string containing it. */
    void jsonContains(SqlBuilder b, String column, Object path, Object value);

    /** True when the JSON list in {@code column} holds the string {@code value}. */
    void listContains(SqlBuilder b, String column, String value);

    /** True when the text {@code column} contains {@code value}. */
    void textContains(SqlBuilder b, String column, String value);
}
