package dev.keel.core.filter;

import dev.keel.core.KeelException;
import dev.keel.core.filter.Expr.And;
import dev.keel.core.filter.Expr.Compare;
import dev.keel.core.filter.Expr.Contains;
import dev.keel.core.filter.Expr.In;
import dev.keel.core.filter.Expr.Not;
import dev.keel.core.filter.Expr.Op;
import dev.keel.core.filter.Expr.Or;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FilterParserTest {

    private static Compare cmp(String field, Op op, Object value) {
        return new Compare(Field.parse(field), op, value);
    }

    @Test
    void parsesTheDesignExampleWithAndBindingLeft() {
        Expr e = FilterParser.parse("config.layers >= 64 and summary.val_accuracy > 0.87 and state = finished");
        assertEquals(
                new And(
                        new And(cmp("config.layers", Op.GE, 64.0), cmp("summary.val_accuracy", Op.GT, 0.87)),
                        cmp("state", Op.EQ, "finished")),
                e);
    }

    @Test
    void andBindsTighterThanOrAndParenthesesOverride() {
        assertEquals(
                new Or(cmp("a", Op.EQ, 1.0), new And(cmp("b", Op.EQ, 2.0), cmp("c", Op.EQ, 3.0))),
                FilterParser.parse("a = 1 or b = 2 and c = 3"));
        assertEquals(
                new And(new Or(cmp("a", Op.EQ, 1.0), cmp("b", Op.EQ, 2.0)), cmp("c", Op.EQ, 3.0)),
                FilterParser.parse("(a = 1 or b = 2) and c = 3"));
    }

    @Test
    void readsEveryComparisonOperator() {
        assertEquals(cmp("x", Op.EQ, 1.0), FilterParser.parse("x = 1"));
        assertEquals(cmp("x", Op.EQ, 1.0), FilterParser.parse("x == 1"));
        assertEquals(cmp("x", Op.NE, 1.0), FilterParser.parse("x != 1"));
        assertEquals(cmp("x", Op.NE, 1.0), FilterParser.parse("x <> 1"));
        assertEquals(cmp("x", Op.LT, 1.0), FilterParser.parse("x<1"));
        assertEquals(cmp("x", Op.LE, 1.0), FilterParser.parse("x<=1"));
        assertEquals(cmp("x", Op.GT, -1.0), FilterParser.parse("x>-1"));
        assertEquals(cmp("x", Op.GE, 1e-3), FilterParser.parse("x >= 1e-3"));
    }

    @Test
    void readsInNotInContainsAndNot() {
        assertEquals(
                new In(Field.parse("state"), List.of("finished", "failed"), false),
                FilterParser.parse("state in (finished, 'failed')"));
        assertEquals(
                new In(Field.parse("config.layers"), List.of(32.0, 64.0), true),
                FilterParser.parse("config.layers NOT IN (32, 64)"));
        assertEquals(new Contains(Field.parse("tags"), "x y"), FilterParser.parse("tags contains \"x y\""));
        assertEquals(new Not(new Not(cmp("a", Op.EQ, true))), FilterParser.parse("not not a = true"));
    }

    @Test
    void readsValueKinds() {
        assertEquals(cmp("config.opt", Op.EQ, "it's"), FilterParser.parse("config.opt = 'it\\'s'"));
        assertEquals(cmp("config.flag", Op.EQ, false), FilterParser.parse("config.flag = FALSE"));
        assertEquals(cmp("notes", Op.EQ, null), FilterParser.parse("notes = null"));
        assertEquals(
                cmp("created", Op.GT, "2024-01-31T10:00:00Z"), FilterParser.parse("created > 2024-01-31T10:00:00Z"));
        assertEquals(
                new In(Field.parse("x"), Arrays.asList(null, "äb"), false), FilterParser.parse("x in (null, \"äb\")"));
    }

    @Test
    void fieldsFollowFieldParse() {
        Compare c = (Compare) FilterParser.parse("system/gpu.0.util > 50");
        assertEquals(new Field(Field.Kind.SUMMARY, "system/gpu.0.util"), c.field());
        c = (Compare) FilterParser.parse("config.optimizer.lr < 0.1");
        assertEquals(new Field(Field.Kind.CONFIG, "optimizer.lr"), c.field());
    }

    private static FilterSyntaxException fails(String text) {
        return assertThrows(FilterSyntaxException.class, () -> FilterParser.parse(text));
    }

    @Test
    void missingValuePointsAtTheNextToken() {
        FilterSyntaxException e = fails("config.layers >= and state = finished");
        assertEquals(17, e.position());
        assertEquals("""
                invalid filter at column 18: expected a value after '>=', found 'and' (quote it if you mean the word)
                  config.layers >= and state = finished
                                   ^""", e.getMessage());
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
    }

    @Test
    void missingOperatorNamesTheChoices() {
        FilterSyntaxException e = fails("state finished");
        assertEquals("""
                invalid filter at column 7: expected =, !=, <, <=, >, >=, in, not in or contains after 'state', found 'finished'
                  state finished
                        ^""", e.getMessage());
    }

    @Test
    void unclosedParenthesisPointsAtTheEnd() {
        FilterSyntaxException e = fails("(a = 1 or b = 2");
        assertEquals(15, e.position());
        assertEquals("""
                invalid filter at column 16: expected ')' to close the '(' at column 1, found the end of the filter
                  (a = 1 or b = 2
                                 ^""", e.getMessage());
    }

    @Test
    void trailingGarbageAndBadCharactersArePointedAt() {
        assertEquals(6, fails("a = 1 b = 2").position());
        assertEquals(
                "invalid filter at column 7: expected 'and', 'or' or the end of the filter, found 'b'",
                fails("a = 1 b = 2").getMessage().lines().findFirst().orElseThrow());
        assertEquals(2, fails("a ! 1").position());
        assertEquals(4, fails("a = 'open").position());
        assertEquals(
                "invalid filter at column 5: unterminated string: add the closing '",
                fails("a = 'open").getMessage().lines().findFirst().orElseThrow());
        assertEquals(4, fails("a = ;").position());
    }

    @Test
    void badListsAndMissingFieldsArePointedAt() {
        assertEquals(10, fails("x in (1, 2").position());
        assertEquals(8, fails("x in (1 2)").position());
        assertEquals(5, fails("x in 1").position());
        assertEquals(0, fails("= 3").position());
        assertEquals(9, fails("a = 1 and").position());
        assertEquals(
                "invalid filter at column 10: expected a field name (such as state, config.lr or summary.loss),"
                        + " found the end of the filter",
                fails("a = 1 and").getMessage().lines().findFirst().orElseThrow());
        assertEquals(0, fails("   ").position());
    }
}
