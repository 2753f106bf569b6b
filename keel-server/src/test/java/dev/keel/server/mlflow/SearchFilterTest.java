package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.server.mlflow.SearchFilter.Clause;
import dev.keel.server.mlflow.SearchFilter.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchFilterTest {

    @Test
    void parsesMlflowsIdentifierFormsOperatorsAndValues() {
        List<Clause> c =
                SearchFilter.parse("metrics.acc > 0.9 and params.lr = '0.01' AND tags.\"mlflow.runName\" LIKE 'exp%'"
                        + " and metric.`f1 score`<=1e-3 and attributes.run_id IN ('a', \"b\") and status != 'FAILED'"
                        + " and tags.mlflow.source.type = 'LOCAL' and created >= 17 and run.run_name ILIKE '%x%'");
        assertEquals(
                List.of(
                        new Clause(Kind.METRIC, "acc", ">", 0.9),
                        new Clause(Kind.PARAM, "lr", "=", "0.01"),
                        new Clause(Kind.TAG, "mlflow.runName", "LIKE", "exp%"),
                        new Clause(Kind.METRIC, "f1 score", "<=", 1e-3),
                        new Clause(Kind.ATTRIBUTE, "run_id", "IN", List.of("a", "b")),
                        new Clause(Kind.ATTRIBUTE, "status", "!=", "FAILED"),
                        new Clause(Kind.TAG, "mlflow.source.type", "=", "LOCAL"),
                        new Clause(Kind.ATTRIBUTE, "start_time", ">=", 17.0),
                        new Clause(Kind.ATTRIBUTE, "run_name", "ILIKE", "%x%")),
                c);
        assertTrue(SearchFilter.parse("  ").isEmpty());
        assertEquals(
                new Clause(Kind.ATTRIBUTE, "run_id", "NOT IN", List.of("z")),
                SearchFilter.parse("run_id not in ('z')").get(0));
    }

    @Test
    void rejectsWhatMlflowRejectsWithTheColumn() {
        for (String bad : List.of(
                "metrics.a > 1 or metrics.b < 2",
                "metrics.a >>> 1",
                "foo.a = 'x'",
                "metrics.a >",
                "params.a = 'unterminated",
                "metrics. = 1",
                "(metrics.a > 1)",
                "params.x IN 'a'")) {
            KeelException e = assertThrows(KeelException.class, () -> SearchFilter.parse(bad), bad);
            assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
            assertTrue(e.getMessage().contains("column"), e.getMessage());
        }
        // parsed, but of the wrong type for the entity: refused by the search
        for (String bad : List.of(
                "params.lr > 1",
                "metrics.acc = 'high'",
                "attributes.run_name IN ('a')",
                "attributes.bogus = 'x'",
                "start_time = 'yesterday'")) {
            assertThrows(KeelException.class, () -> SearchFilter.parse(bad).forEach(RunSearch::validate), bad);
        }
    }

    @Test
    void likeIsSqlLike() {
        assertTrue(SearchFilter.like("experiment-1", "exp%", false));
        assertTrue(SearchFilter.like("ab", "a_", false));
        assertFalse(SearchFilter.like("Exp", "exp%", false));
        assertTrue(SearchFilter.like("Exp", "exp%", true));
        assertTrue(SearchFilter.like("a.b*c", "a.b*%", false), "regex characters are literal");
    }

    @Test
    void orderByEntriesCarryTheirDirection() {
        Clause c = SearchFilter.identifier("metrics.val_loss DESC");
        assertEquals(new Clause(Kind.METRIC, "val_loss", "DESC", null), c);
        assertEquals("", SearchFilter.identifier("attributes.start_time").op());
    }
}
