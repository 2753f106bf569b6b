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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a database's schema up to date from the ordered scripts
 * {@code migrations/<dialect>/V1.sql, V2.sql, …} beside this class. The applied version is kept
 * in {@code schema_version}; each step runs in its own write transaction, so concurrent openers
 * apply it once and a failed step leaves the previous version intact.
 */
final class Migrations {
    private Migrations() {}

    /**
     * Numbers a missing script may leave before the list ends: migration numbers are handed out
     * ahead of time, so a branch can hold V12 while V10 and V11 land elsewhere.
     */
    private static final int MAX_GAP = 4;

    /** The scripts of a dialect, in order (index 0 is version 1); null for a number not used (yet). */
    static List<String> scripts(Dialect dialect) {
        List<String> out = new ArrayList<>();
        int missing = 0;
        for (int v = 1; missing <= MAX_GAP; v++) {
            String name = "migrations/" + dialect.name() + "/V" + v + ".sql";
            try (InputStream in = Migrations.class.getResourceAsStream(name)) {
                if (in == null) {
                    missing++;
                    out.add(null);
                    continue;
                }
                missing = 0;
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1) == null) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    static void migrate(Database db) {
        List<String> scripts = scripts(db.dialect());
        // Up to date is the common case: see it without taking the write lock that running
        // processes are busy with.
        Set<Integer> seen = db.read("read the schema version", c -> {
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "schema_version", null)) {
                return rs.next() ? applied(c) : Set.<Integer>of();
            }
        });
        if (seen.containsAll(known(scripts)) && current(seen) <= scripts.size()) {
            return;
        }
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
            if (script == null) {
                continue;
            }
            db.write("upgrade the schema to version " + v, c -> {
                db.dialect().lockSchema(c);
                Set<Integer> applied = applied(c);
                int current = current(applied);
                if (current > scripts.size()) {
                    throw new KeelException(
                            KeelException.ErrorCode.STORAGE_FAILURE,
                            db.location()
                                    + " has schema version " + current + ", newer than this Keel knows ("
                                    + scripts.size()
                                    + "): upgrade Keel to open it");
                }
                if (!applied.contains(version)) {
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

    /** The versions of the scripts that exist. */
    private static Set<Integer> known(List<String> scripts) {
        Set<Integer> out = new HashSet<>();
        for (int v = 1; v <= scripts.size(); v++) {
            if (scripts.get(v - 1) != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static int current(Set<Integer> applied) {
        return applied.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Every version applied: with numbers handed out ahead of time, a lower one may come after a higher. */
    static Set<Integer> applied(Connection c) throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
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
