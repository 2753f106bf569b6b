package dev.keel.store.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL: READ COMMITTED transactions with a row lock on the run being written, jsonb
 * queries over the runs' generated {@code *_q} columns, and PostgreSQL's SQLSTATEs.
 *
 * <p>JSON paths are bound as {@code text[]} parameters and read with {@code #>} / {@code #>>};
 * the value at a path is looked up once per use, which on jsonb is a binary search in the
 * stored object, not a parse.
 */
final class PostgresDialect implements Dialect {
    /** The advisory lock key that serializes schema migrations across processes ("keel" in ASCII). */
    private static final long SCHEMA_LOCK = 0x6b65656cL;

    private final String location;

    /** @param location the store's URL without its password, for messages */
    PostgresDialect(String location) {
        this.location = location;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public void beginWrite(Connection c) throws SQLException {
        // READ COMMITTED: every write to a run first locks its row (lockRow), so writers of one
        // run take turns and each sees the offset the previous one committed; writers of
        // different runs never wait for each other.
        c.setAutoCommit(false);
    }

    @Override
    public void commit(Connection c) throws SQLException {
        c.commit();
        c.setAutoCommit(true);
    }

    @Override
    public void rollback(Connection c) throws SQLException {
        c.rollback();
        c.setAutoCommit(true);
    }

    @Override
    public boolean isBusy(SQLException e) {
        String state = PgErrors.sqlState(e);
        return "40001".equals(state) // serialization_failure
                || "40P01".equals(state) // deadlock_detected
                || "55P03".equals(state); // lock_not_available
    }

    @Override
    public RuntimeException translate(SQLException e, String action) {
        return PgErrors.translate(e, action, location);
    }

    @Override
    public void lockSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        }
    }

    @Override
    public String lockRow() {
        return " FOR UPDATE";
    }

    @Override
    public String lockRowSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public long nowMillis(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Smaller than SQLite's: PostgreSQL writes a whole new copy of an updated bytea (and its
     * TOAST chunks) to the table and the WAL, so large blocks rewrite many times the data logged
     * as points are merged into them; 512 keeps that small under concurrent ingest
     * (StoreRoughBench) while a series still reads back as few rows.
     */
    @Override
    public int blockPoints() {
        return 512;
    }

    @Override
    public Object jsonPath(List<String> segments) {
        return segments.toArray(new String[0]);
    }

    /** The jsonb value at the path (NULL when absent). {@code column} is the text column; its jsonb copy is queried. */
    private static void value(SqlBuilder b, String column, Object path) {
        b.sql("(" + column + "_q #> CAST(").bind(path).sql(" AS text[]))");
    }

    /** The value at the path as text (strings unquoted). */
    private static void text(SqlBuilder b, String column, Object path) {
        b.sql("(" + column + "_q #>> CAST(").bind(path).sql(" AS text[]))");
    }

    private static void type(SqlBuilder b, String column, Object path) {
        b.sql("jsonb_typeof(");
        value(b, column, path);
        b.sql(")");
    }

    @Override
    public void jsonIsNull(SqlBuilder b, String column, Object path) {
        b.sql("COALESCE(");
        type(b, column, path);
        b.sql(", 'null') = 'null'");
    }

    @Override
    public void jsonNumber(SqlBuilder b, String column, Object path) {
        b.sql("(CASE ");
        type(b, column, path);
        b.sql(" WHEN 'number' THEN CAST(");
        value(b, column, path);
        b.sql(" AS float8) WHEN 'boolean' THEN CASE WHEN CAST(");
        value(b, column, path);
        b.sql(" AS boolean) THEN CAST(1 AS float8) ELSE CAST(0 AS float8) END WHEN 'string' THEN CASE ");
        text(b, column, path);
        b.sql(" WHEN 'Infinity' THEN CAST('Infinity' AS float8) WHEN '-Infinity' THEN CAST('-Infinity' AS float8)"
                + " END END)");
    }

    @Override
    public void jsonText(SqlBuilder b, String column, Object path) {
        b.sql("(CASE WHEN ");
        type(b, column, path);
        b.sql(" = 'string' THEN ");
        text(b, column, path);
        b.sql(" END) COLLATE \"C\"");
    }

    /**
     * Three keys where SQLite needs one (a CASE there may mix numbers and text): the kind (numbers
     * 0, strings 1, the rest NULL), the number, the string. Reversing all three for DESC puts
     * strings before numbers, as SQLite's type order does. Lists and objects sort as their JSON
     * text among the strings, as SQLite's json_extract returns them.
     */
    @Override
    public void jsonOrderBy(SqlBuilder b, String column, Object path, boolean descending) {
        String dir = descending ? " DESC NULLS LAST" : " ASC NULLS LAST";
        b.sql("(CASE ");
        type(b, column, path);
        b.sql(" WHEN 'number' THEN 0 WHEN 'boolean' THEN 0 WHEN 'array' THEN 1 WHEN 'object' THEN 1"
                + " WHEN 'string' THEN CASE ");
        text(b, column, path);
        b.sql(" WHEN 'NaN' THEN NULL WHEN 'Infinity' THEN 0 WHEN '-Infinity' THEN 0 ELSE 1 END END)" + dir + ", ");
        jsonNumber(b, column, path);
        // the strings that stand for numbers sort by the keys before, so they tie here with the absent ones
        b.sql(dir + ", (CASE WHEN ");
        type(b, column, path);
        b.sql(" IN ('array', 'object') THEN CAST(");
        value(b, column, path);
        b.sql(" AS text) WHEN ");
        type(b, column, path);
        b.sql(" = 'string' AND ");
        text(b, column, path);
        b.sql(" NOT IN ('NaN', 'Infinity', '-Infinity') THEN ");
        text(b, column, path);
        b.sql(" END) COLLATE \"C\"" + dir);
    }

    @Override
    public void jsonContains(SqlBuilder b, String column, Object path, Object value) {
        b.sql("(CASE ");
        type(b, column, path);
        b.sql(" WHEN 'array' THEN ");
        value(b, column, path);
        b.sql(" @> jsonb_build_array(").bind(value).sql(") WHEN 'string' THEN strpos(");
        text(b, column, path);
        b.sql(", ").bind(String.valueOf(value)).sql(") > 0 ELSE FALSE END)");
    }

    @Override
    public void listContains(SqlBuilder b, String column, String value) {
        b.sql(column + "_q @> jsonb_build_array(CAST(").bind(value).sql(" AS text))");
    }

    @Override
    public void textContains(SqlBuilder b, String column, String value) {
        b.sql("strpos(" + column + ", ").bind(value).sql(") > 0");
    }
}
