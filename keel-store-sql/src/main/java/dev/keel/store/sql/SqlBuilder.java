package dev.keel.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Query text with its parameters kept beside it, so values are always bound, never spliced. */
final class SqlBuilder {
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    SqlBuilder sql(String text) {
        sql.append(text);
        return this;
    }

    /** Appends one {@code ?} and its value. */
    SqlBuilder bind(Object value) {
        sql.append('?');
        params.add(value);
        return this;
    }

    /** Appends text holding {@code ?} marks and their values, in order. */
    SqlBuilder sql(String text, Object... values) {
        sql.append(text);
        params.addAll(List.of(values));
        return this;
    }

    String text() {
        return sql.toString();
    }

    List<Object> params() {
        return params;
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            Object v = params.get(i);
            ps.setObject(i + 1, v instanceof Boolean b ? (b ? 1 : 0) : v);
        }
        return ps;
    }
}
