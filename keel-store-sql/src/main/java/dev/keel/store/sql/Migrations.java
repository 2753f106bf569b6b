package dev.keel.store.sql;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database's schema up to date from the ordered scripts
 * {@code migrations/<dialect>/V1.sql, V2.sql, …} beside this class. The applied version is kept
 * in {@code schema_version}; each step runs in its own write transaction, so concurrent openers
 * apply it once and a failed step leaves the previous version intact.
 */
final class Migrations {
    private Migrations() {}

    /** The scripts of a dialect, in order (index 0 is version 1). */
    static List<String> scripts(Dialect dialect) {
        List<String> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            String name = "migrations/" + dialect.name() + "/V" + v + ".sql";
            try (InputStream in = Migrations.class.getResourceAsStream(name)) {
                if (in == null) {
                    return out;
                }
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
    }

    /**
     * How many scripts a dialect has, found without reading them: every process that opens a
     * store asks, and an up-to-date store (the common case) needs no script's text.
     */
    static int latest(Dialect dialect) {
        int v = 0;
        while (Migrations.class.getResource("migrations/" + dialect.name() + "/V" + (v + 1) + ".sql") != null) {
            v++;
        }
        return v;
    }

    static void migrate(Database db) {
        int latest = latest(db.dialect());
        // Up to date is the common case: see it without taking the write lock that running
        // processes are busy with.
        int seen = db.read("read the schema version", c -> hasVersionTable(db.dialect(), c) ? current(c) : 0);
        if (seen == latest) {
            return;
        }
        List<String> scripts = scripts(db.dialect());
        db.write("prepare the schema", c -> {
            db.dialect().lockSchema(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                        + " applied_at BIGINT NOT NULL)");
            }
            return null;
        });
        for (int v = 1; v <= scripts.size(); v++) {
            int version = v;
            String script = scripts.get(v - 1);
            db.write("upgrade the schema to version " + v, c -> {
                db.dialect().lockSchema(c);
                int current = current(c);
                if (current > scripts.size()) {
                    throw new KeelException(
                            KeelException.ErrorCode.STORAGE_FAILURE,
                            db.location()
                                    + " has schema version " + current + ", newer than this Keel knows ("
                                    + scripts.size()
                                    + "): upgrade Keel to open it");
                }
                if (current < version) {
                    try (Statement s = c.createStatement()) {
                        for (String statement : statements(script)) {
                            s.execute(statement);
                        }
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                        ps.setInt(1, version);
                        ps.setLong(2, System.currentTimeMillis());
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        }
    }

    /**
     * Whether {@code schema_version} exists. SQLite answers from its catalogue table: the
     * driver's {@code DatabaseMetaData} would load and prepare far more than one look-up needs.
     */
    private static boolean hasVersionTable(Dialect dialect, Connection c) throws SQLException {
        if (dialect instanceof SqliteDialect) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
                return rs.next();
            }
        }
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "schema_version", null)) {
            return rs.next();
        }
    }

    static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Splits a script at semicolons ending a line, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
