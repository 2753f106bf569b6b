package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** SQLite: JSON1 functions, explicit {@code BEGIN IMMEDIATE}, and SQLite's result codes. */
final class SqliteDialect implements Dialect {
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int PERM = 3;
    private static final int READONLY = 8;
    private static final int IOERR = 10;
    private static final int CORRUPT = 11;
    private static final int FULL = 13;
    private static final int CANTOPEN = 14;
    private static final int NOTADB = 26;

    private final Path location;

    SqliteDialect(Path location) {
        this.location = location;
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public void beginWrite(Connection c) throws SQLException {
        // IMMEDIATE takes the write lock now, so a transaction never fails half-way on a lock
        // upgrade (SQLITE_BUSY_SNAPSHOT). The transaction is begun and ended here rather than
        // through the driver's auto-commit switch, so none stays open between writes.
        exec(c, "BEGIN IMMEDIATE");
    }

    @Override
    public void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    @Override
    public void rollback(Connection c) throws SQLException {
        exec(c, "ROLLBACK");
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public boolean isBusy(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == BUSY || code == LOCKED;
    }

    @Override
    public RuntimeException translate(SQLException e, String action) {
        int code = e.getErrorCode() & 0xff;
        String reason = e.getMessage();
        Path folder = location.toAbsolutePath().getParent();
        return switch (code) {
            case FULL ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        "cannot " + action + ": the disk holding "
                                + location
                                + " is full: free some space there or set KEEL_HOME to a folder on another disk"
                                + " (nothing already stored was changed)",
                        e);
            case READONLY, CANTOPEN, PERM ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        "cannot " + action
                                + ": the Keel store " + location
                                + " or its folder is read-only or cannot be opened: make "
                                + folder + " writable (chmod u+w) or set KEEL_HOME to a writable folder (" + reason
                                + ")",
                        e);
            case IOERR ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        "cannot " + action + ": I/O error on " + location + ": check the disk and that " + folder
                                + " is writable (" + reason + ")",
                        e);
            case CORRUPT, NOTADB ->
                new KeelException(
                        ErrorCode.CORRUPT_DATA,
                        "cannot " + action + ": "
                                + location
                                + " is damaged or is not a Keel database: move it aside and Keel will create a"
                                + " new one (runs can be re-indexed from their event logs) (" + reason + ")",
                        e);
            case BUSY, LOCKED ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        "cannot " + action + ": " + location
                                + " stayed locked by another process: check for a stuck keel process (" + reason + ")",
                        e);
            default ->
                new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action + " in " + location + ": " + reason, e);
        };
    }

    @Override
    public void lockSchema(Connection c) {
        // BEGIN IMMEDIATE already holds the database's only write lock
    }

    @Override
    public String lockRow() {
        return "";
    }

    @Override
    public String lockRowSkipLocked() {
        return "";
    }

    /** One machine's processes share an SQLite file, so its clock is the store's. */
    @Override
    public long nowMillis(Connection c) {
        return System.currentTimeMillis();
    }

    @Override
    public int blockPoints() {
        return BatchWriter.BLOCK_POINTS;
    }

    @Override
    public Object jsonPath(List<String> segments) {
        StringBuilder sb = new StringBuilder("$");
        for (String s : segments) {
            sb.append(".\"")
                    .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return sb.toString();
    }

    /** The raw SQLite value at the path: numbers, text, 1/0 for booleans, NULL for null or absent. */
    private static void value(SqlBuilder b, String column, Object path) {
        b.sql("json_extract(" + column + ", ").bind(path).sql(")");
    }

    @Override
    public void jsonIsNull(SqlBuilder b, String column, Object path) {
        value(b, column, path);
        b.sql(" IS NULL");
    }

    @Override
    public void jsonNumber(SqlBuilder b, String column, Object path) {
        caseOf(b, column, path, false);
    }

    /** One key: SQLite orders numbers before text, and DESC reverses that, as the contract says. */
    @Override
    public void jsonOrderBy(SqlBuilder b, String column, Object path, boolean descending) {
        caseOf(b, column, path, true);
        b.sql(descending ? " DESC NULLS LAST" : " ASC NULLS LAST");
    }

    /** Numbers first in the CASE: the common case reads the path twice, not five times. */
    private static void caseOf(SqlBuilder b, String column, Object path, boolean elseText) {
        b.sql("(CASE WHEN typeof(");
        value(b, column, path);
        b.sql(") IN ('integer', 'real') THEN ");
        value(b, column, path);
        b.sql(" WHEN ");
        value(b, column, path);
        b.sql(" = 'Infinity' THEN 9e999 WHEN ");
        value(b, column, path);
        b.sql(" = '-Infinity' THEN -9e999");
        if (elseText) {
            b.sql(" WHEN ");
            value(b, column, path);
            b.sql(" = 'NaN' THEN NULL ELSE ");
            value(b, column, path);
        }
        b.sql(" END)");
    }

    @Override
    public void jsonText(SqlBuilder b, String column, Object path) {
        b.sql("(CASE WHEN json_type(" + column + ", ").bind(path).sql(") = 'text' THEN ");
        value(b, column, path);
        b.sql(" END)");
    }

    @Override
    public void jsonContains(SqlBuilder b, String column, Object path, Object value) {
        b.sql("(CASE json_type(" + column + ", ")
                .bind(path)
                .sql(") WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(" + column + ", ")
                .bind(path)
                .sql(") WHERE value = ")
                .bind(value)
                .sql(") WHEN 'text' THEN instr(");
        value(b, column, path);
        b.sql(", ").bind(String.valueOf(value)).sql(") > 0 ELSE FALSE END)");
    }

    @Override
    public void listContains(SqlBuilder b, String column, String value) {
        b.sql("EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value = ")
                .bind(value)
                .sql(")");
    }

    @Override
    public void textContains(SqlBuilder b, String column, String value) {
        b.sql("instr(" + column + ", ").bind(value).sql(") > 0");
    }
}
