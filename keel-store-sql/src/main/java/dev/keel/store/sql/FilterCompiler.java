package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates a filter {@link Expr} and a sort {@link Field} into SQL over the {@code runs} table
 * (alias {@code r}), binding every value and JSON path as a parameter.
 *
 * <p>Semantics: numbers compare numerically (JSON integers and reals alike; "Infinity" strings as
 * infinities, "NaN" as no value), strings compare as text, and a comparison on a field a run
 * does not have is false. {@code !=} and {@code not in} are the negations of {@code =} and
 * {@code in}, so they match runs without the field. {@code tags contains x} (and {@code tags = x})
 * tests list membership; {@code contains} on a config or summary list does too, and on text it
 * tests for a substring.
 */
final class FilterCompiler {
    private static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("id", "r.id"),
            Map.entry("name", "r.name"),
            Map.entry("project", "r.project"),
            Map.entry("state", "r.state"),
            Map.entry("user", "r.user_name"),
            Map.entry("notes", "r.notes"),
            Map.entry("tags", "r.tags"),
            Map.entry("group", "r.grp"),
            Map.entry("sweep", "r.sweep"),
            Map.entry("host", "r.host"),
            Map.entry("created", "r.created_at"),
            Map.entry("runtime", "r.runtime_ms"),
            Map.entry("heartbeat", "r.heartbeat_at"),
            Map.entry("ended", "r.ended_at"));
    private static final List<String> TIME_ATTRIBUTES = List.of("created", "heartbeat", "ended");

    private final Dialect dialect;

    FilterCompiler(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Appends a boolean SQL condition for {@code e}. */
    void where(Expr e, SqlBuilder b) {
        if (e instanceof Expr.And and) {
            binary(and.left(), "AND", and.right(), b);
        } else if (e instanceof Expr.Or or) {
            binary(or.left(), "OR", or.right(), b);
        } else if (e instanceof Expr.Not not) {
            b.sql("(NOT ");
            where(not.inner(), b);
            b.sql(")");
        } else if (e instanceof Expr.Compare c) {
            if (c.op() == Expr.Op.NE) {
                where(new Expr.Not(new Expr.Compare(c.field(), Expr.Op.EQ, c.value())), b);
            } else {
                b.sql("COALESCE(");
                compare(c.field(), c.op(), c.value(), b);
                b.sql(", FALSE)");
            }
        } else if (e instanceof Expr.In in) {
            if (in.values().isEmpty()) {
                b.sql(in.negated() ? "TRUE" : "FALSE");
                return;
            }
            Expr any = anyOf(in, new ArrayList<>(in.values()), 0, in.values().size());
            where(in.negated() ? new Expr.Not(any) : any, b);
        } else if (e instanceof Expr.Contains c) {
            b.sql("COALESCE(");
            contains(c.field(), c.value(), b);
            b.sql(", FALSE)");
        } else {
            throw new IllegalArgumentException("unknown filter node " + e);
        }
    }

    /**
     * {@code field = v} for any of {@code values[from, to)} as a balanced tree of ORs: a chain of
     * a thousand (a caller who may read that many projects) passes SQLite's expression depth limit.
     */
    private static Expr anyOf(Expr.In in, List<Object> values, int from, int to) {
        if (to - from == 1) {
            return new Expr.Compare(in.field(), Expr.Op.EQ, values.get(from));
        }
        int mid = (from + to) >>> 1;
        return new Expr.Or(anyOf(in, values, from, mid), anyOf(in, values, mid, to));
    }

    private void binary(Expr left, String op, Expr right, SqlBuilder b) {
        b.sql("(");
        where(left, b);
        b.sql(" " + op + " ");
        where(right, b);
        b.sql(")");
    }

    /**
     * Appends an ORDER BY term (without the keywords) that puts runs without the field last, and
     * sorts "Infinity" strings as numbers and "NaN" with the missing values.
     */
    void orderBy(Field field, boolean descending, SqlBuilder b) {
        if (field.kind() == Field.Kind.ATTRIBUTE) {
            b.sql(column(field));
            b.sql(descending ? " DESC NULLS LAST" : " ASC NULLS LAST");
        } else {
            dialect.jsonOrderBy(b, jsonColumn(field), path(field), descending);
        }
    }

    private void compare(Field f, Expr.Op op, Object value, SqlBuilder b) {
        if (f.kind() == Field.Kind.ATTRIBUTE) {
            compareAttribute(f, op, value, b);
        } else if (value == null) {
            requireEquality(f, op);
            dialect.jsonIsNull(b, jsonColumn(f), path(f));
        } else if (value instanceof String) {
            dialect.jsonText(b, jsonColumn(f), path(f));
            b.sql(" " + op.symbol + " ").bind(value);
        } else {
            dialect.jsonNumber(b, jsonColumn(f), path(f));
            b.sql(" " + op.symbol + " ").bind(value instanceof Boolean x ? (x ? 1 : 0) : value);
        }
    }

    private void compareAttribute(Field f, Expr.Op op, Object value, SqlBuilder b) {
        String col = column(f);
        if (f.path().equals("tags")) {
            requireEquality(f, op);
            dialect.listContains(b, col, text(value));
            return;
        }
        if (value == null) {
            requireEquality(f, op);
            b.sql(col + " IS NULL");
            return;
        }
        Object bound;
        if (TIME_ATTRIBUTES.contains(f.path()) || f.path().equals("runtime")) {
            bound = value instanceof String s && TIME_ATTRIBUTES.contains(f.path())
                    ? epochMillis(f, s)
                    : number(f, value);
        } else if (f.path().equals("state")) {
            bound = text(value).toLowerCase(Locale.ROOT);
        } else {
            bound = text(value);
        }
        b.sql(col + " " + op.symbol + " ").bind(bound);
    }

    private void contains(Field f, Object value, SqlBuilder b) {
        if (value == null) {
            throw KeelException.invalid("'" + f + " contains' needs a value, not null: write " + f + " = null"
                    + " to find runs without it");
        }
        if (f.kind() != Field.Kind.ATTRIBUTE) {
            dialect.jsonContains(b, jsonColumn(f), path(f), value instanceof Boolean x ? (x ? 1 : 0) : value);
        } else if (f.path().equals("tags")) {
            dialect.listContains(b, column(f), text(value));
        } else {
            dialect.textContains(b, column(f), text(value));
        }
    }

    private static void requireEquality(Field f, Expr.Op op) {
        if (op != Expr.Op.EQ) {
            throw KeelException.invalid("'" + f + " " + op.symbol + "' needs a value; only = and != work with "
                    + (f.path().equals("tags") ? "tags (or use: tags contains \"x\")" : "null"));
        }
    }

    private String jsonColumn(Field f) {
        return f.kind() == Field.Kind.CONFIG ? "r.config" : "r.summary";
    }

    private Object path(Field f) {
        return dialect.jsonPath(Arrays.asList(f.path().split("\\.", -1)));
    }

    private static String column(Field f) {
        String col = COLUMNS.get(f.path());
        if (col == null) {
            throw KeelException.invalid("unknown run attribute '" + f.path() + "': use one of "
                    + String.join(", ", Field.ATTRIBUTES.stream().sorted().toList())
                    + ", or config.KEY / summary.KEY");
        }
        return col;
    }

    private static String text(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    private static Object number(Field f, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw KeelException.invalid("'" + f + "' is a number (milliseconds), not '" + value + "'");
    }

    /** Epoch milliseconds from an ISO date ({@code 2024-01-31}), date-time or instant, taken as UTC. */
    static long epochMillis(Field f, String text) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return Instant.parse(text).toEpochMilli();
            }
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw KeelException.invalid("'" + f + "' takes epoch milliseconds or an ISO date such as 2024-01-31"
                    + " or 2024-01-31T12:00:00Z, not '" + text + "'");
        }
    }
}
