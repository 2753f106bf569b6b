package dev.keel.core.filter;

import dev.keel.core.filter.FilterLexer.Token;
import dev.keel.core.filter.FilterLexer.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the runs filter language into an {@link Expr}:
 * <pre>
 * config.layers &gt;= 64 and summary.val_accuracy &gt; 0.87 and state = finished
 * (tags contains "baseline" or group in (a, b)) and not sweep = ''
 * </pre>
 * {@code or} binds looser than {@code and}, which binds looser than {@code not}. Comparisons are
 * {@code = != < <= > >=}, {@code in (…)}, {@code not in (…)} and {@code contains}. Values are
 * numbers, "double" or 'single' quoted strings, bare words, {@code true}, {@code false} and
 * {@code null}. Keywords are case-insensitive. Fields are read by {@link Field#parse}.
 * Errors are {@link FilterSyntaxException}s pointing at the offending column.
 */
public final class FilterParser {
    private static final String OPERATORS = "=, !=, <, <=, >, >=, in, not in or contains";

    private final String src;
    private final List<Token> tokens;
    private int next;

    private FilterParser(String src) {
        this.src = src;
        this.tokens = FilterLexer.tokenize(src);
    }

    /** Parses {@code text}; blank text is an error (callers pass null for "no filter"). */
    public static Expr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new FilterSyntaxException(
                    text == null ? "" : text, 0, "the filter is empty: write a condition such as state = finished");
        }
        FilterParser p = new FilterParser(text);
        Expr e = p.or();
        Token t = p.peek();
        if (t.type() != Type.END) {
            throw p.error(t, "expected 'and', 'or' or the end of the filter, found " + t.describe());
        }
        return e;
    }

    private Expr or() {
        Expr left = and();
        while (peek().isKeyword("or")) {
            next++;
            left = new Expr.Or(left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (peek().isKeyword("and")) {
            next++;
            left = new Expr.And(left, not());
        }
        return left;
    }

    private Expr not() {
        if (peek().isKeyword("not")) {
            next++;
            return new Expr.Not(not());
        }
        return primary();
    }

    private Expr primary() {
        Token t = take();
        if (t.type() == Type.LPAREN) {
            Expr inner = or();
            expect(Type.RPAREN, "expected ')' to close the '(' at column " + (t.pos() + 1));
            return inner;
        }
        if (t.type() != Type.WORD || isReserved(t)) {
            throw error(t, "expected a field name (such as state, config.lr or summary.loss), found " + t.describe());
        }
        Field field = Field.parse(t.text());
        Token op = take();
        if (op.type() == Type.OP) {
            return new Expr.Compare(field, (Expr.Op) op.value(), value(op));
        }
        if (op.isKeyword("in")) {
            return new Expr.In(field, list(), false);
        }
        if (op.isKeyword("not") && peek().isKeyword("in")) {
            next++;
            return new Expr.In(field, list(), true);
        }
        if (op.isKeyword("contains")) {
            return new Expr.Contains(field, value(op));
        }
        throw error(op, "expected " + OPERATORS + " after '" + t.text() + "', found " + op.describe());
    }

    private List<Object> list() {
        expect(Type.LPAREN, "expected '(' to start the list of values");
        List<Object> values = new ArrayList<>();
        Token previous = tokens.get(next - 1);
        while (true) {
            values.add(value(previous));
            previous = take();
            if (previous.type() == Type.RPAREN) {
                return values;
            }
            if (previous.type() != Type.COMMA) {
                throw error(previous, "expected ',' or ')' in the list of values, found " + previous.describe());
            }
        }
    }

    private Object value(Token after) {
        Token t = take();
        return switch (t.type()) {
            case NUMBER, STRING -> t.value();
            case WORD -> {
                if (t.isKeyword("true")) {
                    yield Boolean.TRUE;
                }
                if (t.isKeyword("false")) {
                    yield Boolean.FALSE;
                }
                if (t.isKeyword("null")) {
                    yield null;
                }
                if (isReserved(t)) {
                    throw error(
                            t,
                            "expected a value after '" + after.text() + "', found " + t.describe()
                                    + " (quote it if you mean the word)");
                }
                yield t.text();
            }
            default -> throw error(t, "expected a value after '" + after.text() + "', found " + t.describe());
        };
    }

    private static boolean isReserved(Token t) {
        return t.isKeyword("and")
                || t.isKeyword("or")
                || t.isKeyword("not")
                || t.isKeyword("in")
                || t.isKeyword("contains");
    }

    private void expect(Type type, String problem) {
        Token t = take();
        if (t.type() != type) {
            throw error(t, problem + ", found " + t.describe());
        }
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.type() != Type.END) {
            next++;
        }
        return t;
    }

    private FilterSyntaxException error(Token at, String problem) {
        return new FilterSyntaxException(src, at.pos(), problem);
    }
}
