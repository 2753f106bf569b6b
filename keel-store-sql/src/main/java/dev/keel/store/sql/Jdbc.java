package dev.keel.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The few JDBC steps the SQL stores repeat: run a statement with bound arguments, read rows, and
 * split a long list of keys into {@code IN (…)} lists of bounded length. Arguments are bound with
 * {@code setObject}, which both drivers map from String, Integer, Long, byte[] and null.
 */
final class Jdbc {
    /** Most keys in one {@code IN (…)} list: well under either database's parameter limit. */
    static final int IN_BATCH = 500;

    private Jdbc() {}

    /** Reads one row of a result set into a value. */
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        }
    }

    static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    /** {@code all} in consecutive parts of at most {@link #IN_BATCH}, in their order. */
    static <T> List<List<T>> parts(Collection<T> all) {
        List<T> list = new ArrayList<>(all);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += IN_BATCH) {
            out.add(list.subList(i, Math.min(list.size(), i + IN_BATCH)));
        }
        return out;
    }

    /** {@code (?, ?, …)} with one placeholder per element of {@code part}. */
    static String placeholders(Collection<?> part) {
        return "(" + "?, ".repeat(part.size() - 1) + "?)";
    }

    /** {@code first} followed by the elements of {@code rest}, as bind arguments. */
    static Object[] args(Object first, Collection<?> rest) {
        Object[] out = new Object[rest.size() + 1];
        out[0] = first;
        int i = 1;
        for (Object o : rest) {
            out[i++] = o;
        }
        return out;
    }
}
