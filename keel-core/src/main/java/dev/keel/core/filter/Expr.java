package dev.keel.core.filter;

import java.util.List;

/**
 * A parsed runs filter. Values are {@link String}, {@link Double}, {@link Boolean} or null.
 * Back ends translate the tree into their query language with every value bound as a
 * parameter, never spliced into query text.
 */
public sealed interface Expr {

    enum Op {
        EQ("="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        public final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    record And(Expr left, Expr right) implements Expr {}

    record Or(Expr left, Expr right) implements Expr {}

    record Not(Expr inner) implements Expr {}

    record Compare(Field field, Op op, Object value) implements Expr {}

    /** {@code field in (a, b, …)}, or {@code not in} when {@code negated}. */
    record In(Field field, List<Object> values, boolean negated) implements Expr {}

    /** {@code tags contains "x"}: list membership for tags, substring for text fields. */
    record Contains(Field field, Object value) implements Expr {}
}
