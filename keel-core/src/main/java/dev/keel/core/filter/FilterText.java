package dev.keel.core.filter;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * Writes an {@link Expr} back as filter text that {@link FilterParser} reads into an equal tree:
 * how a remote store sends a parsed filter to the server. Strings are always quoted, so a
 * value such as {@code "and"} or {@code "64"} keeps its type.
 */
public final class FilterText {
    private FilterText() {}

    public static String of(Expr e) {
        if (e instanceof Expr.And a) {
            return "(" + of(a.left()) + " and " + of(a.right()) + ")";
        }
        if (e instanceof Expr.Or o) {
            return "(" + of(o.left()) + " or " + of(o.right()) + ")";
        }
        if (e instanceof Expr.Not n) {
            return "not (" + of(n.inner()) + ")";
        }
        if (e instanceof Expr.Compare c) {
            return c.field() + " " + c.op().symbol + " " + value(c.value());
        }
        if (e instanceof Expr.In in) {
            StringJoiner j = new StringJoiner(", ", "(", ")");
            in.values().forEach(v -> j.add(value(v)));
            return in.field() + (in.negated() ? " not in " : " in ") + j;
        }
        if (e instanceof Expr.Contains c) {
            return c.field() + " contains " + value(c.value());
        }
        throw new IllegalArgumentException("unknown filter node " + e);
    }

    static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15
                    ? Long.toString(d.longValue())
                    : Double.toString(d).toLowerCase(Locale.ROOT);
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        String s = v.toString();
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
