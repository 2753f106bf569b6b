package dev.keel.store.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between the SQL databases Keel stores into. Everything else (the schema's shape,
 * the store logic, the filter compiler) is shared; a PostgreSQL store adds one more of these and
 * its own migration scripts.
 */
interface Dialect {

    /** The folder under {@code dev/keel/store/sql/migrations/} holding this dialect's scripts. */
    String name();

    /** Starts a write transaction that holds the write lock from its first statement. */
    void beginWrite(Connection c) throws SQLException;

    void commit(Connection c) throws SQLException;

    void rollback(Connection c) throws SQLException;

    /** True when the statement failed only because another connection holds a lock: retry it. */
    boolean isBusy(SQLException e);

    /**
     * Turns a database failure into a {@link dev.keel.core.KeelException} whose message names
     * the store and what to do about it.
     */
    RuntimeException translate(SQLException e, String action, Path location);

    /** A JSON path parameter for {@link #jsonValue} from the dotted key's segments. */
    Object jsonPath(List<String> segments);

    /**
     * SQL for the value at a bound JSON path (one {@code ?}) inside {@code column}: a number for
     * JSON numbers, text for strings, 1/0 for booleans, NULL when absent.
     */
    String jsonValue(String column);

    /** SQL for the JSON type name at a bound path (one {@code ?}): {@code array} for lists. */
    String jsonArrayTest(String column);

    /** SQL true when the JSON array at a bound path (one {@code ?}, or none when pathless) holds a bound value. */
    String jsonArrayContains(String column, boolean withPath);

    /** SQL true when {@code haystack} contains the bound text (one {@code ?}). */
    String textContains(String haystack);

    /** SQL for the type test "is a number" of an expression. */
    String isNumber(String expr);

    /** SQL literal for positive infinity as a double. */
    String infinity();

    /** SQL for the type test "is text" of an expression. */
    String isText(String expr);
}
