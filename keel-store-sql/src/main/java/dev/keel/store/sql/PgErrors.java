package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.sql.SQLException;

/**
 * PostgreSQL failures as {@link KeelException}s that name the database (its URL without the
 * password) and the fix. Pool and driver wrap the server's error; its SQLSTATE decides.
 */
final class PgErrors {
    private PgErrors() {}

    /** The first SQLSTATE in the cause chain (the pool's timeout carries the driver's), or null. */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** The innermost message: the server's or driver's own words rather than the pool's wrapper. */
    private static String reason(Throwable e) {
        String reason = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                reason = t.getMessage();
            }
        }
        return reason;
    }

    static KeelException translate(SQLException e, String action, String location) {
        String state = sqlState(e);
        String reason = reason(e);
        String cannot = "cannot " + action + ": ";
        if (state == null) {
            return new KeelException(
                    ErrorCode.STORAGE_FAILURE, cannot + "PostgreSQL at " + location + " failed: " + reason, e);
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return new KeelException(
                    ErrorCode.STORAGE_FAILURE,
                    cannot + "the PostgreSQL database " + location
                            + " cannot be reached (" + reason + "): check that the server is running and reachable from"
                            + " here, and the host, port and database name in the URL",
                    e);
        }
        return switch (state) {
            case "28P01", "28000" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "PostgreSQL at "
                                + location + " refused the user name or password (" + reason + "): give them in the URL"
                                + " (?user=NAME&password=SECRET) or in the environment variables KEEL_DB_USER and"
                                + " KEEL_DB_PASSWORD",
                        e);
            case "3D000" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "the database named in "
                                + location + " does not exist (" + reason
                                + "): create it (CREATE DATABASE, or createdb NAME)"
                                + " or fix the name in the URL",
                        e);
            case "42501" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "the database user lacks a"
                                + " privilege in " + location + " (" + reason
                                + "): let Keel's user own the database or its"
                                + " schema (ALTER DATABASE … OWNER TO …), or grant it CREATE and USAGE there",
                        e);
            case "53100" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "the disk of the PostgreSQL"
                                + " server " + location + " is full (" + reason
                                + "): free space there (nothing stored was"
                                + " changed)",
                        e);
            case "53300" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "PostgreSQL at " + location
                                + " has no free connections (" + reason + "): raise its max_connections or lower"
                                + " KEEL_DB_POOL_SIZE",
                        e);
            case "40001", "40P01", "55P03" ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "the write kept"
                                + " conflicting with other writers of " + location + " for "
                                + Database.BUSY_LIMIT_MS / 1000 + " s (" + reason + "): check for stuck sessions"
                                + " (pg_stat_activity)",
                        e);
            case "22021", "22P05" ->
                KeelException.invalid(cannot + "PostgreSQL cannot store text with a NUL" + " character (\\u0000) ("
                        + reason + "): remove it from the names, values or lines logged");
            default ->
                new KeelException(
                        ErrorCode.STORAGE_FAILURE,
                        cannot + "PostgreSQL at " + location + " failed (SQLSTATE " + state + "): " + reason,
                        e);
        };
    }
}
