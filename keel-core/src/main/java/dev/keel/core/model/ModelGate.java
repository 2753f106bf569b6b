package dev.keel.core.model;

import dev.keel.core.KeelException;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.filter.FilterParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A condition a version's metrics must meet before an alias may point at it, written in the runs
 * filter language over the metrics recorded at registration: {@code test_accuracy >= 0.88 and
 * val_loss < 0.4}. A metric the version lacks fails the gate. A refusal reads:
 *
 * <pre>
 * refused: apparel:v2 has test_accuracy = 0.85, the gate needs test_accuracy &gt;= 0.88
 * </pre>
 */
public final class ModelGate {
    private final String text;
    private final Expr expr;

    private ModelGate(String text, Expr expr) {
        this.text = text;
        this.expr = expr;
    }

    /** Parses the condition; syntax errors point at the column, as the runs filter's do. */
    public static ModelGate parse(String text) {
        Expr e = FilterParser.parse(text);
        check(e);
        return new ModelGate(text.strip(), e);
    }

    /** Fails with the refusal above, naming every failing comparison and its value. */
    public void check(ModelVersion v) {
        List<String> failing = new ArrayList<>();
        if (!holds(expr, v.lineage().metrics(), failing)) {
            throw KeelException.invalid(
                    "refused: " + v.ref() + " has " + String.join(", ", failing) + ", the gate needs " + text);
        }
    }

    private static boolean holds(Expr e, Map<String, Double> metrics, List<String> failing) {
        if (e instanceof Expr.And and) {
            boolean left = holds(and.left(), metrics, failing);
            return holds(and.right(), metrics, failing) && left;
        }
        if (e instanceof Expr.Or or) {
            List<String> l = new ArrayList<>();
            List<String> r = new ArrayList<>();
            boolean ok = holds(or.left(), metrics, l) | holds(or.right(), metrics, r);
            if (!ok) {
                failing.addAll(l);
                failing.addAll(r);
            }
            return ok;
        }
        if (e instanceof Expr.Not not) {
            boolean ok = !holds(not.inner(), metrics, new ArrayList<>());
            if (!ok) {
                failing.add("not (" + not.inner() + ")");
            }
            return ok;
        }
        Expr.Compare c = (Expr.Compare) e;
        String key = c.field().path();
        Double value = metrics.get(key);
        boolean ok = value != null && compare(value, c.op(), ((Number) c.value()).doubleValue());
        if (!ok) {
            failing.add(value == null ? "no metric " + key : key + " = " + format(value));
        }
        return ok;
    }

    private static boolean compare(double v, Expr.Op op, double bound) {
        return switch (op) {
            case EQ -> v == bound;
            case NE -> v != bound;
            case LT -> v < bound;
            case LE -> v <= bound;
            case GT -> v > bound;
            case GE -> v >= bound;
        };
    }

    // only numeric comparisons of metrics mean something for a version
    private static void check(Expr e) {
        if (e instanceof Expr.And and) {
            check(and.left());
            check(and.right());
        } else if (e instanceof Expr.Or or) {
            check(or.left());
            check(or.right());
        } else if (e instanceof Expr.Not not) {
            check(not.inner());
        } else if (!(e instanceof Expr.Compare c)
                || c.field().kind() != Field.Kind.SUMMARY
                || !(c.value() instanceof Number)) {
            throw KeelException.invalid(
                    "a gate compares the version's metrics with numbers, e.g. 'test_accuracy >= 0.88';"
                            + " it cannot use "
                            + (e instanceof Expr.Compare c
                                    ? c.field() + " " + c.op().symbol + " " + c.value()
                                    : "in or contains"));
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return text;
    }
}
