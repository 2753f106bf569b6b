package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.filter.FilterParser;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Searching, sorting, counting and paging runs: what every {@link Store} must do. */
abstract class StoreSearchContractTest {
    protected Store store;

    protected abstract Store newStore() throws Exception;

    @BeforeEach
    void fill() throws Exception {
        store = newStore();
        add(
                "r1",
                "p",
                RunState.FINISHED,
                1000,
                5000,
                List.of("mlp", "baseline"),
                "first baseline",
                "g1",
                map(
                        "layers",
                        64L,
                        "opt",
                        map("name", "adam", "lr", 0.001),
                        "arch",
                        "mlp",
                        "flags",
                        List.of("a", "b"),
                        "we\"ird'key",
                        7L),
                map("val_acc", 0.9, "loss", 0.3));
        add(
                "r2",
                "p",
                RunState.FINISHED,
                2000,
                700,
                List.of("cnn"),
                "",
                "",
                map("layers", 128L, "opt", map("name", "sgd", "lr", 0.1), "arch", "cnn"),
                map("val_acc", 0.85, "loss", Double.NaN));
        add(
                "r3",
                "p",
                RunState.FAILED,
                3000,
                0,
                List.of(),
                "",
                "",
                map("layers", 32L, "arch", "mlp", "use_bn", true),
                map("val_acc", 0.95, "loss", Double.POSITIVE_INFINITY));
        add("r4", "p", RunState.RUNNING, 4000, 0, List.of("mlp"), "", "", map("layers", "64", "arch", "mlp"), map());
        add("q1", "q", RunState.FINISHED, 5000, 0, List.of(), "", "", map("layers", 256L), map("val_acc", 0.5));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private void add(
            String id,
            String project,
            RunState state,
            long created,
            long runtime,
            List<String> tags,
            String notes,
            String group,
            Map<String, Object> config,
            Map<String, Object> summary) {
        store.createRun(
                new RunInfo(
                        id,
                        project,
                        "name-" + id,
                        group,
                        "ada",
                        tags,
                        notes,
                        state,
                        created,
                        created,
                        0,
                        runtime,
                        "",
                        "host",
                        1,
                        config,
                        summary),
                Map.of());
    }

    private List<String> ids(RunQuery q) {
        return store.searchRuns(q).stream().map(RunInfo::id).toList();
    }

    /** Ids matching the filter over all projects, sorted by id. */
    private List<String> where(String filter) {
        return ids(new RunQuery(null, FilterParser.parse(filter), Field.parse("id"), false, 0, 0));
    }

    private List<String> sorted(String project, String field, boolean descending) {
        return ids(new RunQuery(project, null, Field.parse(field), descending, 0, 0));
    }

    /** Trials are runs with their sweep's id: {@code keel runs --filter 'sweep = ID'}, ids that start with a digit too. */
    @Test
    void runsFilterBySweepId() {
        for (String[] run : new String[][] {{"t1", "6v8m5w0s"}, {"t2", "6v8m5w0s"}, {"t3", "zq0a9b7c"}}) {
            store.createRun(
                    new RunInfo(
                            run[0],
                            "p",
                            "name-" + run[0],
                            "",
                            "ada",
                            List.of(),
                            "",
                            RunState.FINISHED,
                            6000,
                            6000,
                            0,
                            0,
                            run[1],
                            "host",
                            1,
                            map("width", 64L),
                            map()),
                    Map.of());
        }
        assertEquals(List.of("t1", "t2"), where("sweep = 6v8m5w0s"));
        assertEquals(List.of("t1", "t2"), where("sweep = '6v8m5w0s' and config.width = 64"));
        assertEquals(List.of("t3"), where("sweep = zq0a9b7c"));
        assertEquals(List.of("t1", "t2", "t3"), where("sweep in (6v8m5w0s, zq0a9b7c)"));
        assertEquals(List.of("q1", "r1", "r2", "r3", "r4"), where("sweep = ''"));
        assertEquals(3L, store.countRuns(new RunQuery("p", FilterParser.parse("sweep != ''"), null, false, 0, 0)));
    }

    @Test
    void numbersCompareNumericallyAndNeverMatchText() {
        assertEquals(List.of("q1", "r1", "r2"), where("config.layers >= 64"));
        assertEquals(List.of("r1"), where("config.layers = 64"));
        assertEquals(List.of("r4"), where("config.layers = '64'"));
        assertEquals(List.of("r3"), where("config.layers < 64"));
        assertEquals(List.of("r1", "r3"), where("config.layers <= 64"));
        assertEquals(List.of("q1", "r2"), where("config.layers > 64"));
        assertEquals(List.of("r1"), where("config.opt.lr < 0.01"));
    }

    @Test
    void notEqualAndNotInAreNegationsSoTheyMatchRunsWithoutTheField() {
        assertEquals(List.of("q1", "r2", "r3", "r4"), where("config.layers != 64"));
        assertEquals(List.of("q1", "r2"), where("not config.arch = mlp"));
        assertEquals(List.of("r3", "r4"), where("state not in (finished)"));
        assertEquals(List.of("q1", "r2", "r3"), where("tags != mlp"));
    }

    @Test
    void stringsAttributesAndBooleans() {
        assertEquals(List.of("r1"), where("config.opt.name = adam"));
        assertEquals(List.of("r2"), where("config.opt.name > 'b'"));
        assertEquals(List.of("r1"), where("summary.val_acc > 0.87 and state = finished"));
        assertEquals(List.of("r1", "r3"), where("val_acc > 0.87"));
        assertEquals(List.of("r3"), where("state = FAILED"));
        assertEquals(List.of("r1"), where("group = g1"));
        assertEquals(List.of("r2"), where("name = name-r2"));
        assertEquals(List.of("q1", "r1", "r2", "r3", "r4"), where("user = ada"));
        assertEquals(List.of("r3"), where("config.use_bn = true"));
        assertEquals(List.of(), where("config.use_bn = false"));
        assertEquals(List.of("q1", "r1", "r2", "r4"), where("config.use_bn = null"));
    }

    @Test
    void infinityComparesAsANumberAndNanMatchesNothing() {
        assertEquals(List.of("r3"), where("loss > 1"));
        assertEquals(List.of("r1"), where("loss < 1"));
        assertEquals(List.of(), where("loss = 0.3 and loss > 0.3"));
    }

    @Test
    void inOrAndParentheses() {
        assertEquals(List.of("q1", "r1", "r2", "r3"), where("state in (finished, failed)"));
        assertEquals(List.of("r1", "r3"), where("config.layers in (32, 64)"));
        assertEquals(List.of("r2"), where("(state = failed or tags contains cnn) and config.layers > 40"));
        assertEquals(List.of("r2", "r3"), where("state = failed or tags contains cnn and config.layers > 40"));
    }

    @Test
    void aStoppedTrialIsFoundByItsStateAndKeepsItsReason() {
        add(
                "s1",
                "p",
                RunState.STOPPED,
                6000,
                300,
                List.of(),
                "",
                "",
                map("layers", 32L),
                map("val_acc", 0.7, RunState.STOP_REASON_KEY, "hyperband: val_acc 0.7 at step 3 is below 0.8"));
        assertEquals(List.of("s1"), where("state = stopped"));
        assertEquals(List.of("q1", "r1", "r2", "s1"), where("state in (finished, stopped)"));
        RunInfo s1 = store.run("s1").orElseThrow();
        assertEquals(RunState.STOPPED, s1.state());
        assertEquals(
                "hyperband: val_acc 0.7 at step 3 is below 0.8", s1.summary().get(RunState.STOP_REASON_KEY));
    }

    @Test
    void containsTestsListMembershipAndSubstrings() {
        assertEquals(List.of("r1", "r4"), where("tags contains mlp"));
        assertEquals(List.of("r2"), where("tags = cnn"));
        assertEquals(List.of("r1", "r2"), where("tags in (cnn, baseline)"));
        assertEquals(List.of("r1"), where("config.flags contains a"));
        assertEquals(List.of("r1"), where("notes contains baseline"));
        assertEquals(List.of("r2"), where("config.arch contains nn"));
    }

    @Test
    void timesCompareAsMillisecondsOrIsoDates() {
        assertEquals(List.of("q1", "r3", "r4"), where("created >= 3000"));
        assertEquals(List.of("r1"), where("created < '1970-01-01T00:00:02Z'"));
        assertEquals(List.of("r1", "r2"), where("created <= 1970-01-01T00:00:02"));
        assertEquals(List.of(), where("created > 2024-01-31"));
        assertEquals(List.of("r1"), where("runtime > 1000"));
        KeelException e = assertThrows(KeelException.class, () -> where("created > yesterday"));
        assertEquals(
                "'created' takes epoch milliseconds or an ISO date such as 2024-01-31 or 2024-01-31T12:00:00Z,"
                        + " not 'yesterday'",
                e.getMessage());
    }

    @Test
    void valuesAndPathsAreBoundNotSpliced() {
        assertEquals(List.of(), where("config.arch = \"'; DROP TABLE runs; --\""));
        assertEquals(5, store.countRuns(RunQuery.all()));
        Expr weird = new Expr.Compare(new Field(Field.Kind.CONFIG, "we\"ird'key"), Expr.Op.EQ, 7.0);
        assertEquals(List.of("r1"), ids(new RunQuery(null, weird, null, true, 0, 0)));
    }

    @Test
    void unknownAttributesAreNamedInTheError() {
        Expr bad = new Expr.Compare(new Field(Field.Kind.ATTRIBUTE, "colour"), Expr.Op.EQ, "red");
        KeelException e =
                assertThrows(KeelException.class, () -> store.searchRuns(new RunQuery(null, bad, null, true, 0, 0)));
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        assertEquals(
                "unknown run attribute 'colour': use one of created, ended, group, heartbeat, host, id, name,"
                        + " notes, project, runtime, state, sweep, tags, user, or config.KEY / summary.KEY",
                e.getMessage());
    }

    @Test
    void operatorsThatMeanNothingForAFieldAreRefusedWithTheAlternative() {
        KeelException e = assertThrows(KeelException.class, () -> where("tags > a"));
        assertEquals(
                "'tags >' needs a value; only = and != work with tags (or use: tags contains \"x\")", e.getMessage());
        e = assertThrows(KeelException.class, () -> where("config.x < null"));
        assertEquals("'config.x <' needs a value; only = and != work with null", e.getMessage());
        e = assertThrows(KeelException.class, () -> where("config.x contains null"));
        assertEquals(
                "'config.x contains' needs a value, not null: write config.x = null to find runs without it",
                e.getMessage());
        e = assertThrows(KeelException.class, () -> where("runtime > long"));
        assertEquals("'runtime' is a number (milliseconds), not 'long'", e.getMessage());
    }

    @Test
    void sortsBySummaryWithMissingAndNanLastInBothDirections() {
        assertEquals(List.of("r3", "r1", "r2", "r4"), sorted("p", "summary.val_acc", true));
        assertEquals(List.of("r2", "r1", "r3", "r4"), sorted("p", "val_acc", false));
        // NaN (r2) sorts with the missing ones, newest first among them
        assertEquals(List.of("r1", "r3", "r4", "r2"), sorted("p", "loss", false));
        assertEquals(List.of("r3", "r1", "r4", "r2"), sorted("p", "loss", true));
    }

    @Test
    void sortsByConfigAndAttributes() {
        assertEquals(List.of("r3", "r1", "r2", "r4"), sorted("p", "config.layers", false));
        assertEquals(List.of("r2", "r1", "r4", "r3"), sorted("p", "config.opt.lr", true));
        assertEquals(List.of("r1", "r2", "r3", "r4", "q1"), sorted(null, "created", false));
        assertEquals(List.of("r1", "r2", "q1", "r4", "r3"), sorted(null, "runtime", true));
        assertEquals(List.of("q1", "r4", "r3", "r2", "r1"), sorted(null, "config.missing", false));
        assertEquals(List.of("q1", "r4", "r3", "r2", "r1"), ids(RunQuery.all()));
    }

    @Test
    void countsAndPages() {
        assertEquals(5, store.countRuns(RunQuery.all()));
        assertEquals(4, store.countRuns(RunQuery.project("p")));
        assertEquals(2, store.countRuns(new RunQuery("p", FilterParser.parse("tags contains mlp"), null, true, 0, 0)));
        assertEquals(List.of("r2", "r3"), ids(new RunQuery(null, null, Field.parse("created"), false, 2, 1)));
        assertEquals(List.of("r4", "q1"), ids(new RunQuery(null, null, Field.parse("created"), false, 0, 3)));
        assertEquals(List.of(), ids(new RunQuery(null, null, null, true, 10, 50)));
    }
}
