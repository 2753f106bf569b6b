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

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public void beginWrite(Connection c) throws SQLException {
        // IMMEDIATE takes the write lock now, so a transaction never fails half-way on a lock
        // upgrade (SQLITE_BUSY_SNAPSHOT); the driver stays in auto-commit mode around it.
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
    public RuntimeException translate(SQLException e, String action, Path location) {
        int code = e.getErrorCode() & 0xff;
        String reason = e.getMessage();
        Path folder = location.toAbsolutePath().getParent();
        return switch (code) {
            case FULL -> new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action + ": the disk holding "
                    + location + " is full: free some space there or set KEEL_HOME to a folder on another disk"
                    + " (nothing already stored was changed)", e);
            case READONLY, CANTOPEN, PERM -> new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action
                    + ": the Keel store " + location + " or its folder is read-only or cannot be opened: make "
                    + folder + " writable (chmod u+w) or set KEEL_HOME to a writable folder (" + reason + ")", e);
            case IOERR -> new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action + ": I/O error on "
                    + location + ": check the disk and that " + folder + " is writable (" + reason + ")", e);
            case CORRUPT, NOTADB -> new KeelException(ErrorCode.CORRUPT_DATA, "cannot " + action + ": "
                    + location + " is damaged or is not a Keel database: move it aside and Keel will create a"
                    + " new one (runs can be re-indexed from their event logs) (" + reason + ")", e);
            case BUSY, LOCKED -> new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action + ": " + location
                    + " stayed locked by another process: check for a stuck keel process (" + reason + ")", e);
            default -> new KeelException(ErrorCode.STORAGE_FAILURE, "cannot " + action + " in " + location
                    + ": " + reason, e);
        };
    }

    @Override
    public Object jsonPath(List<String> segments) {
        StringBuilder sb = new StringBuilder("$");
        for (String s : segments) {
            sb.append(".\"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    @Override
    public String jsonValue(String column) {
        return "json_extract(" + column + ", ?)";
    }

    @Override
    public String jsonArrayTest(String column) {
        return "json_type(" + column + ", ?) = 'array'";
    }

    @Override
    public String jsonArrayContains(String column, boolean withPath) {
        return "EXISTS (SELECT 1 FROM json_each(" + column + (withPath ? ", ?" : "") + ") WHERE value = ?)";
    }

    @Override
    public String textContains(String haystack) {
        return "instr(" + haystack + ", ?) > 0";
    }

    @Override
    public String isNumber(String expr) {
        return "typeof(" + expr + ") IN ('integer', 'real')";
    }

    @Override
    public String infinity() {
        return "9e999";
    }

    @Override
    public String isText(String expr) {
        return "typeof(" + expr + ") = 'text'";
    }
}
